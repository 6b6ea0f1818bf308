// The daily sync of a region from Slack's Web API (scheduled at 04:00 local).
#include "handlers.hpp"
#include "paxstats/log.hpp"

namespace paxstats::serve::jobs {

void sync(JobContext& s, db::Database& db, const std::string& region, const SyncJob&) {
  auto client = s.client_for(db, region);
  mining::SyncOptions o;
  o.should_stop = [&s] { return s.stopping.load(); };
  // Stopped with the service, it ends after the page in hand (SyncStopped) and is put back.
  const auto r = mining::sync(db, region, *client, o);
  log::info("sync " + region + ": " + std::to_string(r.inserted) + " new, " + std::to_string(r.updated) + " updated, " +
            std::to_string(r.derived.beatdowns) + " beatdowns derived, " + std::to_string(r.skipped.size()) +
            " channels skipped");
  for (const auto& sk : r.skipped) log::warn("sync " + region + ": skipped " + sk.name + ": " + sk.reason);
}

}  // namespace paxstats::serve::jobs
