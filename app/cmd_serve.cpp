// paxstats serve: Slack events, slash commands, the trigger API and the scheduler, until SIGTERM.
// paxstats token create|revoke|list: the trigger API's bearer tokens.
#include <csignal>
#include <future>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/client.hpp"
#include "service.hpp"

namespace paxstats::app {
namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

void add_serve_commands(CLI::App& root, Context& ctx) {
  struct Args {
    std::string listen = "127.0.0.1:8080";
    int workers = 2;
    int senders = 4;
    bool no_scheduler = false;
    bool no_warm = false;
    bool worker = false;
    int lease_seconds = 30;
    std::string public_url;
  };
  auto a = std::make_shared<Args>();
  auto* serve = root.add_subcommand(
      "serve",
      "Run the service: POST /slack/events, /slack/commands, /slack/interactions (Slack-signed), the trigger API "
      "(POST /api/v1/regions/SLUG/runs, GET /api/v1/runs/ID; Bearer token), GET /healthz and /metrics, the dashboard "
      "(GET /, /r/SLUG/…; Sign in with Slack with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET); Add to Slack (GET "
      "/slack/install: a workspace installs the app and its region is made, its token stored sealed under "
      "PAXSTATS_SECRET_KEY_FILE); job workers; the scheduled runs (monthly, weekly, community) and a daily sync per "
      "region. Needs SLACK_SIGNING_SECRET, and each region's bot token stored (an install, or paxstats region token) "
      "or in its token_env; with SLACK_APP_TOKEN (xapp-…) it also takes events and commands over Socket Mode (no "
      "public URL needed). With --worker, only the job workers and the scheduler (more hosts on one database). Stops "
      "cleanly on SIGTERM or Ctrl-C.");
  serve->add_option("--listen", a->listen, "HOST:PORT to listen on (PORT 0: any free port)")->capture_default_str();
  serve
      ->add_option("--workers", a->workers,
                   "Job workers (each with its own database connection): events, commands, DMs, syncs, buttons")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  serve
      ->add_option("--senders", a->senders,
                   "Senders: threads that deliver whole runs (monthly, weekly, community), the biggest region first, "
                   "each with its own database connection. Workspaces are paced apart, so runs of N regions take as "
                   "long as the biggest when about N/(the biggest's share of all people) run at once: 96 for a "
                   "nation of 400 regions (README, \"Many regions at once\"). 0: the workers deliver runs too")
      ->capture_default_str()
      ->check(CLI::Range(0, 512));
  serve->add_flag("--no-scheduler", a->no_scheduler, "Do not run scheduled monthly reports and syncs");
  serve->add_flag("--worker", a->worker,
                  "A worker host: no listener (no SLACK_SIGNING_SECRET needed), only job workers, the heartbeat "
                  "and the scheduler. Any number of serve processes, on any number of hosts, may share one "
                  "database: each job goes to one of them, and one scheduler at a time fires each slot");
  serve
      ->add_option("--lease", a->lease_seconds,
                   "Seconds a host may go without a heartbeat before its running jobs go to another (a process "
                   "that dies loses them at once)")
      ->capture_default_str()
      ->check(CLI::Range(3, 3600));
  serve->add_flag("--no-warm", a->no_warm,
                  "Do not render dashboard pages ahead of visitors (by default each region's, AO's and PAX's "
                  "page is rendered again in the background when the region's posts change)");
  serve->add_option("--public-url", a->public_url,
                    "Where people reach the dashboard, e.g. https://stats.example.org (Slack's redirect URLs are "
                    "PUBLIC_URL/auth/slack/callback for sign-in and PUBLIC_URL/slack/oauth/callback for Add to Slack; "
                    "cookies are Secure when it is https). Default: "
                    "$PAXSTATS_PUBLIC_URL, else http://HOST:PORT");
  serve->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      serve::Options o;
      o.database_url = database_url(ctx);
      const auto colon = a->listen.rfind(':');
      if (colon == std::string::npos || colon + 1 == a->listen.size() ||
          a->listen.find_first_not_of("0123456789", colon + 1) != std::string::npos)
        throw UserError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080, not \"" + a->listen + "\"");
      o.host = a->listen.substr(0, colon);
      o.port = std::stoi(a->listen.substr(colon + 1));
      o.workers = a->workers;
      o.senders = a->senders;
      o.scheduler = !a->no_scheduler;
      o.listen = !a->worker;
      o.job_lease = std::chrono::seconds(a->lease_seconds);
      if (a->no_warm) o.dashboard_warm_every = std::chrono::milliseconds(0);
      const char* secret = std::getenv("SLACK_SIGNING_SECRET");
      o.signing_secret = secret ? secret : "";
      const char* app_token = std::getenv("SLACK_APP_TOKEN");
      o.app_token = app_token ? app_token : "";
      auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v ? v : "");
      };
      o.public_url = public_url(a->public_url);
      o.slack_window = slack::Client::rate_window(slack::Client::default_base_url());
      o.database_read_url = env("DATABASE_READ_URL");
      o.client_id = env("SLACK_CLIENT_ID");
      o.client_secret = env("SLACK_CLIENT_SECRET");
      serve::Service service(o);
      service.start();
      std::signal(SIGTERM, on_signal);
      std::signal(SIGINT, on_signal);
      if (o.listen)
        std::cerr << "paxstats serve: listening on http://" << o.host << ":" << service.port() << " (SIGTERM stops)\n";
      else
        std::cerr << "paxstats serve: a worker host with " << o.workers << " worker(s) (SIGTERM stops)\n";
      try {
        db::Database conn(o.database_url);
        if (const auto line = shared_token_warning(conn)) std::cerr << *line << "\n";
      } catch (const std::exception&) {  // the service says more about its database by itself
      }
      while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::cerr << "paxstats serve: stopping (finishing jobs in hand)\n";
      // Within 10 s, well inside systemd's 90: a sync stops at its next page by itself; any other
      // job still running after 9 s is left to the database (its transaction rolls back, its
      // lease runs out and the next start takes it again; a delivery in the middle of a share is
      // settled then through files.info, as after any crash).
      std::promise<void> stopped;
      auto done = stopped.get_future();
      std::thread stopper([&] {
        service.stop();
        stopped.set_value();
      });
      if (done.wait_for(std::chrono::seconds(9)) != std::future_status::ready) {
        log::warn(
            "serve: jobs still running 9 s after the stop was asked for; leaving them to resume at the next "
            "start");
        std::cerr << "paxstats serve: stopped (jobs in hand resume at the next start)\n";
        std::_Exit(0);
      }
      stopper.join();
      return 0;
    };
  });

  auto* token = root.add_subcommand("token", "Bearer tokens of the trigger API (stored hashed; shown once)");
  token->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto* create = token->add_subcommand("create", "Make a token and print it (once: only its hash is kept)");
  create->add_option("NAME", *name, "What the token is for, e.g. \"cron on host x\"")->required();
  create->callback([&ctx, name] {
    ctx.action = [&ctx, name] {
      db::Database conn(database_url(ctx));
      const std::string t = serve::new_token();
      db::jobs::add_token(conn, *name, serve::token_hash(t));
      std::cout << t << "\n";
      std::cerr << "token \"" << *name << "\" created; use it as Authorization: Bearer " << t.substr(0, 8)
                << "… (it is not shown again)\n";
      return 0;
    };
  });
  auto revoke_name = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "Revoke a token by name");
  revoke->add_option("NAME", *revoke_name, "The token's name")->required();
  revoke->callback([&ctx, revoke_name] {
    ctx.action = [&ctx, revoke_name] {
      db::Database conn(database_url(ctx));
      if (!db::jobs::revoke_token(conn, *revoke_name))
        throw UserError("no live token named \"" + *revoke_name + "\" (paxstats token list)");
      std::cout << "token \"" << *revoke_name << "\" revoked\n";
      return 0;
    };
  });
  token->add_subcommand("list", "List tokens (names and dates; never the tokens)")->callback([&ctx] {
    ctx.action = [&ctx] {
      db::Database conn(database_url(ctx));
      const auto lines = db::jobs::token_lines(conn);
      if (lines.empty()) std::cout << "no tokens (paxstats token create NAME)\n";
      for (const auto& l : lines) std::cout << l << "\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
