// The backblast parser. Hand-written scanning over string_views (no regex): it runs on every
// message of every import, so it must be fast, and it must never throw on hostile input.
#include "paxstats/mining/backblast.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <regex>
#include <stdexcept>
#include <unordered_set>
#include <utility>

namespace paxstats::mining {
namespace {

using json = nlohmann::json;
using sv = std::string_view;

// ------------------------------------------------------------------------------- text helpers

// A string member of a JSON object, or "" when it is absent or of another type (never throws).
std::string string_field(const json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool starts_with_ci(sv s, sv prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

bool equals_ci(sv a, sv b) { return a.size() == b.size() && starts_with_ci(a, b); }

std::string lower_copy(sv s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

// Length of a leading U+00A0 (no-break space), which Slack clients insert.
size_t nbsp_len(sv s) { return (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 && static_cast<unsigned char>(s[1]) == 0xA0) ? 2 : 0; }

sv trim(sv s) {
  for (;;) {
    if (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    else if (size_t n = nbsp_len(s)) s.remove_prefix(n);
    else break;
  }
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  while (s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 && static_cast<unsigned char>(s.back()) == 0xA0)
    s.remove_suffix(2);
  return s;
}

// Trims whitespace and Slack markup (*bold*, _italic_, ~strike~) and trailing punctuation.
sv trim_markup(sv s) {
  for (bool changed = true; changed;) {
    changed = false;
    sv t = trim(s);
    while (!t.empty() && (t.front() == '*' || t.front() == '_' || t.front() == '~' || t.front() == '`')) t.remove_prefix(1), changed = true;
    while (!t.empty() && (t.back() == '*' || t.back() == '_' || t.back() == '~' || t.back() == '`' || t.back() == '.' ||
                          t.back() == ':' || t.back() == ','))
      t.remove_suffix(1), changed = true;
    s = t;
  }
  return s;
}

// Decodes Slack's three escapes (&amp; last, as Slack documents).
std::string unescape(sv s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (s.substr(i, 4) == "&lt;") { out += '<'; i += 3; continue; }
      if (s.substr(i, 4) == "&gt;") { out += '>'; i += 3; continue; }
      if (s.substr(i, 5) == "&amp;") { out += '&'; i += 4; continue; }
    }
    out += s[i];
  }
  return out;
}

// Collapses runs of whitespace into one space.
std::string squeeze(sv s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) space = !out.empty();
    else {
      if (space) out += ' ';
      out += c;
      space = false;
    }
  }
  return out;
}

// Length of one leading emoji (a :shortcode: or a pictographic code point with its modifiers).
size_t leading_emoji(sv s) {
  if (s.size() > 2 && s[0] == ':') {
    size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '+')) ++i;
    if (i > 1 && i < s.size() && s[i] == ':') return i + 1;
    return 0;
  }
  size_t i = 0;
  for (;;) {
    if (i >= s.size()) break;
    const auto b = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (b >= 0xF0 && i + 3 < s.size()) {
      cp = ((b & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      len = 4;
    } else if (b >= 0xE0 && i + 2 < s.size()) {
      cp = ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else {
      break;
    }
    const bool pictographic = (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
                              (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2190 && cp <= 0x21FF) ||
                              (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
    const bool joiner = cp == 0x200D || cp == 0xFE0F || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3;
    if (pictographic || (i > 0 && joiner)) i += len;
    else break;
  }
  return i;
}

// The text without its emoji (:shortcodes: and pictographs), wherever they stand.
std::string without_emoji(sv s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = leading_emoji(s.substr(i))) i += n;
    else out += s[i++];
  }
  return out;
}

// Strips what may precede a label or header: spaces, bullets, quote marks, markup, an emoji.
sv clean_start(sv s) {
  for (bool changed = true; changed;) {
    changed = false;
    const size_t before = s.size();
    while (!s.empty() && (is_space(s.front()) || s.front() == '*' || s.front() == '_' || s.front() == '~' ||
                          s.front() == '>' || s.front() == '`'))
      s.remove_prefix(1);
    if (size_t n = nbsp_len(s)) s.remove_prefix(n);
    if (s.size() >= 2 && (s[0] == '-' || s[0] == '+') && is_space(s[1])) s.remove_prefix(2);
    for (sv bullet : {sv("•"), sv("◦"), sv("▪"), sv("·"), sv("‣"), sv("●"), sv("–"), sv("—")})
      if (s.substr(0, bullet.size()) == bullet) s.remove_prefix(bullet.size());
    if (size_t n = leading_emoji(s)) s.remove_prefix(n);
    changed = s.size() != before;
  }
  return s;
}

std::vector<sv> split_lines(sv text) {
  std::vector<sv> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return lines;
}

// ------------------------------------------------------------------------------- labels

enum class Field { date, ao, q, coq, pax, fngs, fng_count, count, none };
constexpr size_t kFields = 8;

// The field's name in warnings and errors ("date", "fngs", …).
const char* field_key(Field f) {
  switch (f) {
    case Field::date: return "date";
    case Field::ao: return "ao";
    case Field::q: return "q";
    case Field::coq: return "coq";
    case Field::pax: return "pax";
    case Field::fngs:
    case Field::fng_count: return "fngs";
    case Field::count: return "count";
    case Field::none: break;
  }
  return "";
}

struct Label {
  sv text;  // lower case
  Field field;
};

// Longest first, so "number of pax" wins over "pax" would-be prefixes and "co-qs" over "co-q".
const std::array<Label, 30> kLabels = {{
    {"number of fngs", Field::fng_count}, {"number of pax", Field::count}, {"workout date", Field::date},
    {"pax names", Field::pax},            {"fng names", Field::fngs},      {"total pax", Field::count},
    {"pax count", Field::count},          {"the pax", Field::pax},         {"pax name", Field::pax},
    {"co-qs", Field::coq},                {"co qs", Field::coq},           {"co-q", Field::coq},
    {"co q", Field::coq},                 {"coqs", Field::coq},            {"count", Field::count},
    {"total", Field::count},              {"where", Field::ao},            {"a.o.", Field::ao},
    {"fngs", Field::fngs},                {"fng's", Field::fngs},          {"date", Field::date},
    {"when", Field::date},                {"coq", Field::coq},             {"vqs", Field::q},
    {"a.o", Field::ao},                   {"fng", Field::fngs},            {"qic", Field::q},
    {"pax", Field::pax},                  {"vq", Field::q},                {"qs", Field::q},
}};

// The separator after a label: ':' (maybe doubled) or a dash; returns its length or 0.
size_t separator(sv s) {
  if (!s.empty() && s[0] == ':') return s.size() > 1 && s[1] == ':' ? 2 : 1;
  if (!s.empty() && s[0] == '-') return 1;
  if (s.substr(0, 3) == "–" || s.substr(0, 3) == "—") return 3;
  return 0;
}

// Reads "Label: value" from a cleaned line start; Field::none when the line is not a field.
Field match_field(sv s, sv& value) {
  auto try_label = [&](sv label) -> bool {
    if (!starts_with_ci(s, label)) return false;
    sv rest = s.substr(label.size());
    if (!rest.empty() && (is_alpha(rest[0]) || is_digit(rest[0]))) return false;  // "Quick", "Total2"
    while (!rest.empty() && (rest[0] == '*' || rest[0] == '_' || rest[0] == '~')) rest.remove_prefix(1);
    rest = trim(rest);
    size_t n = separator(rest);
    if (!n) return false;
    rest.remove_prefix(n);
    while (!rest.empty() && (rest[0] == '*' || rest[0] == '_' || rest[0] == '~')) rest.remove_prefix(1);
    value = trim(rest);
    return true;
  };
  for (const auto& l : kLabels)
    if (try_label(l.text)) return l.field;
  if (try_label("q's") || try_label("q")) return Field::q;
  if (try_label("ao")) return Field::ao;
  return Field::none;
}

// A backblast header line: Backblast / Back Blast / Slackblast / Slack blast at the start.
bool header_keyword(sv cleaned, sv& rest) {
  for (sv kw : {sv("backblast"), sv("back blast"), sv("back-blast"), sv("slackblast"), sv("slack blast")}) {
    if (starts_with_ci(cleaned, kw)) {
      sv after = cleaned.substr(kw.size());
      if (!after.empty() && is_alpha(after[0]) && !starts_with_ci(after, "s")) return false;
      if (starts_with_ci(after, "s") && !(after.size() == 1 || !is_alpha(after[1]))) return false;
      if (starts_with_ci(after, "s")) after.remove_prefix(1);  // "Backblasts"
      rest = after;
      return true;
    }
  }
  return false;
}

// A preblast (a workout announced, still to come) at the start of a line: "Preblast",
// "Pre-blast", "Pre blast".
bool preblast_word(sv cleaned) {
  for (sv kw : {sv("preblast"), sv("pre-blast"), sv("pre blast")})
    if (starts_with_ci(cleaned, kw) && (cleaned.size() == kw.size() || !is_alpha(cleaned[kw.size()]) ||
                                        starts_with_ci(cleaned.substr(kw.size()), "s")))
      return true;
  return false;
}

// Edit distance with transpositions (optimal string alignment), for short labels.
size_t label_distance(sv a, sv b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.size()];
}

struct NearLabel {
  Field field = Field::none;
  std::string written;  // the label as typed
  const char* meant = "";
};

// A line that starts with one word and a colon that is no label, but a typo of one ("DAET:",
// "Paz:", "Cuont:"): edit distance ≤ 2 from DATE, FNGS or COUNT, ≤ 1 from PAX, and for AO two
// capitals one edit away ("A0:"). Q is one letter: every letter is one edit from it, so no guess.
// Words backblasts use as headings that happen to be near a label (COT, Note, Name…) are not typos.
NearLabel near_label(sv cleaned) {
  size_t n = 0;
  while (n < cleaned.size() && (is_alpha(cleaned[n]) || (n > 0 && (cleaned[n] == '\'' || is_digit(cleaned[n]))))) ++n;
  if (n < 2 || n > 8) return {};
  sv rest = cleaned.substr(n);
  while (!rest.empty() && (rest[0] == '*' || rest[0] == '_' || rest[0] == ' ')) rest.remove_prefix(1);
  if (rest.empty() || rest[0] != ':') return {};
  const std::string word = lower_copy(cleaned.substr(0, n));
  for (sv common : {"cot", "note", "name", "mate", "late", "gate", "rate", "vote", "data", "dave", "pat", "max", "pam",
                    "tax", "wax", "pay", "fun", "fans", "song", "songs", "count", "mount", "court"})
    if (word == common) return {};
  struct Candidate {
    sv label;
    Field field;
    const char* meant;
    size_t max;
  };
  for (const Candidate& c : {Candidate{"date", Field::date, "DATE", 2}, Candidate{"fngs", Field::fngs, "FNGs", 2},
                             Candidate{"count", Field::count, "COUNT", 2}, Candidate{"pax", Field::pax, "PAX", 1}})
    if (label_distance(word, c.label) <= c.max && word.size() + 1 >= c.label.size())
      return {c.field, std::string(cleaned.substr(0, n)), c.meant};
  if (n == 2 && !(cleaned[0] >= 'a' && cleaned[0] <= 'z') && !(cleaned[1] >= 'a' && cleaned[1] <= 'z') &&
      label_distance(word, "ao") == 1)
    return {Field::ao, std::string(cleaned.substr(0, n)), "AO"};
  return {};
}

// ------------------------------------------------------------------------------- people

struct Entry {
  Person person;
  bool fng = false;
  bool at_sign = false;  // typed as "@Name" in plain text (Slack's list was not used)
};

bool is_none_word(sv s) {
  std::string l = lower_copy(trim_markup(s));
  return l.empty() || l == "none" || l == "n/a" || l == "na" || l == "-" || l == "0" || l == "zero" || l == "nope" ||
         l == "none listed" || l == "tbd" || l == "--";
}

// Parses a list of people: <@U…> and <@U…|label> mentions, and typed names separated by
// commas, semicolons, '&', '+', the word "and" or typed '@'s. "(…)" after a person is a note
// and not part of a name; "(FNG)" marks an FNG. Bare numbers are collected in `numbers`.
std::vector<Entry> parse_people(sv value, std::vector<int>* numbers = nullptr) {
  std::vector<Entry> out;
  std::string current;
  size_t next_gt = 0;  // where the next '>' is (npos: none left), so a run of '<' is read in linear time
  bool gt_known = false;
  bool after_at = false;  // the text being gathered followed a typed '@'
  auto flush = [&] {
    std::string raw = squeeze(unescape(trim_markup(current)));
    current.clear();
    sv name = raw;
    bool at_sign = std::exchange(after_at, false);
    while (!name.empty() && (name.front() == '@' || name.front() == '#')) {
      at_sign = at_sign || name.front() == '@';
      name.remove_prefix(1);
    }
    name = trim_markup(name);
    // A role marked inside the list, as web forms write it: "FNG Name: Toaster", "FNG: Toaster".
    bool fng = false;
    for (sv mark : {sv("fng names"), sv("fng name"), sv("fngs"), sv("fng")})
      if (starts_with_ci(name, mark)) {
        sv rest = trim(name.substr(mark.size()));
        if (const size_t n = separator(rest)) {
          name = trim_markup(rest.substr(n));
          fng = true;
          break;
        }
      }
    if (name.empty() || is_none_word(name)) return;
    if (std::all_of(name.begin(), name.end(), [](char c) { return is_digit(c); })) {
      int n = 0;
      std::from_chars(name.data(), name.data() + name.size(), n);
      if (numbers) numbers->push_back(n);
      return;
    }
    out.push_back({{"", std::string(name)}, fng, at_sign});
  };
  size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '<') {
      if (!gt_known || (next_gt != sv::npos && next_gt < i)) next_gt = value.find('>', i), gt_known = true;
      size_t close = next_gt;
      if (close == sv::npos) {
        current += c;
        ++i;
        continue;
      }
      sv token = value.substr(i + 1, close - i - 1);
      if (token.size() > 1 && token[0] == '@' && (token[1] == 'U' || token[1] == 'W')) {
        flush();
        sv id = token.substr(1, token.find('|') == sv::npos ? sv::npos : token.find('|') - 1);
        out.push_back({{std::string(id), ""}, false});
      } else {
        flush();  // channel links, <!here>, URLs: not people
      }
      i = close + 1;
      continue;
    }
    if (c == '(') {
      size_t close = value.find(')', i);
      sv note = value.substr(i + 1, close == sv::npos ? sv::npos : close - i - 1);
      std::string lnote = lower_copy(note);
      bool fng = false;
      for (size_t p = lnote.find("fng"); p != std::string::npos; p = lnote.find("fng", p + 1))
        if ((p == 0 || !is_alpha(lnote[p - 1])) && (p + 3 >= lnote.size() || !is_alpha(lnote[p + 3]) || lnote[p + 3] == 's'))
          fng = true;
      if (!trim_markup(current).empty()) flush();
      if (fng && !out.empty()) out.back().fng = true;
      i = close == sv::npos ? value.size() : close + 1;
      continue;
    }
    if (c == ',' || c == ';' || c == '@' || c == '+' || c == '\n') {
      flush();
      after_at = c == '@';
      ++i;
      continue;
    }
    if (c == '&') {
      if (value.substr(i, 5) == "&amp;") {
        flush();
        i += 5;
        continue;
      }
      flush();
      ++i;
      continue;
    }
    // The word "and" between names.
    if (is_space(c) && i + 4 < value.size() + 1 && starts_with_ci(value.substr(i + 1), "and") &&
        (i + 4 >= value.size() || is_space(value[i + 4]))) {
      flush();
      i += 4;
      continue;
    }
    current += c;
    ++i;
  }
  flush();
  return out;
}

