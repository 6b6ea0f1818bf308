#pragma once
// Internal to serve/: one handler per job kind, each in its own file (jobs/NAME.cpp), found by
// kind in jobs/dispatch.cpp. A handler sees the service only through its JobContext; it throws
// to fail the attempt (retry.hpp decides what then) or Deferred to run later.
#include <functional>
#include <string>
#include <vector>

#include "../payloads.hpp"
#include "job_context.hpp"
#include "job_kinds.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::serve::jobs {

void event(JobContext& s, db::Database& db, const std::string& region, const EventJob& job);
void feedback(JobContext& s, db::Database& db, const std::string& region, const FeedbackJob& job);
void stats(JobContext& s, db::Database& db, const std::string& region, const StatsJob& job);
void ao_stats(JobContext& s, db::Database& db, const std::string& region, const AoStatsJob& job);
void run_monthly(JobContext& s, db::Database& db, const std::string& region, const RunMonthlyJob& job);
void run_weekly(JobContext& s, db::Database& db, const std::string& region, const RunWeeklyJob& job);
void run_community(JobContext& s, db::Database& db, const std::string& region, const RunCommunityJob& job);
void nudges(JobContext& s, db::Database& db, const std::string& region, const NudgesJob& job);
// A planned run of either kind: planned (plan_it reads through the connection it is given, which
// db::perform may replace), queued in the outbox, delivered, recorded as run `run`.
void deliver_run(JobContext& s, db::Database& db, const std::string& region, long run, const calendar::Period& period,
                 const std::function<reports::MonthlyPlan(db::Database&)>& plan_it);
void sync(JobContext& s, db::Database& db, const std::string& region, const SyncJob& job);
void home(JobContext& s, db::Database& db, const std::string& region, const HomeJob& job);
// Queues a member's App Home to be published anew: at most once a business minute each. Opened:
// now. Their posts changed (`changed`): in the next minute, after home_refresh_delay_seconds.
void queue_home(JobContext& s, db::Database& db, const std::string& region, const std::string& user,
                bool changed = false);
void interaction(JobContext& s, db::Database& db, const std::string& region, const InteractionJob& job);
// After mining: a log line per event, and a feedback DM queued for a backblast version that
// could not be read (once per version, after a pause: a burst of edits ends in one DM at most);
// the App Homes of the people it names refreshed.
void mined(JobContext& s, db::Database& db, const std::string& region, const std::vector<EventJob>& events,
           const std::vector<mining::EventIngest>& results);

}  // namespace paxstats::serve::jobs
