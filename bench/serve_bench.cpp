// paxstats serve under load, over real HTTP with signed requests:
//  0. with --slow N (default 1,000) slow or idle connections held open (half never send a byte,
//     half send part of a request's headers and stop): /healthz and a signed slash command,
//     one after another, latency p50/p99/max (goal: within 100 ms);
//  1. 200 concurrent /paxstats me slash commands (the slow connections still open): every one
//     acked, ack latency p50/p99/max (goal p99 ≤ 300 ms; Slack's limit is 3 s);
//  2. message events at a sustained rate (default 1,000/s for 5 s), each a backblast with known
//     PAX: ack latency, and how soon every beatdown is derived; then the numbers checked.
//
//   DATABASE_URL=… build/bench/serve_bench [--commands 200] [--rate 1000] [--seconds 5]
//   bench/serve_bench.sh  (starts a throwaway private cluster and runs this)
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "paxstats/slack/signature.hpp"
#include "service.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
const char* kSecret = "bench-signing-secret";

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void summary(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))]; };
  std::printf("%s: n=%zu p50=%.1f ms p99=%.1f ms max=%.1f ms\n", what, v.size(), at(0.50), at(0.99),
              v.empty() ? 0 : v.back());
}

httplib::Headers signed_headers(const std::string& body) {
  const std::string ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  return {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", slack::compute_signature(kSecret, ts, body)}};
}
}  // namespace

