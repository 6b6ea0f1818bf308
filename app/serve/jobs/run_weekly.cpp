// A region's weekly report: planned for the week, then queued and delivered exactly as the
// monthly run is (deliver_run): one run per region at a time, resumed after a failure.
#include "handlers.hpp"
#include "paxstats/reports/weekly.hpp"

namespace paxstats::serve::jobs {

void run_weekly(JobContext& s, db::Database& db, const std::string& region, const RunWeeklyJob& job) {
  deliver_run(s, db, region, job.run_id, job.week,
              [&](db::Database& on) { return reports::plan_weekly(on, region, job.week); });
}

}  // namespace paxstats::serve::jobs
