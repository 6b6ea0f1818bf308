// Issue 34: a nation's month on one service. Generates REGIONS regions (sizes drawn as real ones
// are: most 30–300 PAX, a tenth 300–1,000, one of 1,500; a fixed seed), imports them, and runs
// every region's monthly report through one `paxstats serve --worker` process against a fake
// Slack of as many workspaces (FakeFleet), each with its own tier budgets over a scaled window.
// Prints the nation's wall time against the largest region's rate-limit floor, the sum of all
// floors, the service's peak RSS and CPU, the slowest region's lag behind its own floor, and the
// fake's record: duplicates and losses.
//
//   DATABASE_URL=… build/bench/nation_bench [--regions 400] [--window-ms 20000] [--senders 96]
//   bench/nation_bench.sh  (a throwaway private cluster; keeps the exports in --work for a rerun)
//
// A region's floor is what Slack's budgets allow it, as bench/monthly_run_bench counts it: each
// method may burst one window's budget, then runs at its budget; the slowest method sets it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_fleet.hpp"
#include "paxstats/slack/rate_limiter.hpp"

using namespace paxstats;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Sizes as the issue draws them: one of 1,500, a tenth 300–1,000, the rest 30–300 (log-uniform:
// more small regions than big ones, as F3's are).
std::vector<int> draw_sizes(int regions, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> out{1500};
  const int tenth = regions / 10;
  std::uniform_int_distribution<int> mid(300, 1000);
  std::uniform_real_distribution<double> small(std::log(30.0), std::log(300.0));
  for (int i = 1; i < regions; ++i) out.push_back(i <= tenth ? mid(rng) : static_cast<int>(std::exp(small(rng))));
  return out;
}

// /proc/PID/status's VmHWM (peak RSS) in MB, and the process's CPU seconds (user + system).
long peak_rss_mb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return -1;
}
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  // After the name: state is field 3; utime 14 and stime 15 (1-based), so 11 and 12 here.
  return f.size() > 12 ? (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK)) : -1;
}
long threads_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  int regions = 400, window_ms = 20000, senders = 96, workers = 2, jobs = 2;
  uint64_t seed = 34;
  std::string work = "/tmp/paxstats-nation-bench", bin;
  CLI::App app{"A nation's month on one service: many regions' monthly runs against a fake Slack of many workspaces"};
  app.add_option("--regions", regions);
  app.add_option("--window-ms", window_ms, "Slack's one-minute window, scaled (budgets scale with it)");
  app.add_option("--senders", senders, "serve --senders");
  app.add_option("--workers", workers, "serve --workers");
  app.add_option("--seed", seed);
  app.add_option("--jobs", jobs, "Regions generated and imported at once");
  app.add_option("--work", work, "Folder for the generated exports (kept: a second run reuses them)");
  app.add_option("--paxstats", bin, "The paxstats binary")->required();
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it comes, also into a file
  const char* url = std::getenv("DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "set DATABASE_URL (bench/nation_bench.sh does)\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  db::Database conn(url);
  db::migrate_all(conn);

  // ---- the nation: generated once (kept in --work), imported into this database
  const auto sizes = draw_sizes(regions, seed);
  long people = 0;
  for (int s : sizes) people += s;
  std::printf("nation: %d regions, %ld PAX (largest %d; %d of 300–1,000; seed %llu)\n", regions, people, sizes[0],
              regions / 10, static_cast<unsigned long long>(seed));
  auto t = Clock::now();
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<json> truth_region(static_cast<size_t>(regions));
  auto prepare = [&] {
    db::Database c(url);
    for (int i; (i = next++) < regions;) {
      const fs::path dir = fs::path(work) / ("r" + std::to_string(i));
      if (!fs::exists(dir / "truth.json")) {
        mining::GeneratorOptions g;
        g.pax = sizes[static_cast<size_t>(i)];
        g.months = 10;  // January to October: the year-so-far charts of October's run
        g.seed = seed * 1000 + static_cast<uint64_t>(i);
        g.chatter_per_pax_day = 0.01;
        fs::remove_all(dir);
        mining::generate_workspace(g, dir);
      }
      std::ifstream in(dir / "truth.json");
      const json truth = json::parse(in);
      const std::string slug = "r" + std::to_string(i);
      {
        std::lock_guard lock(mu);
        truth_region[static_cast<size_t>(i)] = truth["region"];
      }
      if (db::sql::value(c, "SELECT count(*) FROM paxstats.regions WHERE slug = $1", {slug}) == "1") continue;
      db::add_region(c, slug, "F3 Nation " + std::to_string(i), "America/Chicago");
      mining::import_export(c, slug, dir);
      db::set_region(c, slug,
                     {{"team_id", truth["region"]["team_id"].get<std::string>()},
                      {"firstf_channel", truth["region"]["firstf_channel"].get<std::string>()},
                      {"token_env", "PAXSTATS_TOKEN_NATION_" + std::to_string(i)}});
    }
  };
  {
    std::vector<std::jthread> threads;
    for (int j = 0; j < std::max(1, jobs); ++j)
      threads.emplace_back([&] {
        try {
          prepare();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "preparing the regions: %s\n", e.what());
          std::_Exit(1);
        }
      });
  }
  db::sql::query(conn, "UPDATE paxstats.regions SET created_at = '2026-08-01T00:00:00Z'");
  std::printf("generated and imported in %.0f s\n", since(t));

  // ---- the fake Slack: one workspace per region behind one URL
  slack::fake::FakeFleet fleet;
  for (int i = 0; i < regions; ++i) {
    slack::fake::FakeSlack::Options o;
    o.token = "xoxb-nation-" + std::to_string(i);
    o.window = std::chrono::milliseconds(window_ms);
    o.threads = 2;
    o.load_messages = false;
    o.keep_upload_bytes = false;
    fleet.add(o).load_export(fs::path(work) / ("r" + std::to_string(i)));
    ::setenv(("PAXSTATS_TOKEN_NATION_" + std::to_string(i)).c_str(), o.token.c_str(), 1);
  }
  fleet.start();

  // ---- the service: one process, the runs queued as its scheduler queues them at the slot
  db::sql::script(conn, "DELETE FROM paxstats.jobs; DELETE FROM paxstats.runs; DELETE FROM paxstats.deliveries");
  const fs::path log_file = fs::path(work) / "serve.log";
  const pid_t serve = ::fork();
  if (serve == 0) {
    ::setenv("SLACK_API_BASE_URL", fleet.base_url().c_str(), 1);
    ::setenv("PAXSTATS_SLACK_WINDOW_MS", std::to_string(window_ms).c_str(), 1);
    ::setenv("PAXSTATS_NOW", "2026-11-02T15:05:00Z", 1);
    const std::string cmd = "exec '" + bin + "' serve --worker --no-scheduler --workers " + std::to_string(workers) +
                            " --senders " + std::to_string(senders) + " > '" + log_file.string() + "' 2>&1";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto t0 = Clock::now();
  std::map<std::string, long> run_of;
  for (int i = 0; i < regions; ++i) {
    const std::string slug = "r" + std::to_string(i);
    const long run =
        db::jobs::create_run(conn, slug, db::jobs::RunKind::monthly, paxstats::calendar::parse_period("2026-10"));
    db::jobs::enqueue(conn, slug, db::jobs::JobKind::run_monthly, json{{"run_id", run}, {"month", "2026-10"}},
                      "monthly:" + slug + ":2026-10", 0, db::region_size(conn, slug));
    run_of[slug] = run;
  }
  std::map<std::string, double> finished;  // slug → seconds after t0
  long rss = 0, most_threads = 0;
  double cpu = 0;
  int failed = 0;
  while (static_cast<int>(finished.size()) + failed < regions) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    rss = std::max(rss, peak_rss_mb(serve));
    most_threads = std::max(most_threads, threads_of(serve));
    cpu = std::max(cpu, cpu_seconds(serve));
    failed = 0;
    for (const auto& r : db::sql::query(conn,
                                        "SELECT region, status FROM paxstats.runs WHERE status IN "
                                        "('succeeded', 'failed')")) {
      if (*r[1] == "failed") {
        ++failed;
        continue;
      }
      if (!finished.count(*r[0])) finished[*r[0]] = since(t0);
    }
    int status = 0;
    if (::waitpid(serve, &status, WNOHANG) == serve) {
      std::fprintf(stderr, "paxstats serve ended early; see %s\n", log_file.c_str());
      return 1;
    }
  }
  const double wall = since(t0);
  ::kill(serve, SIGTERM);
  ::waitpid(serve, nullptr, 0);

  // ---- floors, lags and the fake's record
  double largest_floor = 0, sum_floors = 0, worst_lag = -1e9;
  std::string largest, worst;
  long completed = 0, duplicates = 0, completed_twice = 0, throttled = 0;
  for (int i = 0; i < regions; ++i) {
    const std::string slug = "r" + std::to_string(i);
    const auto& fake = *fleet.workspaces()[static_cast<size_t>(i)];
    std::map<std::string, int> calls;
    for (const auto& q : fake.requests()) {
      ++calls[q.method];
      throttled += q.http_status == 429;
    }
    double floor_s = 0;
    for (const auto& [method, n] : calls) {
      const int tier = slack::method_tier(method);
      if (tier < 1 || method == "upload") continue;
      const int budget = slack::tier_requests_per_minute(tier);
      floor_s = std::max(floor_s, std::max(0, n - budget) * (window_ms / 1000.0) / budget);
    }
    std::map<std::pair<std::string, std::string>, int> per;
    for (const auto& f : fake.files()) {
      if (f.completed) ++completed, ++per[{f.channel_id, f.filename}];
      completed_twice += f.complete_calls > 1;
    }
    for (const auto& [k, n] : per) duplicates += n - 1;
    sum_floors += floor_s;
    if (floor_s > largest_floor) largest_floor = floor_s, largest = slug;
    const double lag = (finished.count(slug) ? finished[slug] : wall) - floor_s;
    if (lag > worst_lag) worst_lag = lag, worst = slug;
  }
  const long sent = std::stol(*db::sql::value(conn, "SELECT count(*) FROM paxstats.deliveries WHERE status = 'sent'"));
  const long not_sent = std::stol(
      *db::sql::value(conn, "SELECT count(*) FROM paxstats.deliveries WHERE status NOT IN ('sent', 'skipped')"));
  std::printf("window %d ms (Slack's minute scaled %.0f×); serve --workers %d --senders %d\n", window_ms,
              60000.0 / window_ms, workers, senders);
  std::printf("nation's month: %.1f s for %d regions (%d failed); largest floor %.1f s (%s, %d PAX): ratio %.3f\n",
              wall, regions, failed, largest_floor, largest.c_str(), db::region_size(conn, largest),
              largest_floor > 0 ? wall / largest_floor : 0);
  std::printf("sum of all floors %.1f s (%.1f× the wall time: regions at once on average)\n", sum_floors,
              sum_floors / wall);
  std::printf("serve: peak RSS %ld MB, CPU %.1f s (%.0f%% of one core over the month), threads at most %ld\n", rss, cpu,
              100 * cpu / wall, most_threads);
  std::printf("slowest region behind its own floor: %s, %.1f s after t0 + its floor\n", worst.c_str(), worst_lag);
  std::printf(
      "fake's record: %ld files shared, %ld deliveries sent, duplicates %ld, completed twice %ld, not sent %ld, "
      "losses %ld; 429s %ld\n",
      completed, sent, duplicates, completed_twice, not_sent, sent - (completed - duplicates), throttled);
  return failed == 0 && duplicates == 0 && not_sent == 0 && sent == completed ? 0 : 1;
}
