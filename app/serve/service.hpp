#pragma once
// paxstats serve: one process for many regions (matched by Slack team_id). HTTP endpoints for
// Slack (events, slash commands, interactions) verified by signature, a trigger API with
// bearer tokens, /healthz and /metrics; workers that drain the jobs table; a scheduler.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "paxstats/business_clock.hpp"

namespace paxstats::serve {

struct Options {
  std::string database_url;
  // DATABASE_READ_URL: a hot standby the dashboard's pages are read from ("" = the primary's). A
  // page waits up to read_replica_wait for the standby to replay what the primary had, else it is
  // read from the primary.
  std::string database_read_url;
  std::chrono::milliseconds read_replica_wait{1000};
  std::string host = "127.0.0.1";
  int port = 8080;             // 0: any free port (see Service::port)
  std::string signing_secret;  // SLACK_SIGNING_SECRET; required
  std::string app_token;       // SLACK_APP_TOKEN (xapp-…): also take events and commands over Socket Mode
  // The dashboard (README "Dashboard") on the same listener: where people reach it (Slack sends
  // them back to PUBLIC_URL/auth/slack/callback; "" = http://HOST:PORT) and the Slack app's
  // OpenID credentials (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET; without them nobody signs in).
  bool dashboard = true;
  // Pages rendered ahead of visitors (web::Dashboard::warm): how often a thread of its own looks
  // for regions whose posts moved (0: never), and how long their posts must stand still first.
  std::chrono::milliseconds dashboard_warm_every{2000};
  std::chrono::milliseconds dashboard_warm_settle{5000};
  std::string public_url;
  std::string client_id, client_secret;
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  int workers = 2;  // job workers, each with its own database connection
  // Senders: the threads that deliver whole runs (monthly, weekly, community), each with its own
  // database connection and, while it delivers, a thread opening DMs ahead of it. Regions'
  // workspaces are paced apart, so a nation's month takes as long as its biggest region only when
  // enough of them run at once; the runs are taken biggest first. 0: the workers take runs too.
  int senders = 4;
  std::string slack_base_url;                     // "" = $SLACK_API_BASE_URL or Slack's
  std::chrono::milliseconds slack_window{60000};  // Slack's rate-limit window (tests shrink it)
  std::chrono::milliseconds slack_backoff{500};   // first backoff of a Slack call's own retries (tests shrink it)
  bool scheduler = true;
  // false: a worker host (`serve --worker`): no listener, only the job workers, the heartbeat and
  // the scheduler (one at a time across hosts). No SLACK_SIGNING_SECRET needed.
  bool listen = true;
  // A claimed job's lease: a process that has not beaten its heartbeat for this long (cut off,
  // frozen, its host gone) loses its jobs to the others. One that dies outright loses them at once.
  std::chrono::milliseconds job_lease{30000};
  std::chrono::milliseconds scheduler_every{30000};
  std::chrono::milliseconds worker_idle{200};  // how long an idle worker sleeps between polls
  int feedback_delay_seconds = 60;             // parse-error DMs wait this long for the next edit
  // A member's App Home after their posts changed: published again this long after (a burst of
  // edits is one publish; with the minute's own, at most one a minute).
  int home_refresh_delay_seconds = 60;
  // A job that failed for a reason worth retrying (Slack 5xx, 429, timeouts) is tried again after
  // job_backoff_seconds × attempts², up to job_max_attempts in all.
  double job_backoff_seconds = 10;
  int job_max_attempts = 6;
  // The wall clock: signature freshness (Slack's 5-minute window). Tests may set it.
  std::function<std::chrono::system_clock::time_point()> wall_now;
  // The business clock: which month it is (/paxstats me, /paxstats ao), which scheduled slot is
  // due. Default: PAXSTATS_NOW, else the wall clock. Tests pin it.
  BusinessClock business_now;
};

struct ServiceState;  // serve/service_state.hpp

class Service {
 public:
  explicit Service(Options options);
  ~Service();  // stops
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds the port and starts the HTTP server, the workers and the scheduler. Throws
  // paxstats::UserError when the port cannot be bound or the secret is missing.
  void start();
  int port() const;
  long socket_mode_connections() const;  // WebSocket connections made so far (0 without Socket Mode)
  // Graceful: stops taking requests, lets each worker finish its job, stops the scheduler.
  void stop();
  // Runs the scheduler's check once, now (tests; normally every scheduler_every).
  void schedule_once();

 private:
  std::unique_ptr<ServiceState> impl_;
};

// The SHA-256 of a trigger-API token, as stored (hex).
std::string token_hash(std::string_view token);
// A new random token: "pxs_" + 40 base62 characters.
std::string new_token();

}  // namespace paxstats::serve
