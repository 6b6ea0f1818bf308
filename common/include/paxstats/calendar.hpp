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

// An inclusive range of days, as a query reads it (bound as dates only in the SQL).
struct Days {
  date::sys_days first, last;
  bool operator==(const Days&) const = default;
};
// The calendar month `m`, and January 1st to the end of `m`.
Days days_of(date::year_month m);
Days year_to(date::year_month m);
// Every day paxstats can hold (1900-01-01 to 9999-12-31): all time.
Days all_days();

// A reporting period: an ISO week "2026-W48", a month "2026-10", a quarter "2026-Q3" or a year
// "2026", first and last day included. Read from text once at each edge (the CLI, the trigger
// API, a job's payload, a URL) and carried as this type to db/. name is its canonical text
// ("2026-Q3"), for file names, messages and the outbox.
struct Period : Days {
  enum class Kind { week, month, quarter, year } kind = Kind::month;
  std::string name;
  // "23 Nov – 29 Nov 2026"; "October 2026"; "Q3 2026" (July to September); "2026".
  std::string title() const;
  // The month that holds the period's last day (a month: itself).
  date::year_month month() const;
  bool operator==(const Period&) const = default;
};
// Throws UserError naming the text for anything else (years before 1900 included). Without
// `weeks` an ISO week is such text too (the community reports run by month, quarter or year).
Period parse_period(std::string_view text, bool weeks = true);
// The period of `kind` that holds `day`.
Period period_of(Period::Kind kind, date::sys_days day);
// The month `m` as a period.
Period month_period(date::year_month m);

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
