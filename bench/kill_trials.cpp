// Exactly once under kills and lost answers: N trials of a monthly delivery run, each killed
// (SIGKILL) at a random moment while the fake Slack drops the answer of random shares *after*
// making them, then resumed until the outbox is drained. Every planned chart must arrive exactly
// once (or be listed in doubt, for a person). Prints "N trials, X lost, Y duplicated".
//
//   DATABASE_URL=… build/bench/kill_trials [--trials 50] [--pax 40] [--seed 1]
//   bench/kill_trials.sh  (starts a throwaway private cluster and runs this)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "paxstats/slack/rate_limiter.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using Fault = slack::fake::FakeSlack::Fault;

int main(int argc, char** argv) {
  int trials = 50, pax = 40;
  unsigned seed = 1;
  std::string work = "/tmp/paxstats-kill-trials";
  CLI::App app{"Kill -9 trials of the delivery outbox with answers lost after acting"};
  app.add_option("--trials", trials);
  app.add_option("--pax", pax);
  app.add_option("--seed", seed);
  app.add_option("--work", work, "Folder for the generated export");
  CLI11_PARSE(app, argc, argv);
  const char* url = std::getenv("DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "set DATABASE_URL (bench/kill_trials.sh does)\n");
    return 2;
  }
  log::set_level(log::Level::error);
  db::Database conn(url);
  db::migrate_all(conn);
  mining::GeneratorOptions o;
  o.pax = pax;
  o.months = 1;
  mining::generate_workspace(o, work);
  if (!db::sql::value(conn, "SELECT 1 FROM paxstats.regions WHERE slug = 'kt'"))
    db::add_region(conn, "kt", "Kill trials", "America/Chicago");
  mining::import_export(conn, "kt", work);
  const auto truth = nlohmann::json::parse(std::ifstream(std::filesystem::path(work) / "truth.json"));
  db::set_region(conn, "kt", {{"firstf_channel", truth["region"]["firstf_channel"].get<std::string>()}});
  const auto base_plan = reports::plan_monthly(conn, "kt", paxstats::calendar::parse_month("2026-10"));

  slack::fake::FakeSlack::Options fo;
  fo.enforce_budgets = false;
  slack::fake::FakeSlack fake(fo);
  fake.load_export(work);
  fake.start();
  // Slack's one-minute rate window shrunk to 50 ms (the fake enforces none here): the trials are
  // about kills and lost answers, not pacing.
  auto client = [&] {
    auto limiter = std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), std::chrono::milliseconds(50));
    return std::make_unique<slack::Client>(slack::ClientOptions{.token = fo.token,
                                                                .base_url = fake.base_url(),
                                                                .limiter = limiter,
                                                                .backoff_base = std::chrono::milliseconds(5)});
  };

  std::mt19937 rng(seed);
  long lost = 0, duplicated = 0, in_doubt = 0, kills = 0, planned = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 1; t <= trials; ++t) {
    // Each trial is its own period, with file names of its own, so its deliveries can be counted.
    auto plan = base_plan;
    plan.month = "trial-" + std::to_string(t);
    for (auto& d : plan.deliveries) d.file = "t" + std::to_string(t) + "-" + d.file;
    reports::queue_plan(conn, plan);
    planned += static_cast<long>(plan.deliveries.size());
    // Lost answers after acting, at random shares of this trial.
    for (int k = 0; k < 3; ++k)
      fake.inject({.kind = Fault::drop_connection,
                   .method = "files.completeUploadExternal",
                   .times = 1,
                   .after = static_cast<int>(rng() % plan.deliveries.size())});
    // Killed at a random moment, resumed, killed again, … then finished.
    for (int round = 0; round < 3; ++round) {
      const pid_t child = fork();
      if (child == 0) {
        try {
          db::Database own(url);
          auto c = client();
          reports::deliver(own, "kt", *c);
        } catch (...) {
        }
        _exit(0);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 250));
      ::kill(child, SIGKILL);
      int status = 0;
      ::waitpid(child, &status, 0);
      if (WIFSIGNALED(status)) ++kills;  // killed mid-run (not after it had finished)
    }
    for (int rest = 0; rest < 20 && db::outbox::counts(conn, "kt", plan.month).pending() > 0; ++rest) {
      try {
        auto c = client();
        reports::deliver(conn, "kt", *c);
      } catch (const std::exception&) {  // the killed sender's lock may linger a moment
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    std::map<std::pair<std::string, std::string>, int> arrived;
    for (const auto& f : fake.files())
      if (f.completed && f.filename.rfind("t" + std::to_string(t) + "-", 0) == 0) ++arrived[{f.channel_id, f.filename}];
    const auto c = db::outbox::counts(conn, "kt", plan.month);
    in_doubt += c.in_doubt;
    std::map<std::string, int> doubt_files;
    for (const auto& i : db::outbox::in_doubt(conn, "kt"))
      if (i.period == plan.month) ++doubt_files[i.file_name];
    for (const auto& d : plan.deliveries) {
      const std::string channel = d.to_user ? fake.dm_channel(d.recipient) : d.recipient;
      const int n = arrived[{channel, d.file}];
      if (n > 1) duplicated += n - 1;
      if (n == 0 && !doubt_files.count(d.file)) ++lost;
    }
    std::fprintf(stderr, "trial %d: %zu deliveries, %d sent, %d in doubt, %d pending\n", t, plan.deliveries.size(),
                 c.sent, c.in_doubt, c.pending());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d trials, %ld lost, %ld duplicated (%ld deliveries, %ld runs killed mid-way, %ld in doubt, %.0f s)\n",
              trials, lost, duplicated, planned, kills, in_doubt, secs);
  return lost == 0 && duplicated == 0 ? 0 : 1;
}
