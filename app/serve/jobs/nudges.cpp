// A region's daily community DMs: the nudges due now (run_nudges) and, near a quarter's end, the
// mentor pick (run_mentors); each recorded before it is sent.
#include "handlers.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/mentors.hpp"
#include "paxstats/reports/nudges.hpp"

namespace paxstats::serve::jobs {

void nudges(JobContext& s, db::Database& db, const std::string& region, const NudgesJob&) {
  auto client = s.client_for(db, region);
  const auto settings = db::get_region(db, region);
  if (settings.nudge_quiet_days > 0) {
    const auto r = reports::run_nudges(db, region, client.get(), s.o.business_now());
    for (const auto& line : r.lines) log::info("nudges: " + region + ": " + line);
    for (const auto& note : r.notes) log::info("nudges: " + region + ": " + note);
  }
  if (settings.mentor_count > 0) {
    const auto r = reports::run_mentors(db, region, client.get(), s.o.business_now());
    for (const auto& line : r.lines) log::info("mentors: " + region + ": " + line);
    for (const auto& note : r.notes) log::info("mentors: " + region + ": " + note);
  }
}

}  // namespace paxstats::serve::jobs
