#pragma once
// Internal to serve/: what a job handler may use of the service, and nothing more. The service
// (ServiceState, private to its own files) makes one at start; handlers get it, not the service:
// pooled connections, a region's Slack client, the process's counters, the draw pool and the
// planning gate, the business clock and the options handlers read, and (job_kinds.hpp) a typed
// enqueue.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <utility>

#include "../pool.hpp"
#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/draw_pool.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/client.hpp"

namespace paxstats::serve {

// Prometheus counters of the process (HTTP requests are counted by route in one place, the
// server's response hook; these count what happens behind the routes).
struct Counters {
  std::mutex mu;
  std::map<std::pair<std::string, int>, long> requests;  // (route, status) → count
  std::atomic<long> rejected_signatures{0}, events{0}, duplicate_events{0}, parse_errors{0}, files_sent{0},
      jobs_done{0}, jobs_failed{0}, pages_warmed{0};
};

// Thrown by a job that cannot run yet (its region is busy): queued again, attempt not counted.
struct Deferred {
  int seconds;
};

namespace jobs {

class JobContext {
 public:
  // The options a handler reads.
  struct Settings {
    BusinessClock business_now;
    std::string public_url;               // the dashboard's address, for links in messages ("" none)
    int feedback_delay_seconds = 60;      // parse-error DMs wait this long for the next edit
    int home_refresh_delay_seconds = 60;  // an App Home refreshed after its member's posts changed
  };
  using ClientFor = std::function<std::unique_ptr<slack::Client>(db::Database&, const std::string& region)>;

  JobContext(Settings settings, Pool& pool_, Counters& counters_, reports::DrawPool& draws_,
             std::counting_semaphore<256>& planning_, const std::atomic<bool>& stopping_, ClientFor client_for)
      : o(std::move(settings)),
        pool(pool_),
        counters(counters_),
        draws(draws_),
        planning(planning_),
        stopping(stopping_),
        client_for_(std::move(client_for)) {}

  const Settings o;
  Pool& pool;                              // connections beyond the job's own
  Counters& counters;                      // what the job did, for /metrics
  reports::DrawPool& draws;                // where a run's charts are drawn
  std::counting_semaphore<256>& planning;  // a few run plans at a time
  const std::atomic<bool>& stopping;       // the service is stopping: a long job ends early

  // A Slack client for a region: its bot token stored sealed, else from the variable it names.
  std::unique_ptr<slack::Client> client_for(db::Database& db, const std::string& region) const {
    return client_for_(db, region);
  }
  // One chart (or file) to a member by DM, counted.
  void upload_to_user(slack::Client& client, const std::string& user, const reports::PlannedDelivery& d) {
    reports::send_to_user(client, user, d);
    ++counters.files_sent;
  }

 private:
  ClientFor client_for_;
};

}  // namespace jobs
}  // namespace paxstats::serve