int main(int argc, char** argv) {
  int commands = 200, rate = 1000, seconds = 5, workers = 2, senders = 64;
  std::string work = "/tmp/paxstats-serve-bench";
  CLI::App app{"paxstats serve under load: concurrent slash commands, then a sustained stream of message events"};
  app.add_option("--commands", commands);
  app.add_option("--rate", rate, "Message events per second");
  app.add_option("--seconds", seconds);
  app.add_option("--workers", workers);
  app.add_option("--senders", senders, "Concurrent connections sending events (Slack uses many)");
  app.add_option("--work", work);
  int slow = 1000;
  app.add_option("--slow", slow, "Slow or idle connections held open during phases 0 and 1");
  CLI11_PARSE(app, argc, argv);
  const char* url = std::getenv("DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "set DATABASE_URL (bench/serve_bench.sh does)\n");
    return 2;
  }
  log::set_level(log::Level::error);
  db::Database conn(url);
  db::migrate_all(conn);
  mining::GeneratorOptions g;
  g.pax = 300;
  g.months = 2;
  std::filesystem::remove_all(work);
  const auto gen = mining::generate_workspace(g, work);
  const json truth = json::parse(std::ifstream(std::filesystem::path(work) / "truth.json"));
  const std::string team = truth["region"]["team_id"];
  db::sql::query(conn, "DROP SCHEMA IF EXISTS bench CASCADE");
  db::sql::query(conn, "DELETE FROM paxstats.regions WHERE slug = 'bench'");
  db::sql::query(conn, "DELETE FROM paxstats.jobs");
  db::add_region(conn, "bench", "F3 Bench", "America/Chicago");
  mining::import_export(conn, "bench", work);
  db::set_region(conn, "bench", {{"team_id", team}, {"token_env", "PAXSTATS_TOKEN_BENCH"}});
  std::vector<std::string> users, aos;
  for (const auto& b : truth["beatdowns"]) {
    if (b["q"].contains("user_id")) users.push_back(b["q"]["user_id"]);
    aos.push_back(b["ao"]);
  }
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  std::sort(aos.begin(), aos.end());
  aos.erase(std::unique(aos.begin(), aos.end()), aos.end());
  std::printf("region: %ld messages, %zu users who Q, %zu AOs\n", gen.messages, users.size(), aos.size());

  slack::fake::FakeSlack::Options fo;
  fo.window = std::chrono::milliseconds(1000);  // the stats DMs drain in seconds, not minutes
  slack::fake::FakeSlack fake(fo);
  fake.load_export(work);
  fake.start();
  ::setenv("PAXSTATS_TOKEN_BENCH", fo.token.c_str(), 1);
  serve::Options so;
  so.database_url = url;
  so.port = 0;
  so.signing_secret = kSecret;
  so.slack_base_url = fake.base_url();
  so.slack_window = fo.window;
  so.scheduler = false;
  so.workers = workers;
  so.worker_idle = std::chrono::milliseconds(20);
  serve::Service service(so);
  service.start();
  const int port = service.port();

  // 0. Slow and idle clients.
  std::vector<int> slow_fds;
  {
    for (int i = 0; i < slow; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        std::printf("could open only %d slow connections (ulimit -n?)\n", i);
        if (fd >= 0) ::close(fd);
        break;
      }
      if (i % 2) {
        const std::string part = "POST /slack/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Signature: v0=";
        (void)::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
      }
      slow_fds.push_back(fd);
    }
    std::vector<double> health, cmd;
    httplib::Client c("127.0.0.1", port);
    for (int i = 0; i < 100; ++i) {
      auto t0 = Clock::now();
      auto r = c.Get("/healthz");
      health.push_back(r && r->status == 200 ? ms(Clock::now() - t0) : 1e9);
      const std::string body =
          "command=%2Fpaxstats&text=help&team_id=" + team + "&user_id=" + users.front() + "&channel_id=" + aos.front();
      t0 = Clock::now();
      r = c.Post("/slack/commands", signed_headers(body), body, "application/x-www-form-urlencoded");
      cmd.push_back(r && r->status == 200 ? ms(Clock::now() - t0) : 1e9);
    }
    std::printf("with %zu slow or idle connections open:\n", slow_fds.size());
    summary("  /healthz", health);
    summary("  signed /paxstats help", cmd);
  }

  // 1. Concurrent slash commands.
  {
    std::vector<double> lat(static_cast<size_t>(commands));
    std::atomic<int> ok{0};
    std::barrier start(commands);
    std::vector<std::thread> threads;
    for (int i = 0; i < commands; ++i)
      threads.emplace_back([&, i] {
        httplib::Client c("127.0.0.1", port);
        const std::string body = "command=%2Fpaxstats&text=me&team_id=" + team +
                                 "&user_id=" + users[static_cast<size_t>(i) % users.size()] +
                                 "&channel_id=" + aos.front();
        start.arrive_and_wait();
        const auto t0 = Clock::now();
        auto r = c.Post("/slack/commands", signed_headers(body), body, "application/x-www-form-urlencoded");
        lat[static_cast<size_t>(i)] = ms(Clock::now() - t0);
        if (r && r->status == 200) ++ok;
      });
    for (auto& t : threads) t.join();
    std::printf("slash commands (%zu slow connections open): %d of %d acked 200\n", slow_fds.size(), ok.load(),
                commands);
    for (int fd : slow_fds) ::close(fd);
    summary("  ack latency", lat);
    const auto t0 = Clock::now();
    while (db::sql::value(
               conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'stats' AND status IN ('queued', 'running')") !=
           "0")
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int files = 0;
    for (const auto& f : fake.files()) files += f.completed;
    std::printf(
        "  their charts: %d DMs with a file, all sent %.1f s after the last ack (Slack budgets at a 1 s window)\n",
        files, ms(Clock::now() - t0) / 1000);
  }

  // 1b. Concurrent button presses (the feedback DM's "Stop paxstats DMs"): acked at once, each
  // done once by a worker (then pressed again by everyone: a replay, which queues nothing).
  {
    std::vector<double> lat(static_cast<size_t>(commands));
    std::atomic<int> ok{0};
    std::barrier start(commands);
    std::vector<std::thread> threads;
    auto press_body = [&](int i) {
      const json payload = {{"type", "block_actions"},
                            {"team", {{"id", team}}},
                            {"user", {{"id", users[static_cast<size_t>(i) % users.size()]}}},
                            {"actions",
                             {{{"type", "button"},
                               {"action_id", "opt_out"},
                               {"value", "opt_out"},
                               {"action_ts", "1800000000." + std::to_string(100000 + i)}}}}};
      return "payload=" + httplib::detail::encode_query_param(payload.dump());
    };
    for (int i = 0; i < commands; ++i)
      threads.emplace_back([&, i] {
        httplib::Client c("127.0.0.1", port);
        const std::string body = press_body(i);
        start.arrive_and_wait();
        const auto t0 = Clock::now();
        auto r = c.Post("/slack/interactions", signed_headers(body), body, "application/x-www-form-urlencoded");
        lat[static_cast<size_t>(i)] = ms(Clock::now() - t0);
        if (r && r->status == 200) ++ok;
      });
    for (auto& t : threads) t.join();
    std::printf("button presses: %d of %d acked 200\n", ok.load(), commands);
    summary("  ack latency", lat);
    const auto t0 = Clock::now();
    while (db::sql::value(conn,
                          "SELECT count(*) FROM paxstats.jobs WHERE kind = 'interaction' AND status IN ('queued', "
                          "'running')") != "0")
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const double drained = ms(Clock::now() - t0) / 1000;
    httplib::Client c("127.0.0.1", port);
    for (int i = 0; i < commands; ++i) {
      const std::string body = press_body(i);
      c.Post("/slack/interactions", signed_headers(body), body, "application/x-www-form-urlencoded");
    }
    std::printf(
        "  all done %.1f s after the last ack; %s jobs, %s actions logged after everyone pressed again\n", drained,
        db::sql::value(conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'interaction'").value_or("?").c_str(),
        db::sql::value(conn, "SELECT count(*) FROM paxstats.web_actions WHERE via = 'slack'").value_or("?").c_str());
  }

  // 2. A sustained stream of backblast events.
  {
    const int total = rate * seconds;
    std::vector<double> lat(static_cast<size_t>(total));
    std::atomic<int> next{0}, ok{0};
    long expected_posts = 0;
    std::vector<std::string> bodies(static_cast<size_t>(total));
    for (int i = 0; i < total; ++i) {
      const std::string q = users[static_cast<size_t>(i) % users.size()];
      std::string pax = "<@" + q + ">";
      const int n = 3 + i % 6;
      for (int k = 1; k < n; ++k) pax += " <@" + users[static_cast<size_t>(i * 7 + k * 13) % users.size()] + ">";
      std::set<std::string> distinct;
      for (int k = 0; k < n; ++k)
        distinct.insert(k == 0 ? q : users[static_cast<size_t>(i * 7 + k * 13) % users.size()]);
      expected_posts += static_cast<long>(distinct.size());
      const std::string ao = aos[static_cast<size_t>(i) % aos.size()];
      char ts[32];
      std::snprintf(ts, sizeof ts, "1794%06d.000100", i);
      const json ev{{"type", "message"},
                    {"channel", ao},
                    {"user", q},
                    {"ts", ts},
                    {"channel_type", "channel"},
                    {"text", "Backblast: Bench " + std::to_string(i) + "\nDate: 2026-11-" +
                                 std::to_string(10 + i % 15) + "\nAO: <#" + ao + ">\nQ: <@" + q + ">\nPAX: " + pax +
                                 "\nCount: " + std::to_string(distinct.size())}};
      bodies[static_cast<size_t>(i)] = json{
          {"type", "event_callback"},
          {"team_id", team},
          {"event_id", "EvB" + std::to_string(i)},
          {"event", ev}}.dump();
    }
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s)
      threads.emplace_back([&] {
        httplib::Client c("127.0.0.1", port);
        c.set_keep_alive(true);
        for (int i; (i = next++) < total;) {
          // Paced: event i leaves at i / rate seconds.
          std::this_thread::sleep_until(t0 + std::chrono::microseconds(static_cast<long>(i) * 1000000 / rate));
          const auto& body = bodies[static_cast<size_t>(i)];
          const auto a = Clock::now();
          auto r = c.Post("/slack/events", signed_headers(body), body, "application/json");
          lat[static_cast<size_t>(i)] = ms(Clock::now() - a);
          if (r && r->status == 200) ++ok;
        }
      });
    for (auto& t : threads) t.join();
    const double send_s = ms(Clock::now() - t0) / 1000;
    std::printf("message events: %d of %d acked 200, sent in %.2f s (%.0f/s)\n", ok.load(), total, send_s,
                total / send_s);
    summary("  ack latency", lat);
    std::string derived;
    while (
        (derived = db::sql::value(conn, "SELECT count(*) FROM bench.beatdowns WHERE ts LIKE '1794%'").value_or("0")) !=
            std::to_string(total) &&
        ms(Clock::now() - t0) < 120000)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double all_s = ms(Clock::now() - t0) / 1000;
    const auto posts =
        db::sql::value(conn, "SELECT count(*) FROM bench.attendance WHERE ts LIKE '1794%'").value_or("0");
    std::printf(
        "  every beatdown derived %.2f s after the first event (%.0f events/s end to end); lag after the last "
        "send %.2f s\n",
        all_s, total / all_s, all_s - send_s);
    std::printf("  derived: %s of %d beatdowns, %s of %ld attendance rows — %s\n", derived.c_str(), total,
                posts.c_str(), expected_posts,
                derived == std::to_string(total) && posts == std::to_string(expected_posts) ? "correct" : "WRONG");
  }
  service.stop();
  return 0;
}
