#include "paxstats/calendar.hpp"

#include <cstdio>

#include "paxstats/error.hpp"

namespace paxstats::calendar {

namespace {
const char* const kAbbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kName[] = {"January", "February", "March",     "April",   "May",      "June",
                             "July",    "August",   "September", "October", "November", "December"};
unsigned index(date::year_month m) { return static_cast<unsigned>(m.month()) - 1; }
bool digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}
}  // namespace

date::year_month parse_month(std::string_view s) {
  if (s.size() != 7 || s[4] != '-' || !digits(s.substr(0, 4)) || !digits(s.substr(5, 2)))
    throw UserError(quoted_input(s) + " is not a month: write it as YYYY-MM, e.g. 2026-10");
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))));
  if (m < 1 || m > 12) throw UserError(quoted_input(s) + " is not a month: write it as YYYY-MM, e.g. 2026-10");
  if (y < 1900) throw UserError(quoted_input(s) + " is before 1900: no Slack history reaches back there");
  return date::year{y} / date::month{m};
}

std::string format(date::year_month m) { return date::format("%Y-%m", m); }

date::sys_days parse_day(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s.substr(0, 4)) || !digits(s.substr(5, 2)) ||
      !digits(s.substr(8, 2)))
    throw UserError(quoted_input(s) + " is not a date: write it as YYYY-MM-DD, e.g. 2026-10-05");
  const date::year_month_day ymd{date::year{std::stoi(std::string(s.substr(0, 4)))},
                                 date::month{static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))))},
                                 date::day{static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))))}};
  if (!ymd.ok()) throw UserError("\"" + std::string(s.substr(0, 10)) + "\" is not a day of the calendar");
  return date::sys_days{ymd};
}

std::string format(date::sys_days d) { return date::format("%F", d); }

date::sys_days monday_of(date::sys_days d) { return d - (date::weekday{d} - date::Monday); }

namespace {
// The Monday of ISO week 1 of `y`: the week that holds January 4th.
date::sys_days week_one(date::year y) { return monday_of(date::sys_days{y / date::January / 4}); }
}  // namespace

std::string format_week(date::sys_days d) {
  const date::sys_days thursday = monday_of(d) + date::days{3};
  const date::year y = date::year_month_day{thursday}.year();
  const auto week = (thursday - week_one(y)).count() / 7 + 1;
  char out[32];
  std::snprintf(out, sizeof out, "%04d-W%02d", static_cast<int>(y), static_cast<int>(week));
  return out;
}

date::sys_days parse_week(std::string_view s) {
  auto bad = [&](const std::string& why) {
    return UserError(quoted_input(s) + " is not a week" + why +
                     ": write it as YYYY-Www (ISO weeks, Monday to Sunday), e.g. 2026-W48");
  };
  if (s.size() != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w') || !digits(s.substr(0, 4)) ||
      !digits(s.substr(6, 2)))
    throw bad("");
  const date::year y{std::stoi(std::string(s.substr(0, 4)))};
  const int week = std::stoi(std::string(s.substr(6, 2)));
  const date::sys_days monday = week_one(y) + date::days{7 * (week - 1)};
  if (week < 1 || format_week(monday) != std::string(s.substr(0, 5)) + "W" + std::string(s.substr(6, 2)))
    throw bad(" of the calendar (" + std::string(s.substr(0, 4)) + " has no week " + std::to_string(week) + ")");
  return monday;
}

Days days_of(date::year_month m) { return {first_day(m), last_day(m)}; }
Days year_to(date::year_month m) { return {first_day(m.year() / date::January), last_day(m)}; }
Days all_days() { return {first_day(date::year{1900} / date::January), last_day(date::year{9999} / date::December)}; }

