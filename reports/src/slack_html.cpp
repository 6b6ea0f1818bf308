// Slack mrkdwn → HTML, for pages that show people what paxstats will post (the outbox folder).
#include "paxstats/reports/slack_html.hpp"

#include <algorithm>
#include <vector>

namespace paxstats::reports {
namespace {

// Slack's own escapes, undone: the text is escaped once, for HTML, afterwards.
std::string unescape_slack(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 5) == "&amp;")
      out += '&', i += 4;
    else if (s.substr(i, 4) == "&lt;")
      out += '<', i += 3;
    else if (s.substr(i, 4) == "&gt;")
      out += '>', i += 3;
    else
      out += s[i];
  }
  return out;
}

const std::map<std::string, std::string>& emoji() {
  static const std::map<std::string, std::string> codes = {
      {":fire:", "🔥"}, {":trophy:", "🏆"},   {":muscle:", "💪"},          {":tada:", "🎉"}, {":star:", "⭐"},
      {":clap:", "👏"}, {":medal:", "🏅"}, {":sports_medal:", "🏅"}, {":wave:", "👋"}, {":eyes:", "👀"}};
  return codes;
}

}  // namespace

namespace {

// One unit of a message as Slack shows it: a character of its text, or a piece already rendered
// (a mention, a channel, a link). Formatting marks are found among these cells, so nothing a
// user writes can stand for a piece: there are no in-band markers.
struct Cell {
  char c = 0;
  int piece = -1;      // >= 0: pieces[piece]
  bool mark = false;   // a formatting mark consumed by a style
  std::string before;  // tags opened before this cell
  std::string after;   // tags closed after it
};

Cell text_cell(char c) {
  Cell x;
  x.c = c;
  return x;
}

Cell piece_cell(int piece) {
  Cell x;
  x.piece = piece;
  return x;
}

bool is_ws(const Cell& x) { return x.piece < 0 && (x.c == ' ' || x.c == '\t' || x.c == '\n' || x.c == '\r'); }

// Control characters (but line breaks and tabs) shown as \uXXXX: a name holding U+0001 is shown,
// never interpreted.
void append_visible(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if ((u < 0x20 && ch != '\n' && ch != '\t') || u == 0x7F) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += ch;
    }
  }
}

std::string visible(std::string_view s) {
  std::string out;
  append_visible(out, s);
  return out;
}

// Slack's rule for *bold*, _italic_, ~strike~ and `code`: a mark after the start, a space, '('
// or a rendered piece; then text that does not start or end with a space, holds no mark and no
// line break; then the mark before the end, a space, punctuation or a rendered piece.
void apply_style(std::vector<Cell>& cells, char mark, const char* tag) {
  auto plain = [&](size_t k, char c) { return cells[k].piece < 0 && !cells[k].mark && cells[k].c == c; };
  for (size_t i = 0; i < cells.size(); ++i) {
    if (!plain(i, mark)) continue;
    if (i > 0) {
      const Cell& prev = cells[i - 1];
      const bool boundary = (is_ws(prev) || (prev.piece < 0 && prev.c == '(') || prev.piece >= 0) && prev.after.empty();
      if (!boundary || !cells[i].before.empty()) continue;
    }
    if (i + 1 >= cells.size() || is_ws(cells[i + 1]) || plain(i + 1, mark)) continue;
    size_t j = i + 1;
    bool found = false;
    for (; j < cells.size(); ++j) {
      if (cells[j].piece < 0 && cells[j].c == '\n') break;
      if (!plain(j, mark)) continue;
      if (j - 1 > i && !is_ws(cells[j - 1])) {
        const bool end_ok = j + 1 == cells.size() || is_ws(cells[j + 1]) || cells[j + 1].piece >= 0 ||
                            std::string_view(".,;:!?)").find(cells[j + 1].c) != std::string_view::npos;
        found = end_ok && cells[j + 1 < cells.size() ? j + 1 : j].before.empty();
      }
      break;
    }
    if (!found) continue;
    cells[i].mark = cells[j].mark = true;
    cells[i + 1].before = std::string("<") + tag + ">" + cells[i + 1].before;
    cells[j - 1].after += std::string("</") + tag + ">";
    i = j;
  }
}

}  // namespace

std::string slack_to_html(std::string_view text, const std::map<std::string, std::string>& names) {
  // 1. Slack's <…> sequences become rendered pieces; the rest, its characters.
  std::vector<std::string> pieces;
  std::vector<Cell> cells;
  auto add_text = [&](std::string_view raw) {
    std::string t = unescape_slack(raw);
    for (const auto& [code, glyph] : emoji())
      for (size_t at; (at = t.find(code)) != std::string::npos;) t.replace(at, code.size(), glyph);
    for (char c : visible(t)) cells.push_back(text_cell(c));
  };
  size_t from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '<') continue;
    const size_t end = text.find('>', i);
    if (end == std::string_view::npos) break;
    add_text(text.substr(from, i - from));
    const std::string inner(text.substr(i + 1, end - i - 1));
    const size_t bar = inner.find('|');
    const std::string target = inner.substr(0, bar),
                      label = bar == std::string::npos ? "" : unescape_slack(inner.substr(bar + 1));
    std::string html;
    auto name_of = [&](const std::string& id) {
      auto it = names.find(id);
      return visible(it != names.end() ? it->second : !label.empty() ? label : id);
    };
    if (target.starts_with("@")) {
      html = "<span class=\"mention\">@" + html_escape(name_of(target.substr(1))) + "</span>";
    } else if (target.starts_with("#")) {
      std::string n = name_of(target.substr(1));
      if (!n.starts_with("#")) n = "#" + n;
      html = "<span class=\"mention\">" + html_escape(n) + "</span>";
    } else if (target.starts_with("!")) {
      html = "<span class=\"mention\">@" + html_escape(visible(target.substr(1))) + "</span>";
    } else if (target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:")) {
      const std::string url = visible(unescape_slack(target));
      html = "<a href=\"" + html_escape(url) + "\">" + html_escape(label.empty() ? url : visible(label)) + "</a>";
    } else {
      html = html_escape(visible(unescape_slack("<" + inner + ">")));
    }
    cells.push_back(piece_cell(static_cast<int>(pieces.size())));
    pieces.push_back(std::move(html));
    i = end;
    from = end + 1;
  }
  add_text(text.substr(std::min(from, text.size())));
  // 2. Formatted as Slack does, then written with each character escaped once.
  for (auto [mark, tag] : {std::pair{'*', "b"}, {'_', "i"}, {'~', "s"}, {'`', "code"}}) apply_style(cells, mark, tag);
  std::string out;
  for (const auto& cell : cells) {
    out += cell.before;
    if (cell.piece >= 0)
      out += pieces[static_cast<size_t>(cell.piece)];
    else if (!cell.mark) {
      if (cell.c == '\n')
        out += "<br>";
      else
        append_html_escaped(out, std::string_view(&cell.c, 1));
    }
    out += cell.after;
  }
  return out;
}

}  // namespace paxstats::reports
