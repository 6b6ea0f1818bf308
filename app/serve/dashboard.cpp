// The dashboard (web/) on the service's listener: each of its routes adapted from the server's
// request and answer, with a pooled database connection per request; the admin page's run
// button queues the same job as the trigger API.
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/replica.hpp"
#include "paxstats/log.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

void ServiceState::dashboard_routes() {
  if (!o.dashboard) return;
  web::Options w;
  w.public_url = o.public_url.empty() ? "http://" + o.host + ":" + std::to_string(bound_port) : o.public_url;
  while (!w.public_url.empty() && w.public_url.back() == '/') w.public_url.pop_back();
  w.client_id = o.client_id;
  w.client_secret = o.client_secret;
  w.slack_base_url = o.slack_base_url;
  w.business_now = o.business_now;
  w.session_ttl = o.session_ttl;
  w.queue_monthly_run = [this](db::Database& db, const std::string& region, date::year_month month) {
    const long id = db::jobs::create_run(db, region, db::jobs::RunKind::monthly, calendar::month_period(month));
    enqueue(db, region, RunMonthlyJob{id, month});
    sleep_cv.notify_all();  // a sender waiting between polls takes it now
    log::info("run " + std::to_string(id) + ": monthly report of " + region + " for " + calendar::format(month) +
              " queued (dashboard)");
    return id;
  };
  // A region installed from Slack (or again): its first sync (or its catch-up) at once, and its
  // held work resumes (db/installs: the workers claim its jobs again).
  w.on_installed = [this](db::Database& db, const std::string& region, bool first) {
    team_regions.forget();
    const auto at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    enqueue(db, region, SyncJob{}, "install-sync:" + region + ":" + std::to_string(at));
    log::info("install: " + region + (first ? ": its first sync is queued" : ": its sync and held work resume"));
    sleep_cv.notify_all();
  };
  if (!o.database_read_url.empty()) {
    read_pool = std::make_unique<Pool>(o.database_read_url);
    w.read_replica = [this](db::Database& primary) -> std::unique_ptr<web::ReadLease> {
      struct Lease : web::ReadLease {
        explicit Lease(Pool::Lease l) : lease(std::move(l)) {}
        Pool::Lease lease;
        db::Database& db() override { return *lease; }
      };
      const std::string position = db::replica::wal_position(primary);
      auto lease = std::make_unique<Lease>(read_pool->get());
      if (!db::replica::wait_for(lease->db(), position, o.read_replica_wait)) return nullptr;
      return lease;
    };
  }
  dashboard = std::make_unique<web::Dashboard>(std::move(w));
  for (const auto& r : web::Dashboard::routes())
    server.route(r.method, r.pattern, r.label, [this](const http::Request& req, http::Response& res) {
      web::Request in;
      in.method = req.method;
      in.path = req.path;
      in.params = req.params;
      in.headers = req.headers;
      in.remote = req.remote_addr;
      auto db = pool.get();
      auto out = dashboard->handle(*db, in);
      res.status = out.status;
      res.set_content(std::move(out.body), std::move(out.content_type));
      res.headers = std::move(out.headers);
    });
}

// Renders the dashboard's pages ahead of visitors, on a connection of its own, one page at a time
// (at most one of the server's cores), until the service stops.
void ServiceState::warm_dashboard() {
  std::unique_ptr<db::Database> db;
  int failures = 0;  // in a row: the wait doubles, up to a minute (a database that is down)
  while (!stopping) {
    auto wait = o.dashboard_warm_every;
    try {
      if (!db) db = std::make_unique<db::Database>(o.database_url);
      const int made = dashboard->warm(*db, o.dashboard_warm_settle, [this] { return stopping.load(); });
      counters.pages_warmed += made;
      if (made) log::info("dashboard: " + std::to_string(made) + " page(s) rendered ahead of their visitors");
      failures = 0;
    } catch (const std::exception& e) {
      if (failures == 0) log::warn("dashboard: rendering pages ahead: " + log::redact(e.what()));
      db.reset();
      wait = std::min<std::chrono::milliseconds>(std::chrono::minutes(1), wait * (1 << std::min(++failures, 5)));
    }
    std::unique_lock lock(sleep_mu);
    sleep_cv.wait_for(lock, wait, [this] { return stopping.load(); });
  }
}

}  // namespace paxstats::serve
