#pragma once
// Internal to serve/: what the parts of the service share. Each part is its own file:
//   routes.cpp       the HTTP routes, Slack signatures, events in (HTTP and Socket Mode)
//   commands.cpp     /paxstats commands and DMs to the bot, answered at once
//   trigger_api.cpp  the trigger API (bearer tokens): POST a run, GET its status
//   metrics.cpp      /metrics
//   dashboard.cpp    the dashboard's pages (web/), mounted on the same listener
//   workers.cpp      the job workers: claim, run, retry or fail
//   jobs/*.cpp       one file per job kind, dispatched by jobs/dispatch.cpp
//   scheduler.cpp    the monthly run and the daily sync, per region
//   service.cpp      start and stop
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <semaphore>
#include <thread>
#include <vector>

#include "http_server.hpp"
#include "bot_words.hpp"
#include "jobs/job_context.hpp"
#include "jobs/job_kinds.hpp"
#include "payloads.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/draw_pool.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/socket_mode.hpp"
#include "paxstats/web/dashboard.hpp"
#include "pool.hpp"
#include "service.hpp"

namespace paxstats::serve {

// This machine's name, for the worker id and the log.
std::string host_name();

struct ServiceState {
  explicit ServiceState(Options options);

  Options o;
  std::string worker_id;  // host:pid:random, this process's name in paxstats.workers
  Counters counters;
  Pool pool;
  std::unique_ptr<Pool> read_pool;  // the hot standby's (DATABASE_READ_URL), when there is one
  TeamRegions team_regions;
  http::Server server;
  int bound_port = 0;
  std::thread scheduler_thread;
  std::thread warmer_thread;
  std::vector<std::thread> workers;  // and the senders
  // Planning a run (its queries and chart specs) is CPU and memory: a few at a time, however many
  // senders there are; the charts are drawn by each sender as it sends.
  std::counting_semaphore<256> planning{
      static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 256u))};
  // Where the senders' charts are drawn: a thread per core, the run with the most messages left
  // first (the nation's biggest region never waits behind a hundred small ones).
  reports::DrawPool draws{static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 256u))};
  std::thread keeper_thread;  // the heartbeat (workers.cpp keep_leases)
  std::atomic<bool> stopping{false};
  std::mutex sleep_mu;
  std::condition_variable sleep_cv;
  slack::StoppableClock clock;  // the limiter's: stop() ends every wait on Slack's pacing
  std::shared_ptr<slack::RateLimiter> limiter;
  std::unique_ptr<slack::SocketModeClient> socket_mode;
  std::unique_ptr<web::Dashboard> dashboard;  // made at start (it needs the bound port)
  jobs::JobContext job_context;               // what the job handlers get of all this

  // routes.cpp
  void routes();
  void dashboard_routes();  // dashboard.cpp
  void warm_dashboard();    // dashboard.cpp: the warmer thread's loop
  bool verified(const http::Request& req, http::Response& res, const std::string& path);
  void events(const http::Request& req, http::Response& res);
  void uninstalled(db::Database& db, const std::string& region, const EventBody& body);  // installs.cpp
  int accept_interaction(const nlohmann::json& payload);                                 // interactions.cpp
  int accept_event(const EventBody& body, const std::string& retry);
  std::optional<nlohmann::json> envelope(const nlohmann::json& env);
  void command(const http::Request& req, http::Response& res);

  // commands.cpp
  nlohmann::json command_reply(const std::string& team, const std::string& user, const std::string& channel,
                               const std::string& text);

  // trigger_api.cpp
  bool authorised(const http::Request& req, http::Response& res, db::Database& db, const std::string& path);
  void trigger(const http::Request& req, http::Response& res);
  void run_status(const http::Request& req, http::Response& res);

  // metrics.cpp
  void count(const std::string& path, int code);
  void metrics(http::Response& res);

  // workers.cpp
  void worker(const db::jobs::Kinds& kinds, bool sender);
  void put_back(db::Database& db, const db::jobs::Job& job);
  void attempt(db::Database& db, const db::jobs::Job& job);
  bool held(db::Database& db, const db::jobs::Job& job);
  void lease_lost(const db::jobs::Job& job);
  void keep_leases(std::unique_ptr<db::Database> db);

  // jobs/dispatch.cpp
  void run_job(db::Database& db, const db::jobs::Job& job);
  void run_event_batch(db::Database& db, const std::string& region, const std::vector<db::jobs::Job>& jobs);

  // scheduler.cpp
  void schedule_once();
  void schedule_regions(db::Database& db);
};

// The kinds of job that deliver a whole run (long, mostly waiting on Slack's pacing): the senders
// take them, biggest region first; the workers take everything else, so a run never holds up an
// event or a "/paxstats me".
const db::jobs::Kinds& run_kinds();

}  // namespace paxstats::serve
