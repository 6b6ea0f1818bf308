#pragma once
// Months, days and spans of days written as text in tests ("2026-10"), read into the types
// paxstats carries them as.
#include <string>
#include <string_view>

#include "paxstats/calendar.hpp"

namespace paxstats::test {

inline date::year_month ym(std::string_view yyyy_mm) { return calendar::parse_month(yyyy_mm); }
inline date::sys_days day(std::string_view yyyy_mm_dd) { return calendar::parse_day(yyyy_mm_dd); }
// The month's days; January 1st to the month's end; the days from a to b.
inline calendar::Days month_days(std::string_view yyyy_mm) { return calendar::days_of(ym(yyyy_mm)); }
inline calendar::Days year_to(std::string_view yyyy_mm) { return calendar::year_to(ym(yyyy_mm)); }
inline calendar::Days days(std::string_view a, std::string_view b) { return {day(a), day(b)}; }
// A period as the CLI reads it ("2026-W42", "2026-10", "2026-Q3", "2026").
inline calendar::Period period(std::string_view text) { return calendar::parse_period(text); }
// The month of a day written as text ("2026-10-05" → "2026-10"), as truth.json's dates are.
inline std::string month_of(std::string_view yyyy_mm_dd) {
  return calendar::format(calendar::month_of(day(yyyy_mm_dd)));
}

}  // namespace paxstats::test