Period period_of(Period::Kind kind, date::sys_days day) {
  const date::year_month_day ymd{day};
  Period s;
  s.kind = kind;
  const date::year_month m = ymd.year() / ymd.month();
  switch (kind) {
    case Period::Kind::week:
      s.first = monday_of(day), s.last = s.first + date::days{6};
      s.name = format_week(day);
      break;
    case Period::Kind::month: s.first = first_day(m), s.last = last_day(m), s.name = format(m); break;
    case Period::Kind::quarter: {
      const unsigned q = (static_cast<unsigned>(ymd.month()) - 1) / 3;
      const date::year_month start = ymd.year() / date::month{q * 3 + 1};
      s.first = first_day(start), s.last = last_day(start + date::months{2});
      s.name = year_of(m) + "-Q" + std::to_string(q + 1);
      break;
    }
    case Period::Kind::year:
      s.first = first_day(ymd.year() / date::January), s.last = last_day(ymd.year() / date::December);
      s.name = year_of(m);
      break;
  }
  return s;
}

Period month_period(date::year_month m) { return period_of(Period::Kind::month, first_day(m)); }

Period parse_period(std::string_view t, bool weeks) {
  auto bad = [&] {
    return UserError(quoted_input(t) + (weeks ? " is not a period: write a month (2026-10), an ISO week (2026-W48), a "
                                                "quarter (2026-Q3) or a year (2026)"
                                              : " is not a period: write a month (2026-10), a quarter (2026-Q3) or a "
                                                "year (2026)"));
  };
  if (t.size() >= 4 && digits(t.substr(0, 4)) && std::stoi(std::string(t.substr(0, 4))) < 1900) throw bad();
  if (t.size() == 4 && digits(t))
    return period_of(Period::Kind::year, first_day(date::year{std::stoi(std::string(t))} / 1));
  if (t.size() == 7 && t[4] == '-' && (t[5] == 'Q' || t[5] == 'q') && digits(t.substr(0, 4)) && t[6] >= '1' &&
      t[6] <= '4')
    return period_of(Period::Kind::quarter, first_day(date::year{std::stoi(std::string(t.substr(0, 4)))} /
                                                      date::month{(t[6] - '1') * 3u + 1}));
  if (weeks && t.size() == 8 && t[4] == '-' && (t[5] == 'W' || t[5] == 'w'))  // its own message for a week 53 it lacks
    return period_of(Period::Kind::week, parse_week(t));
  if (t.size() == 7 && t[4] == '-') {
    try {
      return period_of(Period::Kind::month, first_day(parse_month(t)));
    } catch (const UserError&) {
    }
  }
  throw bad();
}

date::year_month Period::month() const { return month_of(last); }

std::string Period::title() const {
  const date::year_month m = month_of(first);
  switch (kind) {
    case Kind::week: {  // "23 Nov – 29 Nov 2026"; "28 Dec 2026 – 3 Jan 2027" across a year
      const date::year_month_day a{first}, b{last};
      auto day = [](const date::year_month_day& d) {
        return std::to_string(static_cast<unsigned>(d.day())) + " " + abbr(d.year() / d.month());
      };
      const std::string ya = std::to_string(static_cast<int>(a.year())),
                        yb = std::to_string(static_cast<int>(b.year()));
      return day(a) + (a.year() == b.year() ? "" : " " + ya) + " – " + day(b) + " " + yb;
    }
    case Kind::month: return month_name(m);
    case Kind::quarter: return "Q" + name.substr(6) + " " + year_of(m);
    case Kind::year: return year_of(m);
  }
  return name;
}

std::vector<date::year_month> months_between(date::year_month first, date::year_month last) {
  std::vector<date::year_month> out;
  for (auto m = first; m <= last; m += date::months{1}) out.push_back(m);
  return out;
}

std::vector<date::year_month> last_months(date::year_month last, int n) {
  return months_between(last - date::months{n - 1}, last);
}

std::string abbr(date::year_month m) { return kAbbr[index(m)]; }
std::string month_name(date::year_month m) { return std::string(kName[index(m)]) + " " + year_of(m); }
std::string year_of(date::year_month m) { return date::format("%Y", m.year()); }

date::sys_days first_day(date::year_month m) { return date::sys_days{m / 1}; }
date::sys_days last_day(date::year_month m) { return date::sys_days{m / date::last}; }

date::year_month month_of(date::sys_days day) {
  const date::year_month_day ymd{day};
  return ymd.year() / ymd.month();
}

}  // namespace paxstats::calendar
