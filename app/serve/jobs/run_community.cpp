// A region's community reports of a month, quarter or year: planned, then queued and delivered
// exactly as the monthly run is (deliver_run): one run per region at a time, resumed after a failure.
#include "handlers.hpp"
#include "paxstats/reports/community.hpp"

namespace paxstats::serve::jobs {

void run_community(JobContext& s, db::Database& db, const std::string& region, const RunCommunityJob& job) {
  deliver_run(s, db, region, job.run_id, job.period,
              [&](db::Database& on) { return reports::plan_community(on, region, job.period); });
}

}  // namespace paxstats::serve::jobs
