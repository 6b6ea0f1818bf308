// libFuzzer: the dashboard's ?period= (issue 29: "0000-01" once gave a 500, and a NUL was
// echoed). Any text: a period of real dates, or a UserError whose message is printable UTF-8.
#include <date/date.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "paxstats/error.hpp"
#include "site.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string asked(reinterpret_cast<const char*>(data), size);
  try {
    const auto p = paxstats::web::detail::parse_period(asked, paxstats::calendar::parse_day("2026-12-05"));
    for (const auto& d : {p.first, p.last}) {
      if (d.size() != 10 || d < "1900-01-01") std::abort();
      const int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
      if (!date::year_month_day(date::year{y}, date::month{static_cast<unsigned>(m)},
                                date::day{static_cast<unsigned>(day)})
               .ok())
        std::abort();
    }
  } catch (const paxstats::UserError& e) {
    for (char c : std::string(e.what()))
      if (static_cast<unsigned char>(c) < 0x20) std::abort();
  }
  return 0;
}
