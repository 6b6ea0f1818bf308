#pragma once
// Internal to serve/: one handler per job kind, each in its own file (jobs/NAME.cpp), found by
// kind in jobs/dispatch.cpp. A handler throws to fail the attempt (retry.hpp decides what then)
// or Deferred to run later.
#include <string>

#include "../service_state.hpp"
#include "job_kinds.hpp"

namespace paxstats::serve::jobs {

void event(ServiceState& s, db::Database& db, const std::string& region, const EventJob& job);
void feedback(ServiceState& s, db::Database& db, const std::string& region, const FeedbackJob& job);
void stats(ServiceState& s, db::Database& db, const std::string& region, const StatsJob& job);
void ao_stats(ServiceState& s, db::Database& db, const std::string& region, const AoStatsJob& job);
void run_monthly(ServiceState& s, db::Database& db, const std::string& region, const RunMonthlyJob& job);
void sync(ServiceState& s, db::Database& db, const std::string& region, const SyncJob& job);

}  // namespace paxstats::serve::jobs
