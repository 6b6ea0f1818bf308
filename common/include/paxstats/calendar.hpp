#pragma once
// Calendar months and days, the one way paxstats does date arithmetic: on date::year_month and
// date::sys_days. Text forms are "YYYY-MM" and "YYYY-MM-DD".
#include <date/date.h>

#include <string>
#include <string_view>
#include <vector>

namespace paxstats::calendar {

// "2026-10" → 2026/Oct. Throws UserError naming the text for anything else.
date::year_month parse_month(std::string_view yyyy_mm);
// 2026/Oct → "2026-10".
std::string format(date::year_month m);
// "2026-10-05" (or a longer ISO time: its date part) → the day. Throws UserError otherwise.
date::sys_days parse_day(std::string_view iso);
// 2026-10-05 → "2026-10-05".
std::string format(date::sys_days d);

// ISO weeks, Monday to Sunday, named "YYYY-Www" by the year of their Thursday ("2026-W53" is
// 2026-12-28 to 2027-01-03). parse_week gives the Monday, and throws UserError naming the
// text for anything else (a malformed name, or a week 53 the year does not have).
date::sys_days parse_week(std::string_view yyyy_www);
// The week that holds `day`, by name.
std::string format_week(date::sys_days day);
// The Monday of the week that holds `day`.
date::sys_days monday_of(date::sys_days day);

// A reporting period: a month "2026-10", a quarter "2026-Q3" or a year "2026"; first and last
// day included. name is the text it was read from, in canonical form ("2026-Q3").
struct Span {
  enum class Kind { month, quarter, year } kind = Kind::month;
  date::sys_days first, last;
  std::string name;
  std::string title() const;  // "October 2026", "Q3 2026" (July to September), "2026"
};
// Throws UserError naming the text for anything else.
Span parse_span(std::string_view text);
// The span of `kind` that holds `day`.
Span span_of(Span::Kind kind, date::sys_days day);

// The months from `first` to `last`, both included (empty when last is before first).
std::vector<date::year_month> months_between(date::year_month first, date::year_month last);
// The n months that end with `last` (n = 12: the last 12 months, oldest first).
std::vector<date::year_month> last_months(date::year_month last, int n);

// "Oct"; "October 2026"; "2026".
std::string abbr(date::year_month m);
std::string month_name(date::year_month m);
std::string year_of(date::year_month m);

// The month that holds `day`.
date::year_month month_of(date::sys_days day);

// The first and last day of a month.
date::sys_days first_day(date::year_month m);
date::sys_days last_day(date::year_month m);

}  // namespace paxstats::calendar
