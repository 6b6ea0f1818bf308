// Slack mrkdwn → HTML, for pages that show people what paxstats will post (the outbox folder).
#include "paxstats/reports/slack_html.hpp"

#include <regex>
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

void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  append_html_escaped(out, s);
  return out;
}

std::string slack_to_html(std::string_view text, const std::map<std::string, std::string>& names) {
  // 1. Slack's <…> sequences become placeholders (\x01 n \x02) holding their HTML.
  std::vector<std::string> tokens;
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '<') {
      plain += text[i];
      continue;
    }
    const size_t end = text.find('>', i);
    if (end == std::string_view::npos) {
      plain += text.substr(i);
      break;
    }
    const std::string inner(text.substr(i + 1, end - i - 1));
    const size_t bar = inner.find('|');
    const std::string target = inner.substr(0, bar),
                      label = bar == std::string::npos ? "" : unescape_slack(inner.substr(bar + 1));
    std::string html;
    auto name_of = [&](const std::string& id) {
      auto it = names.find(id);
      return it != names.end() ? it->second : !label.empty() ? label : id;
    };
    if (target.starts_with("@")) {
      std::string n = name_of(target.substr(1));
      html = "<span class=\"mention\">@" + html_escape(n) + "</span>";
    } else if (target.starts_with("#")) {
      std::string n = name_of(target.substr(1));
      if (!n.starts_with("#")) n = "#" + n;
      html = "<span class=\"mention\">" + html_escape(n) + "</span>";
    } else if (target.starts_with("!")) {
      html = "<span class=\"mention\">@" + html_escape(target.substr(1)) + "</span>";
    } else if (target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:")) {
      const std::string url = unescape_slack(target);
      html = "<a href=\"" + html_escape(url) + "\">" + html_escape(label.empty() ? url : label) + "</a>";
    } else {
      html = html_escape(unescape_slack("<" + inner + ">"));
    }
    plain += "\x01" + std::to_string(tokens.size()) + "\x02";
    tokens.push_back(std::move(html));
    i = end;
  }
  // 2. The text, escaped once, then formatted as Slack does.
  std::string out = html_escape(unescape_slack(plain));
  for (const auto& [code, glyph] : emoji())
    for (size_t at; (at = out.find(code)) != std::string::npos;) out.replace(at, code.size(), glyph);
  struct Style {
    std::regex re;
    const char* tag;
  };
  static const std::vector<Style> styles = [] {
    std::vector<Style> v;
    for (auto [mark, tag] : {std::pair{"\\*", "b"}, {"_", "i"}, {"~", "s"}, {"`", "code"}})
      v.push_back({std::regex(std::string("(^|[\\s(\\x02])") + mark + "([^\\s" + mark + "](?:[^" + mark +
                              "\\n]*?[^\\s" + mark + "])?)" + mark + "(?=$|[\\s.,;:!?)\\x01])"),
                   tag});
    return v;
  }();
  for (const auto& s : styles) out = std::regex_replace(out, s.re, std::string("$1<") + s.tag + ">$2</" + s.tag + ">");
  for (size_t at; (at = out.find('\n')) != std::string::npos;) out.replace(at, 1, "<br>");
  // 3. The placeholders, filled.
  std::string final_html;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] != '\x01') {
      final_html += out[i];
      continue;
    }
    const size_t end = out.find('\x02', i);
    final_html += tokens.at(std::stoul(out.substr(i + 1, end - i - 1)));
    i = end;
  }
  return final_html;
}

}  // namespace paxstats::reports
