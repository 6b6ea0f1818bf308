#pragma once
// CSV as paxstats writes it (RFC 4180): a field is quoted when it holds a comma, a quote or a line
// break, quotes doubled inside.
#include <string>
#include <string_view>

namespace paxstats {

inline void append_csv_field(std::string& out, std::string_view v) {
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