// ------------------------------------------------------------------------------- dates

int month_of(sv word) {
  static const std::array<sv, 12> names = {"january", "february", "march",     "april",   "may",      "june",
                                           "july",    "august",   "september", "october", "november", "december"};
  std::string w = lower_copy(word);
  if (w.size() < 3) return 0;
  for (size_t m = 0; m < 12; ++m) {
    if (w == names[m] || (w.size() == 3 && names[m].substr(0, 3) == w) || (m == 8 && w == "sept")) return static_cast<int>(m) + 1;
  }
  return 0;
}

struct Token {
  enum Kind { number, word, sep } kind;
  sv text;
  int value = 0;
};

std::vector<Token> tokenize(sv s) {
  std::vector<Token> t;
  size_t i = 0;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      int v = 0;
      std::from_chars(s.data() + i, s.data() + std::min(j, i + 9), v);
      t.push_back({Token::number, s.substr(i, j - i), v});
      // ordinals: 25th, 1st, 2nd, 3rd
      if (j + 1 < s.size() + 1 && j < s.size() && is_alpha(s[j])) {
        size_t k = j;
        while (k < s.size() && is_alpha(s[k])) ++k;
        std::string suffix = lower_copy(s.substr(j, k - j));
        if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") j = k;
      }
      i = j;
    } else if (is_alpha(s[i])) {
      size_t j = i;
      while (j < s.size() && is_alpha(s[j])) ++j;
      t.push_back({Token::word, s.substr(i, j - i)});
      i = j;
    } else if (s[i] == '/' || s[i] == '-' || s[i] == '.' || s[i] == ',') {
      t.push_back({Token::sep, s.substr(i, 1)});
      ++i;
    } else {
      ++i;  // spaces and anything else separate tokens
    }
  }
  return t;
}

