#pragma once
// Internal to serve/: one handler per job kind, each in its own file (jobs/NAME.cpp), found by
// kind in jobs/dispatch.cpp. A handler throws to fail the attempt (retry.hpp decides what then)
// or Deferred to run later.
#include <functional>
#include <string>

#include "../service_state.hpp"
#include "job_kinds.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::serve::jobs {

void event(ServiceState& s, db::Database& db, const std::string& region, const EventJob& job);
void feedback(ServiceState& s, db::Database& db, const std::string& region, const FeedbackJob& job);
void stats(ServiceState& s, db::Database& db, const std::string& region, const StatsJob& job);
void ao_stats(ServiceState& s, db::Database& db, const std::string& region, const AoStatsJob& job);
void run_monthly(ServiceState& s, db::Database& db, const std::string& region, const RunMonthlyJob& job);
void run_weekly(ServiceState& s, db::Database& db, const std::string& region, const RunWeeklyJob& job);
void run_community(ServiceState& s, db::Database& db, const std::string& region, const RunCommunityJob& job);
void nudges(ServiceState& s, db::Database& db, const std::string& region, const NudgesJob& job);
// A planned run of either kind: planned (plan_it reads through the connection it is given, which
// db::perform may replace), queued in the outbox, delivered, recorded as run `run`.
void deliver_run(ServiceState& s, db::Database& db, const std::string& region, long run, const calendar::Period& period,
                 const std::function<reports::MonthlyPlan(db::Database&)>& plan_it);
void sync(ServiceState& s, db::Database& db, const std::string& region, const SyncJob& job);
void home(ServiceState& s, db::Database& db, const std::string& region, const HomeJob& job);
// Queues a member's App Home to be published anew: at most once a business minute each. Opened:
// now. Their posts changed (`changed`): in the next minute, after home_refresh_delay_seconds.
void queue_home(ServiceState& s, db::Database& db, const std::string& region, const std::string& user,
                bool changed = false);
void interaction(ServiceState& s, db::Database& db, const std::string& region, const InteractionJob& job);

}  // namespace paxstats::serve::jobs
