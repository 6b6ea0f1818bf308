// The monthly run of a generated region, end to end: plan, queue every chart into the outbox (as
// its spec), then deliver the whole run to the fake Slack enforcing Slack's tier budgets, each
// chart drawn as it is sent.
// Prints the render phase's time and peak RSS, and the delivery time against the floor the
// budgets allow (each method may burst one window's budget, then runs at its budget).
//
//   DATABASE_URL=… build/bench/monthly_run_bench [--pax 1000] [--window-ms 3000] [--month 2026-10]
//   bench/monthly_run_bench.sh  (starts a throwaway private cluster and runs this)
//
// --window-ms shrinks Slack's one-minute window so the run takes minutes, not half an hour;
// every budget scales with it, so the ratio to the floor is what to read.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

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
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
static long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

int main(int argc, char** argv) {
  int pax = 1000, window_ms = 3000;
  std::string month = "2026-10", work = "/tmp/paxstats-monthly-bench";
  CLI::App app{"The monthly run of a generated region: render phase and delivery to the fake Slack"};
  app.add_option("--pax", pax);
  app.add_option("--window-ms", window_ms);
  app.add_option("--month", month);
  app.add_option("--work", work, "Folder for the generated export");
  CLI11_PARSE(app, argc, argv);
  const char* url = std::getenv("DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "set DATABASE_URL (bench/monthly_run_bench.sh does)\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  db::Database conn(url);
  db::migrate_all(conn);

  mining::GeneratorOptions g;
  g.pax = pax;
  g.seed = 7;
  std::filesystem::remove_all(work);
  auto t = Clock::now();
  const auto summary = mining::generate_workspace(g, work);
  std::printf("generated: %d users, %ld messages in %.1f s\n", summary.users, summary.messages, since(t));
  db::sql::query(conn, "DROP SCHEMA IF EXISTS bench CASCADE");
  db::sql::query(conn, "DELETE FROM paxstats.regions WHERE slug = 'bench'");
  db::add_region(conn, "bench", "F3 Bench", "America/Chicago");
  t = Clock::now();
  mining::import_export(conn, "bench", work);
  std::printf("imported in %.1f s\n", since(t));
  const auto firstf = *db::sql::value(conn, "SELECT channel_id FROM bench.channels WHERE name = '1st-f'");
  const auto site_qs = *db::sql::value(conn, "SELECT channel_id FROM bench.channels WHERE name = 'site-qs'");
  db::set_region(conn, "bench", {{"firstf_channel", firstf}, {"kotter_channel", site_qs}});
  const long rss_before = peak_rss_mb();

  // Render phase: plan, then every chart's spec and alt text into the outbox table.
  t = Clock::now();
  const auto plan = reports::plan_monthly(conn, "bench", paxstats::calendar::parse_month(month));
  const double plan_s = since(t);
  if (std::getenv("BENCH_PLAN_ONLY")) {
    for (const auto& report : reports::report_names()) {
      auto t1 = Clock::now();
      reports::plan_monthly(conn, "bench", paxstats::calendar::parse_month(month), {report});
      std::printf("  plan %-14s %.3f s\n", report.c_str(), since(t1));
    }
  }
  const int queued = reports::queue_plan(conn, plan);
  const double render_s = since(t);
  const auto as_specs = *db::sql::value(
      conn, "SELECT count(*) FROM paxstats.deliveries WHERE region = 'bench' AND bytes IS NULL AND chart IS NOT NULL");
  std::printf(
      "render phase: %zu charts planned in %.2f s, queued (%d, %s of them as specs drawn at send time) in %.2f s "
      "total; peak RSS %ld MB (%ld MB before)\n",
      plan.deliveries.size(), plan_s, queued, as_specs.c_str(), render_s, peak_rss_mb(), rss_before);

  // Delivery phase against Slack's budgets.
  slack::fake::FakeSlack::Options o;
  o.window = std::chrono::milliseconds(window_ms);
  slack::fake::FakeSlack fake(o);
  fake.load_export(work);
  fake.start();
  auto limiter =
      std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), std::chrono::milliseconds(window_ms));
  slack::Client client({.token = o.token, .base_url = fake.base_url(), .limiter = limiter});
  t = Clock::now();
  const auto r = reports::deliver(conn, "bench", client);
  const double deliver_s = since(t);

  std::map<std::string, int> calls;
  int throttled = 0;
  for (const auto& q : fake.requests()) {
    ++calls[q.method];
    throttled += q.http_status == 429;
  }
  double floor_s = 0;
  std::string slowest;
  for (const auto& [method, n] : calls) {
    const int tier = slack::method_tier(method);
    if (tier < 1 || method == "upload") continue;  // "upload": the bytes POST, not a Web API method
    const int budget = slack::tier_requests_per_minute(tier);
    const double f = std::max(0, n - budget) * (window_ms / 1000.0) / budget;
    if (f > floor_s) floor_s = f, slowest = method;
  }
  int completed = 0, twice = 0;
  std::map<std::pair<std::string, std::string>, int> per;
  for (const auto& f : fake.files()) {
    if (f.completed) ++completed, ++per[{f.channel_id, f.filename}];
    twice += f.complete_calls > 1;
  }
  int duplicates = 0;
  for (const auto& [k, n] : per) duplicates += n - 1;
  std::printf("delivery: %d sent, %d skipped, %d failed in %.1f s; floor %.1f s (%s: %d calls); ratio %.3f\n", r.sent,
              r.skipped, r.failed, deliver_s, floor_s, slowest.c_str(), calls[slowest],
              floor_s > 0 ? deliver_s / floor_s : 0);
  std::printf("           window %d ms; calls:", window_ms);
  for (const auto& [m, n] : calls) std::printf(" %s=%d", m.c_str(), n);
  std::printf("; http_429=%d; files completed %d, duplicates %d, completed twice %d\n", throttled, completed,
              duplicates, twice);
  for (const auto& why : r.reasons) std::printf("  %s\n", why.c_str());
  return r.failed == 0 && duplicates == 0 ? 0 : 1;
}