int full_year(const Token& t) {
  if (t.text.size() == 4) return t.value;
  if (t.text.size() == 2) return 2000 + t.value;
  return 0;
}

}  // namespace

std::optional<date::year_month_day> parse_date(sv text, date::year_month_day near) {
  using namespace date;
  auto make = [&](int y, int m, int d) -> std::optional<year_month_day> {
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    if (y == 0) {  // no year: the one that puts the date nearest to `near`
      std::optional<year_month_day> best;
      long best_gap = 0;
      for (int dy : {-1, 0, 1}) {
        year_month_day c{year{int(near.year()) + dy}, month{unsigned(m)}, day{unsigned(d)}};
        if (!c.ok()) continue;
        long gap = std::labs((sys_days{c} - sys_days{near}).count());
        if (!best || gap < best_gap) best = c, best_gap = gap;
      }
      return best;
    }
    year_month_day c{year{y}, month{unsigned(m)}, day{unsigned(d)}};
    if (!c.ok() || y < 1990 || y > 2100) return std::nullopt;
    return c;
  };
  // Slack's date token: <!date^1392734382^{date}|Feb 18, 2014> (the seconds are UTC).
  if (auto p = text.find("<!date^"); p != sv::npos) {
    long long secs = 0;
    auto b = text.data() + p + 7;
    auto [end, ec] = std::from_chars(b, text.data() + text.size(), secs);
    if (ec == std::errc() && end != b)
      return year_month_day{floor<days>(sys_seconds{std::chrono::seconds{secs}})};
  }
  const auto t = tokenize(text);
  for (size_t i = 0; i < t.size(); ++i) {
    // Month-name forms: "December 25, 2020", "Dec 25 2020", "8-Mar-2023", "8 March 2023".
    if (t[i].kind == Token::word) {
      int m = month_of(t[i].text);
      if (!m) continue;
      size_t j = i + 1;
      while (j < t.size() && t[j].kind == Token::sep) ++j;
      if (j < t.size() && t[j].kind == Token::number && t[j].text.size() <= 2) {
        size_t k = j + 1;
        while (k < t.size() && t[k].kind == Token::sep) ++k;
        int y = k < t.size() && t[k].kind == Token::number ? full_year(t[k]) : 0;
        if (auto d = make(y, m, t[j].value)) return d;
      }
      if (i >= 1) {
        size_t b = i - 1;
        while (b > 0 && t[b].kind == Token::sep) --b;
        if (t[b].kind == Token::number && t[b].text.size() <= 2) {
          size_t k = i + 1;
          while (k < t.size() && t[k].kind == Token::sep) ++k;
          int y = k < t.size() && t[k].kind == Token::number ? full_year(t[k]) : 0;
          if (auto d = make(y, m, t[b].value)) return d;
        }
      }
      continue;
    }
    if (t[i].kind != Token::number) continue;
    // Numeric forms: Y-M-D, M/D/Y, M-D-Y, M.D.Y (one separator kind), M/D.
    if (i + 2 < t.size() && t[i + 1].kind == Token::sep && t[i + 2].kind == Token::number && t[i + 1].text != ",") {
      const sv sep = t[i + 1].text;
      const bool third = i + 4 < t.size() && t[i + 3].kind == Token::sep && t[i + 3].text == sep && t[i + 4].kind == Token::number;
      if (t[i].text.size() == 4 && third) {
        if (auto d = make(t[i].value, t[i + 2].value, t[i + 4].value)) return d;
      } else if (t[i].text.size() <= 2 && third && (t[i + 4].text.size() == 2 || t[i + 4].text.size() == 4)) {
        if (auto d = make(full_year(t[i + 4]), t[i].value, t[i + 2].value)) return d;
      } else if (t[i].text.size() <= 2 && t[i + 2].text.size() <= 2 && !third && sep == "/") {
        if (auto d = make(0, t[i].value, t[i + 2].value)) return d;
      }
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------------------- context

namespace {
// "AO: The Forge" → "theforge"; "ao-the-forge" → "aotheforge" (looked up with and without "ao").
std::string loose_key(sv name) {
  std::string k;
  for (char c : name)
    if (is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80) k += lower(c);
  return k;
}
std::string without_ao(const std::string& k) { return k.size() > 2 && k.rfind("ao", 0) == 0 ? k.substr(2) : std::string(); }
}  // namespace

ParseContext::ParseContext(std::string_view tz, const std::vector<ChannelInfo>& channels) : zone_(date::locate_zone(tz)) {
  for (const auto& c : channels) {
    exact_[lower_copy(c.name)] = c.id;
    const std::string k = loose_key(c.name);
    loose_.emplace(k, c.id);
    if (auto bare = without_ao(k); !bare.empty()) loose_.emplace(bare, c.id);
    ids_[c.id] = true;
  }
}

std::optional<std::string> ParseContext::channel_by_name(std::string_view name) const {
  sv n = trim_markup(name);
  while (!n.empty() && n.front() == '#') n.remove_prefix(1);
  if (n.empty()) return std::nullopt;
  if (auto it = exact_.find(lower_copy(n)); it != exact_.end()) return it->second;
  const std::string k = loose_key(n);
  if (k.empty()) return std::nullopt;
  if (auto it = loose_.find(k); it != loose_.end()) return it->second;
  if (auto bare = without_ao(k); !bare.empty())
    if (auto it = loose_.find(bare); it != loose_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> Backblast::roles() const {
  // One pass with hash sets: a backblast naming thousands of FNGs stays linear.
  std::unordered_set<std::string> coq_keys, fng_ids(fng_user_ids.begin(), fng_user_ids.end()), fng_keys;
  for (const auto& c : coqs) coq_keys.insert(c.user_id.empty() ? "N:" + lower_copy(c.name) : "U:" + c.user_id);
  for (const auto& n : fng_names) fng_keys.insert(lower_copy(n));
  std::vector<std::string> out;
  out.reserve(pax.size());
  for (const auto& p : pax) {
    if (q && *q == p) out.emplace_back("q");
    else if (coq_keys.count(p.user_id.empty() ? "N:" + lower_copy(p.name) : "U:" + p.user_id)) out.emplace_back("coq");
    else if (!p.user_id.empty() ? fng_ids.count(p.user_id) > 0 : fng_keys.count(lower_copy(p.name)) > 0) out.emplace_back("fng");
    else out.emplace_back("pax");
  }
  return out;
}

std::string Backblast::role_of(const Person& p) const {
  if (q && *q == p) return "q";
  if (std::find(coqs.begin(), coqs.end(), p) != coqs.end()) return "coq";
  if (!p.user_id.empty() && std::find(fng_user_ids.begin(), fng_user_ids.end(), p.user_id) != fng_user_ids.end()) return "fng";
  if (!p.name.empty())
    for (const auto& n : fng_names)
      if (equals_ci(lower_copy(n), lower_copy(p.name))) return "fng";
  return "pax";
}

// ------------------------------------------------------------------------------- the parse

namespace {

struct FieldLine {
  sv value;
  int line = 0;
  bool found = false;
};

struct Reader {
  const ParseContext& ctx;
  const MessageView& msg;
  Backblast b;
  date::year_month_day posted_local{};

  void warn(const char* field, std::string message, int line = 0) { b.warnings.push_back({Severity::warning, field, std::move(message), line}); }
  void error(const char* field, std::string message, int line = 0) { b.errors.push_back({Severity::error, field, std::move(message), line}); }

  std::unordered_set<std::string> attending = {};  // "U:<id>" or "N:<lower-case name>"

  static std::string key(const Person& p) { return p.user_id.empty() ? "N:" + lower_copy(p.name) : "U:" + p.user_id; }

  // Adds a person to the attendees once (mentions by id, typed names ignoring case).
  void attend(const Person& p) {
    if (attending.insert(key(p)).second) b.pax.push_back(p);
  }

  void note_typed(const char* field, const Entry& e, int line) {
    const Person& p = e.person;
    if (p.name.empty()) return;
    if (e.at_sign)
      warn(field, "\"@" + p.name + "\" is plain text, not a Slack mention: counted by name only. Type @ and pick " +
                      p.name + " from the list Slack offers (the name turns into a link) so their posts count for them.",
           line);
    else
      warn(field, "\"" + p.name + "\" is typed, not a Slack mention: counted by name only. Type @ and pick " + p.name +
                      " from the list Slack offers so their posts count for them.", line);
  }

  std::unordered_set<std::string> fngs_seen = {};  // "U:<id>" or "N:<lower-case name>": linear for any length

  void add_fng(const Person& p) {
    if (!fngs_seen.insert(key(p)).second) return;
    if (!p.user_id.empty()) b.fng_user_ids.push_back(p.user_id);
    else b.fng_names.push_back(p.name);
  }

  // Fields gathered from text lines (text or blocks).
  bool read_lines(sv text, const char* source) {
    const auto lines = split_lines(text);
    int header = -1;
    sv header_rest;
    std::string hashtag_ao;
    size_t first = 0;
    while (first < lines.size() && trim(lines[first]).empty()) ++first;
    for (size_t i = 0; i < lines.size(); ++i) {
      sv cleaned = clean_start(lines[i]);
      sv rest;
      if (header_keyword(cleaned, rest)) {
        header = static_cast<int>(i);
        header_rest = rest;
        break;
      }
      // Region web forms cross-posted to Slack: "• Post Type: Backblast" (or Preblast: never a beatdown).
      if (starts_with_ci(cleaned, "post type")) {
        sv type = trim(cleaned.substr(9));
        if (const size_t n = separator(type)) type = trim(type.substr(n));
        sv ignored;
        if (header_keyword(clean_start(type), ignored)) {
          header = static_cast<int>(i);
          break;
        }
        if (preblast_word(type)) return false;
      }
      if (i == first && preblast_word(cleaned)) return false;  // "Preblast: Rainy Friday"
      if (i == first) {
        // "#backblast #ao-name" on the first line
        std::string l = lower_copy(lines[i]);
        if (auto p = l.find("#backblast"); p != std::string::npos && trim(sv(lines[i]).substr(0, p)).empty()) {
          header = static_cast<int>(i);
          sv after = sv(lines[i]).substr(p + 10);
          after = trim(after);
          if (!after.empty() && after[0] == '#') {
            size_t e = 1;
            while (e < after.size() && !is_space(after[e])) ++e;
            hashtag_ao = std::string(after.substr(1, e - 1));
          } else if (after.substr(0, 2) == "<#") {
            hashtag_ao = std::string(after.substr(0, after.find('>') + 1));
          }
          break;
        }
      }
    }
    std::array<FieldLine, kFields> f{};
    bool pax_count_only = false;
    FieldLine fng_names;  // "FNG Names:" after "Number of FNGs:" (web forms): the names of that count
    for (size_t i = 0; i < lines.size(); ++i) {
      if (static_cast<int>(i) == header) continue;
      sv value;
      Field field = match_field(clean_start(lines[i]), value);
      if (field == Field::none) continue;
      auto& slot = f[static_cast<size_t>(field == Field::fng_count ? Field::fngs : field)];
      if (field == Field::fngs && slot.found && pax_count_only && !fng_names.found) {
        fng_names = {value, static_cast<int>(i) + 1, true};
        continue;
      }
      if (slot.found) continue;  // the first occurrence of a field wins
      slot = {value, static_cast<int>(i) + 1, true};
      if (field == Field::fng_count) pax_count_only = true;
    }
    if (std::none_of(f.begin(), f.end(), [](const FieldLine& x) { return x.found; })) return false;  // "Backblast coming soon"
    if (header < 0) {
      // No header line (a web form's fields, cross-posted): a backblast when it names its Q and
      // its PAX, and its date or AO. A post about a workout still to come never is.
      auto has = [&](Field x) { return f[static_cast<size_t>(x)].found && !f[static_cast<size_t>(x)].value.empty(); };
      if (!(has(Field::q) && has(Field::pax) && (has(Field::date) || has(Field::ao)))) return false;
      for (const auto& l : lines)
        if (preblast_word(clean_start(l))) return false;
    }

    b.is_backblast = true;
    // A typo'd label ("DAET:") is read as nothing; say so, for the field it leaves unread.
    for (size_t i = 0; i < lines.size(); ++i) {
      if (static_cast<int>(i) == header) continue;
      sv ignored;
      const sv cleaned = clean_start(lines[i]);
      if (match_field(cleaned, ignored) != Field::none) continue;
      const NearLabel near = near_label(cleaned);
      if (near.field == Field::none || f[static_cast<size_t>(near.field)].found) continue;
      warn(field_key(near.field), "\"" + near.written + ":\" looks like " + near.meant + " but is not a label paxstats reads, so the " +
                                      "line was ignored. Write " + near.meant + ": …", static_cast<int>(i) + 1);
    }
    b.source = source;
    // Title: after the header word; else a bold line right below it.
    // ":muscle: Backblast :fire: 🔥 Rainy Thursday": the emoji and punctuation after the header
    // word are decoration, not title.
    sv title_start = header_rest;
    for (size_t before = sv::npos; before != title_start.size();) {
      before = title_start.size();
      title_start = clean_start(title_start);
      while (!title_start.empty() && (title_start.front() == '!' || title_start.front() == ':' ||
                                      title_start.front() == '#' || title_start.front() == '-'))
        title_start.remove_prefix(1);
    }
    std::string title = squeeze(unescape(trim_markup(title_start)));
    if (!hashtag_ao.empty()) title.clear();
    if (title.empty() && header >= 0 && static_cast<size_t>(header + 1) < lines.size()) {
      sv next = lines[static_cast<size_t>(header) + 1];
      sv ignored;
      if (match_field(clean_start(next), ignored) == Field::none && !trim(next).empty())
        title = squeeze(unescape(trim_markup(next)));
    }
    b.title = title;

    auto at = [&](Field x) -> FieldLine& { return f[static_cast<size_t>(x)]; };
    read_date(at(Field::date));
    read_ao(at(Field::ao), hashtag_ao);
    read_q(at(Field::q), at(Field::coq));
    std::vector<int> pax_numbers;
    std::vector<Entry> marked_fngs;
    if (at(Field::pax).found) {
      for (auto& e : parse_people(at(Field::pax).value, &pax_numbers)) {
        note_typed("pax", e, at(Field::pax).line);
        attend(e.person);
        if (e.fng) marked_fngs.push_back(e);
      }
    } else {
      warn("pax", "no PAX line: only the Q and Co-Qs are counted as attending. Add a line \"PAX: @name @name …\".");
    }
    read_fngs(at(Field::fngs), pax_count_only, marked_fngs, fng_names);
    read_count(at(Field::count), pax_numbers, at(Field::pax).line);
    return true;
  }

  void read_date(const FieldLine& line) {
    if (line.found) {
      if (auto d = parse_date(line.value, posted_local)) {
        b.date = *d;
        b.date_source = "field";
        check_weekday(line);
        const auto gap = (date::sys_days{b.date} - date::sys_days{posted_local}).count();
        if (gap > 2)
          warn("date", "the date " + date::format("%F", b.date) + " is " + std::to_string(gap) +
                           " days after the post; check the month and day.", line.line);
        else if (gap < -60)
          warn("date", "the date " + date::format("%F", b.date) + " is " + std::to_string(-gap) +
                           " days before the post; check the year.", line.line);
        return;
      }
      error("date", "cannot read the date \"" + unescape(line.value) + "\"; using the day it was posted (" +
                        date::format("%F", posted_local) + "). Write it like 2024-03-05, 3/5/2024 or March 5, 2024.",
            line.line);
    } else {
      // No DATE line: some regions write the date only in the title ("Backblast 10.24.18").
      static const std::regex in_title(R"((^|[^0-9])([0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4})($|[^0-9]))");
      std::smatch m;
      if (std::regex_search(b.title, m, in_title))
        if (auto d = parse_date(m[2].str(), posted_local)) {
          b.date = *d;
          b.date_source = "title";
          return;
        }
    }
    b.date = posted_local;
    b.date_source = "posted_at";
  }

  // "Monday 11/4" when 11/4 was a Tuesday: one of the two is wrong, and paxstats cannot tell which.
  void check_weekday(const FieldLine& line) {
    static constexpr std::array<std::pair<sv, unsigned>, 18> kDays = {{
        {"sunday", 0}, {"sun", 0}, {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tues", 2}, {"tue", 2},
        {"wednesday", 3}, {"weds", 3}, {"wed", 3}, {"thursday", 4}, {"thurs", 4}, {"thur", 4}, {"thu", 4},
        {"friday", 5}, {"fri", 5}, {"saturday", 6}, {"sat", 6},
    }};
    static constexpr std::array<sv, 7> kNames = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    const std::string l = lower_copy(line.value);
    const unsigned actual = date::weekday{date::sys_days{b.date}}.c_encoding();
    for (size_t i = 0; i < l.size();) {
      if (!is_alpha(l[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < l.size() && is_alpha(l[j])) ++j;
      const sv word = sv(l).substr(i, j - i);
      for (const auto& [name, wd] : kDays)
        if (word == name) {
          if (wd != actual)
            warn("date", "the date " + date::format("%F", b.date) + " is a " + std::string(kNames[actual]) +
                             ", but the line says " + std::string(kNames[wd]) + "; check the date.", line.line);
          return;
        }
      i = j;
    }
  }

  void read_ao(const FieldLine& line, const std::string& hashtag) {
    sv value = line.found ? line.value : sv(hashtag);
    if (!value.empty()) {
      if (auto p = value.find("<#"); p != sv::npos) {
        size_t close = value.find('>', p);
        sv token = value.substr(p + 2, close == sv::npos ? sv::npos : close - p - 2);
        b.ao_channel_id = std::string(token.substr(0, token.find('|')));
        if (!ctx.has_channel(*b.ao_channel_id))
          warn("ao", "the AO channel " + *b.ao_channel_id + " is not one of this region's channels.", line.line);
        return;
      }
      std::string written = squeeze(unescape(trim_markup(value)));
      if (auto id = ctx.channel_by_name(written)) {
        b.ao_channel_id = *id;
        return;
      }
      // "ao-high-noon 🌞": the emoji are decoration.
      if (std::string plain = squeeze(without_emoji(written)); plain != written && !plain.empty()) {
        if (auto id = ctx.channel_by_name(plain)) {
          b.ao_channel_id = *id;
          return;
        }
        written = plain;
      }
      if (!written.empty() && !is_none_word(written)) {
        b.ao_name = written;
        b.ao_channel_id = std::string(msg.channel_id);
        warn("ao", "the AO \"" + written + "\" matches no channel; counted at the channel it was posted in. Write the AO "
                   "as a channel link (#ao-name) so it is counted where it belongs.",
             line.line);
        return;
      }
    }
    b.ao_channel_id = std::string(msg.channel_id);
  }

  void read_q(const FieldLine& qline, const FieldLine& coqline) {
    if (qline.found) {
      auto people = parse_people(qline.value);
      for (size_t i = 0; i < people.size(); ++i) {
        note_typed("q", people[i], qline.line);
        if (i == 0) b.q = people[i].person;
        else b.coqs.push_back(people[i].person);
      }
    }
    if (coqline.found) {
      std::unordered_set<std::string> seen;
      for (const auto& c : b.coqs) seen.insert(key(c));
      for (auto& e : parse_people(coqline.value)) {
        note_typed("coq", e, coqline.line);
        if (!(b.q && *b.q == e.person) && seen.insert(key(e.person)).second) b.coqs.push_back(e.person);
      }
    }
    if (!b.q) {
      if (!b.coqs.empty()) {  // a Co-Q line alone: its first entry led
        b.q = b.coqs.front();
        b.coqs.erase(b.coqs.begin());
      } else {
        error("q", "no Q: add a line \"Q: @name\" naming who led, as a Slack mention.", qline.line);
      }
    }
    if (b.q) attend(*b.q);
    for (const auto& c : b.coqs) attend(c);
  }

  void read_fngs(const FieldLine& line, bool count_only, const std::vector<Entry>& marked, const FieldLine& names) {
    std::optional<int> written;
    if (line.found) {
      sv v = trim_markup(line.value);
      if (!is_none_word(v)) {
        size_t i = 0;
        while (i < v.size() && is_digit(v[i])) ++i;
        if (i > 0 && (i == v.size() || !is_alpha(v[i]))) {
          int n = 0;
          std::from_chars(v.data(), v.data() + i, n);
          written = n;
          v.remove_prefix(i);
          // "1 - Toaster", "2: Toaster, Hammer", "1 (Toaster)": the names after the number.
          v = trim(v);
          if (size_t sep = separator(v)) v = trim(v.substr(sep));
          else if (!v.empty() && v.front() == '=') v = trim(v.substr(1));
          if (v.size() >= 2 && v.front() == '(' && v.back() == ')' && v.find(')') == v.size() - 1)
            v = trim(v.substr(1, v.size() - 2));
        }
        if (!count_only)
          for (auto& e : parse_people(v)) {
            note_typed("fngs", e, line.line);
            add_fng(e.person);
          }
      }
    }
    if (count_only && names.found && !is_none_word(names.value))
      for (auto& e : parse_people(names.value)) {
        note_typed("fngs", e, names.line);
        add_fng(e.person);
      }
    for (const auto& e : marked) add_fng(e.person);
    for (const auto& id : b.fng_user_ids) attend({id, ""});
    for (const auto& n : b.fng_names) attend({"", n});
    const int listed = static_cast<int>(b.fng_names.size() + b.fng_user_ids.size());
    b.fng_count = written ? std::max(*written, listed) : listed;
    if (written && *written < listed)
      warn("fngs", "FNGs says " + std::to_string(*written) + " but names " + std::to_string(listed) + "; counting " +
                       std::to_string(listed) + ".", line.line);
  }

  void read_count(const FieldLine& line, const std::vector<int>& pax_numbers, int pax_line) {
    b.derived_count = static_cast<int>(b.pax.size());
    if (line.found) {
      sv v = line.value;
      size_t i = 0;
      while (i < v.size() && !is_digit(v[i])) ++i;
      if (i < v.size()) {
        size_t j = i;
        while (j < v.size() && is_digit(v[j])) ++j;
        int n = 0;
        std::from_chars(v.data() + i, v.data() + std::min(j, i + 6), n);
        b.count = n;
      } else {
        warn("count", "COUNT has no number (\"" + unescape(v) + "\"); counting the " + std::to_string(b.derived_count) +
                          " people named. Write the count in digits.", line.line);
      }
    } else if (!pax_numbers.empty()) {
      b.count = pax_numbers.front();
      warn("count", "no COUNT line; read the number on the PAX line (" + std::to_string(*b.count) + ") as the count.", pax_line);
    } else {
      warn("count", "no COUNT line; counting the " + std::to_string(b.derived_count) + " people named. Add \"COUNT: n\".");
    }
    if (b.count && *b.count != b.derived_count)
      warn("count", "COUNT says " + std::to_string(*b.count) + " but " + std::to_string(b.derived_count) +
                        " people are named; using COUNT, as the Q counted.", line.line);
  }

  // Slackblast and the F3 Nation bot attach the form's values as metadata.
  bool read_metadata(const json& meta) {
    if (!meta.is_object() || string_field(meta, "event_type") != "backblast" || !meta.contains("event_payload")) return false;
    const json& p = meta["event_payload"];
    if (!p.is_object()) return false;
    auto str = [&](const char* key) -> std::string {
      if (!p.contains(key)) return "";
      const json& v = p[key];
      return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
    };
    auto ids = [&](const char* key) {
      std::vector<std::string> out;
      if (!p.contains(key)) return out;
      if (p[key].is_array()) {
        for (const auto& x : p[key])
          if (x.is_string() && !x.get<std::string>().empty()) out.push_back(x.get<std::string>());
      } else if (p[key].is_string() && !p[key].get<std::string>().empty()) {
        out.push_back(p[key].get<std::string>());
      }
      return out;
    };
    b.is_backblast = true;
    b.source = "metadata";
    b.title = str("title");
    const std::string written_date = str("date");
    read_date({written_date, 0, !written_date.empty()});
    const std::string ao = str("the_ao");
    if (!ao.empty() && ctx.has_channel(ao)) b.ao_channel_id = ao;
    else {
      std::string text = ao;
      FieldLine fl{text, 0, !text.empty()};
      read_ao(fl, "");
    }
    for (const auto& q : ids("the_q")) {
      if (!b.q) b.q = Person{q, ""};
      else b.coqs.push_back({q, ""});
    }
    for (const auto& c : ids("the_coq")) b.coqs.push_back({c, ""});
    if (!b.q) error("q", "the backblast's form names no Q.");
    if (b.q) attend(*b.q);
    for (const auto& c : b.coqs) attend(c);
    for (const auto& id : ids("the_pax")) attend({id, ""});
    for (auto& e : parse_people(str("non_slack_pax"))) attend(e.person);
    for (auto& e : parse_people(str("fngs"))) add_fng(e.person);
    for (const auto& n : b.fng_names) attend({"", n});
    b.fng_count = static_cast<int>(b.fng_names.size() + b.fng_user_ids.size());
    b.derived_count = static_cast<int>(b.pax.size());
    const std::string count = str("count");
    int n = 0;
    if (!count.empty() && std::from_chars(count.data(), count.data() + count.size(), n).ec == std::errc()) b.count = n;
    return true;
  }
};

// Section texts of a message's blocks, one per line group.
std::string blocks_text(const json& blocks) {
  std::string out;
  if (!blocks.is_array()) return out;
  for (const auto& bl : blocks) {
    if (!bl.is_object() || string_field(bl, "type") != "section" || !bl.contains("text") || !bl["text"].is_object()) continue;
    const json& t = bl["text"];
    if (t.contains("text") && t["text"].is_string()) {
      if (!out.empty()) out += '\n';
      out += t["text"].get<std::string>();
    }
  }
  return out;
}

}  // namespace

namespace {
Backblast parse_unguarded(const MessageView& msg, const ParseContext& ctx) {
  Reader r{ctx, msg, {}};
  r.posted_local = date::year_month_day{date::floor<date::days>(ctx.zone()->to_local(msg.posted_at))};
  if (r.read_lines(msg.text, "text")) return std::move(r.b);
  if (msg.blocks) {
    const std::string text = blocks_text(*msg.blocks);
    Reader rb{ctx, msg, {}, r.posted_local};
    if (!text.empty() && rb.read_lines(text, "blocks")) return std::move(rb.b);
  }
  if (msg.metadata) {
    Reader rm{ctx, msg, {}, r.posted_local};
    if (rm.read_metadata(*msg.metadata)) return std::move(rm.b);
  }
  return Backblast{};
}
}  // namespace

Backblast parse_backblast(const MessageView& msg, const ParseContext& ctx) {
  // The readers check every type they touch; this is the last line of the promise that no
  // message, however odd, stops an import or a service job.
  try {
    return parse_unguarded(msg, ctx);
  } catch (const std::exception&) {
    Backblast b;
    b.is_backblast = false;
    return b;
  }
}

nlohmann::json to_json(const Backblast& b) {
  json j;
  j["is_backblast"] = b.is_backblast;
  if (!b.is_backblast) {
    for (const char* k : {"title", "date", "date_source", "q", "count"}) j[k] = nullptr;
    j["ao"] = json{{"channel_id", nullptr}, {"name", nullptr}};
    j["coqs"] = j["pax"] = j["warnings"] = j["errors"] = json::array();
    j["fngs"] = json{{"count", 0}, {"names", json::array()}};
    j["derived_count"] = 0;
    return j;
  }
  auto person = [](const Person& p) { return p.user_id.empty() ? json{{"name", p.name}} : json{{"user_id", p.user_id}}; };
  j["title"] = b.title;
  j["date"] = date::format("%F", b.date);
  j["date_source"] = b.date_source;
  j["ao"] = json{{"channel_id", b.ao_channel_id ? json(*b.ao_channel_id) : json(nullptr)},
                 {"name", b.ao_name ? json(*b.ao_name) : json(nullptr)}};
  j["q"] = b.q ? person(*b.q) : json(nullptr);
  j["coqs"] = json::array();
  for (const auto& c : b.coqs) j["coqs"].push_back(person(c));
  j["pax"] = json::array();
  for (const auto& p : b.pax) j["pax"].push_back(person(p));
  j["fngs"] = json{{"count", b.fng_count}, {"names", b.fng_names}, {"user_ids", b.fng_user_ids}};
  j["count"] = b.count ? json(*b.count) : json(nullptr);
  j["derived_count"] = b.derived_count;
  auto issues = [](const std::vector<ParseIssue>& v) {
    json a = json::array();
    for (const auto& i : v) {
      json x = {{"field", i.field}, {"message", i.reason}};
      if (i.line) x["line"] = i.line;
      a.push_back(x);
    }
    return a;
  };
  j["warnings"] = issues(b.warnings);
  j["errors"] = issues(b.errors);
  j["source"] = b.source;
  return j;
}

}  // namespace paxstats::mining
