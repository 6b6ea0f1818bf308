// paxstats serve: start and stop. The parts are listed in service_state.hpp, one file each.
#include "service.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "paxstats/db/jobs.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/web/slack_app.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "localhost";
  return name;
}

namespace {
// host:pid:8 random hex digits (a pid is reused across restarts and containers).
std::string new_worker_id() {
  std::random_device rd;
  char tail[9];
  std::snprintf(tail, sizeof tail, "%08x", static_cast<unsigned>(rd()));
  return host_name() + ":" + std::to_string(::getpid()) + ":" + tail;
}
}  // namespace

ServiceState::ServiceState(Options options)
    : o(std::move(options)),
      worker_id(new_worker_id()),
      pool(o.database_url),
      limiter(std::make_shared<slack::RateLimiter>(clock, o.slack_window)),
      job_context(
          [this] {
            if (!o.wall_now) o.wall_now = [] { return std::chrono::system_clock::now(); };
            if (!o.business_now) o.business_now = business_clock_from_env();
            return jobs::JobContext::Settings{o.business_now, o.public_url, o.feedback_delay_seconds,
                                              o.home_refresh_delay_seconds};
          }(),
          pool, counters, draws, planning, stopping,
          // A Slack client for a region: its bot token stored sealed, else from the variable it names.
          [this](db::Database& db, const std::string& slug) {
            const auto region = db::get_region(db, slug);
            const std::string token =
                web::region_bot_token(db, region, {o.client_id, o.client_secret, o.slack_base_url});
            return std::make_unique<slack::Client>(slack::ClientOptions{.token = token,
                                                                        .base_url = o.slack_base_url,
                                                                        .workspace = region.team_id.value_or(slug),
                                                                        .limiter = limiter,
                                                                        .backoff_base = o.slack_backoff});
          }) {}

Service::Service(Options options) : impl_(std::make_unique<ServiceState>(std::move(options))) {}
Service::~Service() { stop(); }

void Service::start() {
  auto& i = *impl_;
  if (i.o.listen && i.o.signing_secret.empty())
    throw UserError("SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page");
  // The process is registered (from the session that keeps its heartbeat) before any worker
  // claims a job: another host must never see a claim by a process it cannot find alive.
  auto keeper = std::make_unique<db::Database>(i.o.database_url);
  db::jobs::keep_session_alive(*keeper);
  db::jobs::register_worker(*keeper, i.worker_id, host_name(), static_cast<long>(::getpid()));
  // A dead process's unfinished jobs.
  if (const int n = db::jobs::requeue_stale(*keeper, i.o.job_lease))
    log::info("serve: " + std::to_string(n) + " unfinished job(s) of an earlier run queued again");
  if (i.o.listen) {
    i.pool.warm(16);  // sixteen visitors at once find a connection each, none opened while they wait
    i.routes();
    try {
      i.bound_port = i.server.bind(i.o.host, i.o.port);
    } catch (const std::exception& e) {
      throw UserError("cannot listen on " + i.o.host + ":" + std::to_string(i.o.port) + " (" + e.what() +
                      "; in use? try another --listen port)");
    }
    i.dashboard_routes();
    i.server.start();
  }

  i.keeper_thread = std::thread([&i, k = std::move(keeper)]() mutable { i.keep_leases(std::move(k)); });
  // With senders, the workers take every kind but the runs; without, everything.
  static const db::jobs::Kinds everything{};
  static const db::jobs::Kinds all_but_runs{run_kinds().kinds, true};
  const auto& general = i.o.senders > 0 ? all_but_runs : everything;
  for (int w = 0; w < std::max(1, i.o.workers); ++w)
    i.workers.emplace_back([&i, &general] { i.worker(general, false); });
  for (int w = 0; w < i.o.senders; ++w) i.workers.emplace_back([&i] { i.worker(run_kinds(), true); });
  if (i.o.scheduler)
    i.scheduler_thread = std::thread([&i] {
      // The database may be away for any length of time (a restart, an outage): the scheduler
      // says so once, tries again at every tick, and says when it is back. Nothing ends it.
      bool down = false;
      while (!i.stopping) {
        try {
          i.schedule_once();
          if (std::exchange(down, false)) log::info("scheduler: the database answers again");
        } catch (const std::exception& e) {
          if (!std::exchange(down, true))
            log::error("scheduler: " + log::redact(e.what()) + "; trying again every " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(i.o.scheduler_every).count()) +
                       " s (see /healthz)");
        } catch (...) {
          if (!std::exchange(down, true)) log::error("scheduler: an unknown failure; trying again at the next tick");
        }
        std::unique_lock lock(i.sleep_mu);
        i.sleep_cv.wait_for(lock, i.o.scheduler_every, [&] { return i.stopping.load(); });
      }
    });
  if (i.dashboard && i.o.dashboard_warm_every.count() > 0) i.warmer_thread = std::thread([&i] { i.warm_dashboard(); });
  if (i.o.listen && !i.o.app_token.empty()) {
    i.socket_mode = std::make_unique<slack::SocketModeClient>(slack::SocketModeOptions{
        .app_token = i.o.app_token, .api_base_url = i.o.slack_base_url, .on_envelope = [&i](const json& env) {
          return i.envelope(env);
        }});
    i.socket_mode->start();
  }
  if (i.o.listen)
    log::info("serve: listening on http://" + i.o.host + ":" + std::to_string(i.bound_port) + " with " +
              std::to_string(std::max(1, i.o.workers)) + " worker(s) and " + std::to_string(i.o.senders) +
              " sender(s)");
  else
    log::info("serve: worker " + i.worker_id + " with " + std::to_string(std::max(1, i.o.workers)) + " worker(s), " +
              std::to_string(i.o.senders) + " sender(s)" + (i.o.scheduler ? " and the scheduler" : ""));
}

int Service::port() const { return impl_->bound_port; }

long Service::socket_mode_connections() const { return impl_->socket_mode ? impl_->socket_mode->connections() : 0; }

void Service::stop() {
  auto& i = *impl_;
  if (i.stopping.exchange(true)) return;
  i.clock.stop();
  if (i.socket_mode) i.socket_mode->stop();
  i.server.stop();
  i.sleep_cv.notify_all();
  for (auto& w : i.workers)
    if (w.joinable()) w.join();
  if (i.keeper_thread.joinable()) i.keeper_thread.join();
  if (i.scheduler_thread.joinable()) i.scheduler_thread.join();
  if (i.warmer_thread.joinable()) i.warmer_thread.join();
  log::info("serve: stopped");
}

void Service::schedule_once() { impl_->schedule_once(); }

}  // namespace paxstats::serve
