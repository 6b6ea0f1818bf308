#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "paxstats/slack/clock.hpp"

namespace paxstats::slack {

// A request budget: `requests` per `period`, spread evenly (one every period/requests).
struct Rate {
  int requests = 50;
  std::chrono::milliseconds period{60000};
  std::chrono::milliseconds interval() const { return period / std::max(1, requests); }
};

// Slack's published tier of a Web API method (1..4), or 0 for special methods paced per
// channel (chat.postMessage: about one message per second per channel). Unknown methods: 3.
int method_tier(std::string_view method);

// Requests per minute that Slack guarantees for a tier: 1, 20, 50, 100.
int tier_requests_per_minute(int tier);

// Paces requests so paxstats stays within Slack's limits without being told.
// One lane per (workspace, method), and per channel for chat.postMessage. Requests on a lane
// run one at a time, each starting no sooner than `interval` after the previous one and not
// before a Retry-After the lane was given; different lanes run in parallel. Thread-safe; share
// one limiter between every client of a process.
class RateLimiter {
 public:
  // minute: the length of Slack's rate-limit window (tests and benchmarks shrink it).
  explicit RateLimiter(Clock& clock = SystemClock::instance(),
                       std::chrono::milliseconds minute = std::chrono::minutes(1));

  // Overrides the budget of a method (e.g. conversations.history at 1/min for a non-Marketplace app).
  void set_rate(const std::string& method, Rate rate);
  Rate rate_for(std::string_view method) const;

  class Lease;
  // Waits (on the clock) until a request may start on the lane, and holds the lane until the
  // lease dies, so the next request on it waits for this one to finish.
  Lease acquire(std::string_view workspace, std::string_view method, std::string_view channel = {});

  // Slack answered 429: nothing starts on the lane for retry_after from now.
  void block(std::string_view workspace, std::string_view method, std::string_view channel,
             std::chrono::milliseconds retry_after);

  // Slack refused the token itself (ok:false "ratelimited" on any method): nothing starts on any
  // lane of the workspace for retry_after from now.
  void pause_workspace(std::string_view workspace, std::chrono::milliseconds retry_after);

  // Lanes kept at most (one per method and workspace, and per channel for chat.postMessage):
  // past this, idle lanes whose waits are over are forgotten (they hold nothing worth keeping).
  static constexpr size_t kMaxLanes = 4096;
  size_t lanes() const;

  Clock& clock() { return clock_; }
  long throttled() const;  // 429s reported through block()

 private:
  struct Lane {
    std::mutex serial;  // held by the lease for the duration of one request
    std::mutex state;
    SteadyTime next_start{};
    SteadyTime blocked_until{};
  };
  std::shared_ptr<Lane> lane(std::string_view workspace, std::string_view method, std::string_view channel);
  void forget_idle_lanes();  // with mu_ held

  Clock& clock_;
  std::chrono::milliseconds minute_;
  mutable std::mutex mu_;
  std::map<std::string, Rate, std::less<>> overrides_;
  std::map<std::string, std::shared_ptr<Lane>, std::less<>> lanes_;
  std::map<std::string, SteadyTime, std::less<>> paused_;  // workspace → no request before
  SteadyTime last_sweep_{};
  long throttled_ = 0;

 public:
  class Lease {
   public:
    Lease(std::shared_ptr<Lane> lane, std::unique_lock<std::mutex> lock)
        : lane_(std::move(lane)), lock_(std::move(lock)) {}

   private:
    std::shared_ptr<Lane> lane_;  // kept while held: a held lane is never forgotten
    std::unique_lock<std::mutex> lock_;
  };
};

}  // namespace paxstats::slack
