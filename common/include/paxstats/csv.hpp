#pragma once
// CSV as paxstats writes it (RFC 4180): a field is quoted when it holds a comma, a quote or a line
// break, quotes doubled inside; and a text a spreadsheet would run as a formula stays text.
#include <string>
#include <string_view>

namespace paxstats {

// A text a spreadsheet would run as a formula: it starts with =, @, a tab or a carriage return,
// or with + or - and is no number ("-3" and "+1.5" are numbers; "+cmd|…" and "-2+3" are not).
// Every CSV paxstats writes (the dashboard's tables, the dataset export, community score --csv)
// puts a ' before such a text, OWASP's rule, so that a name like =HYPERLINK(…) is shown, never run.
inline bool formula_like(std::string_view v) {
  if (v.empty()) return false;
  const char c = v[0];
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c != '+' && c != '-') return false;
  auto digit = [&](size_t i) { return i < v.size() && v[i] >= '0' && v[i] <= '9'; };
  size_t i = 1;
  bool digits = false;
  for (; digit(i); ++i) digits = true;
  if (i < v.size() && v[i] == '.')
    for (++i; digit(i); ++i) digits = true;
  if (digits && i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    if (!digit(i)) return true;
    while (digit(i)) ++i;
  }
  return !(digits && i == v.size());
}

inline void append_csv_field(std::string& out, std::string_view v) {
  if (formula_like(v)) {
    std::string text = "'";
    text += v;
    const size_t before = out.size();
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
      out += text;
      return;
    }
    out.resize(before);
    out += '"';
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    return;
  }
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

inline std::string csv_field(std::string_view v) {
  std::string out;
  append_csv_field(out, v);
  return out;
}

}  // namespace paxstats
