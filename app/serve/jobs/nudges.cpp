// A region's daily nudges: the steps due now, each recorded before it is sent (run_nudges).
#include "handlers.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/nudges.hpp"

namespace paxstats::serve::jobs {

void nudges(ServiceState& s, db::Database& db, const std::string& region, const NudgesJob&) {
  auto client = s.client_for(db, region);
  const auto r = reports::run_nudges(db, region, client.get(), s.o.business_now());
  for (const auto& line : r.lines) log::info("nudges: " + region + ": " + line);
  for (const auto& note : r.notes) log::info("nudges: " + region + ": " + note);
}

}  // namespace paxstats::serve::jobs
