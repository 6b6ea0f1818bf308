#include "cells.hpp"

#include <date/date.h>

#include <array>

#include "paxstats/csv.hpp"

namespace paxstats::dataset {

void append_copy_csv(std::string& out, std::string_view v) {
  if (!v.empty() && (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r' || v[0] == '+' || v[0] == '-') &&
      formula_like(v)) {
    const std::string text = "'" + std::string(v);
    append_copy_csv(out, text);
    return;
  }
  static constexpr auto special = [] {
    std::array<bool, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = true;
    return t;
  }();
  bool quote = v.empty();
  for (unsigned char c : v)
    if (special[c]) {
      quote = true;
      break;
    }
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  size_t from = 0;
  for (size_t at; (at = v.find('"', from)) != std::string_view::npos; from = at + 1) {
    out.append(v.substr(from, at + 1 - from));
    out += '"';
  }
  out.append(v.substr(from));
  out += '"';
}

void append_iso(std::string& out, std::int64_t micros) {
  const std::int64_t seconds = micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0);
  const std::int64_t days = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  const std::int64_t of_day = seconds - days * 86400;
  const date::year_month_day ymd{date::sys_days{date::days{days + 10957}}};  // 10957: 1970 to 2000
  const int year = static_cast<int>(ymd.year());
  char buf[20] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
  auto two = [&](int at, int v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  if (year < 0 || year > 9999) {  // no Slack message was written then
    out += std::to_string(year);
  } else {
    two(0, year / 100);
    two(2, year % 100);
    out.append(buf, 4);
  }
  two(5, static_cast<int>(static_cast<unsigned>(ymd.month())));
  two(8, static_cast<int>(static_cast<unsigned>(ymd.day())));
  two(11, static_cast<int>(of_day / 3600));
  two(14, static_cast<int>(of_day / 60 % 60));
  two(17, static_cast<int>(of_day % 60));
  out.append(buf + 4, sizeof buf - 4);
}

}  // namespace paxstats::dataset
