// 1,000 DM uploads (conversations.open + the 3-step upload) against the fake Slack enforcing
// Slack's published tier budgets; prints the total time against the floor those budgets allow,
// failures and duplicates.
//
//   build/bench/slack_upload_bench [--dms 1000] [--window-ms 60000] [--threads 1] [--bytes 30000]
//
// --window-ms 60000 is Slack's real per-minute window (a ~20-minute run for 1,000 DMs);
// a smaller window scales every budget in time, for a quick run with the same shape.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "paxstats/log.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"

using namespace paxstats;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int dms = 1000, window_ms = 60000, threads = 1, bytes = 30000;
  CLI::App app{"DM uploads against the fake Slack with Slack's tier budgets"};
  app.add_option("--dms", dms);
  app.add_option("--window-ms", window_ms);
  app.add_option("--threads", threads);
  app.add_option("--bytes", bytes);
  CLI11_PARSE(app, argc, argv);
  log::set_level(log::Level::warn);

  slack::fake::FakeSlack::Options o;
  o.window = std::chrono::milliseconds(window_ms);
  slack::fake::FakeSlack fake(o);
  for (int i = 0; i < dms; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "U%09d", i);
    fake.add_user({id, "pax" + std::to_string(i), "Pax", "Pax"});
  }
  fake.start();

  auto limiter =
      std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), std::chrono::milliseconds(window_ms));
  const std::string png(static_cast<size_t>(bytes), 'x');
  std::atomic<int> next{0}, failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      slack::Client client({.token = o.token, .base_url = fake.base_url(), .limiter = limiter});
      for (int i; (i = next++) < dms;) {
        char id[16];
        std::snprintf(id, sizeof id, "U%09d", i);
        try {
          const std::string dm = client.open_dm(id);
          auto r = client.upload({.filename = "pax_monthly.png",
                                  .bytes = png,
                                  .title = "Your October",
                                  .alt_txt = "Your posts by month and AO",
                                  .channel_id = dm,
                                  .initial_comment = "Here is your monthly posting summary."});
          if (!r.ok) ++failures;
        } catch (const std::exception& e) {
          ++failures;
          std::fprintf(stderr, "%s: %s\n", id, e.what());
        }
      }
    });
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // The floor: each method may burst its budget, then runs at budget per window. The slowest
  // method (conversations.open, Tier 3: 50 a minute) sets it.
  auto floor_for = [&](int calls, int budget) { return std::max(0, calls - budget) * (window_ms / 1000.0) / budget; };
  const double floor_s = std::max({floor_for(dms, 50), floor_for(dms, 100), floor_for(dms, 100)});
  std::map<std::string, int> per_channel;
  int completed = 0, repeated_completes = 0;
  for (const auto& f : fake.files()) {
    if (f.completed) {
      ++completed;
      ++per_channel[f.channel_id];
    }
    if (f.complete_calls > 1) ++repeated_completes;
  }
  int duplicates = 0;
  for (const auto& [ch, n] : per_channel) duplicates += n - 1;
  int throttled = 0;
  for (const auto& r : fake.requests()) throttled += r.http_status == 429;
  std::printf("dm_uploads=%d threads=%d window_ms=%d bytes=%d\n", dms, threads, window_ms, bytes);
  std::printf("total_s=%.2f floor_s=%.2f ratio=%.3f (goal <= 1.1)\n", seconds, floor_s,
              floor_s > 0 ? seconds / floor_s : 0.0);
  std::printf("delivered=%d failures=%d duplicates=%d repeated_completes=%d http_429=%d client_throttled=%ld\n",
              completed, failures.load(), duplicates, repeated_completes, throttled, limiter->throttled());
  return failures == 0 && duplicates == 0 && completed == dms ? 0 : 1;
}
