#include "paxstats/business_clock.hpp"

#include <date/date.h>

#include <cstdlib>
#include <sstream>
#include <string>

#include "paxstats/error.hpp"

namespace paxstats {

std::optional<BusinessTime> parse_iso_time(std::string_view text_view) {
  std::string text(text_view);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() < 10) return std::nullopt;
  // date::parse reads the pieces strictly; try the forms from the most to the least precise.
  for (const char* format :
       {"%FT%T%Ez", "%FT%TZ", "%FT%T", "%F %T%Ez", "%F %T", "%FT%R%Ez", "%FT%RZ", "%FT%R", "%F %R"}) {
    std::istringstream in(text);
    date::sys_seconds t;
    in >> date::parse(format, t);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return t;
  }
  std::istringstream in(text);
  date::sys_days day;
  in >> date::parse("%F", day);
  if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return BusinessTime{day};
  return std::nullopt;
}

BusinessClock business_clock_from_env() {
  const char* v = std::getenv("PAXSTATS_NOW");
  if (!v || !*v) return [] { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); };
  const auto t = parse_iso_time(v);
  if (!t)
    throw UserError(std::string("PAXSTATS_NOW=\"") + v +
                    "\" is not an ISO 8601 time: write it like 2026-11-02T09:00:00-06:00, 2026-11-02T15:00:00Z or "
                    "2026-11-02, or unset it to use the clock.");
  return fixed_business_clock(*t);
}

BusinessClock fixed_business_clock(BusinessTime t) {
  return [t] { return t; };
}

}  // namespace paxstats
