#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace paxstats::slack {

using SteadyTime = std::chrono::steady_clock::time_point;

// Time as the rate limiter and retry loops see it. Injected so tests never really sleep.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() = 0;
  virtual void sleep_until(SteadyTime t) = 0;
  void sleep_for(std::chrono::milliseconds d) { sleep_until(now() + d); }
};

// The real steady clock.
class SystemClock final : public Clock {
 public:
  SteadyTime now() override { return std::chrono::steady_clock::now(); }
  void sleep_until(SteadyTime t) override;
  static SystemClock& instance();
};

// Thrown by a StoppableClock's sleep once it is stopped: whoever waited on Slack's pacing gives up
// (the service is stopping; the work is put back and done again at the next start).
struct Stopped : std::runtime_error {
  Stopped() : std::runtime_error("paxstats is stopping") {}
};

// The real steady clock, whose sleeps end at once, with Stopped, when stop() is called: the
// service's, so a job waiting out a rate limit (a minute, for a non-Marketplace app's history)
// does not hold its stop.
class StoppableClock final : public Clock {
 public:
  SteadyTime now() override { return std::chrono::steady_clock::now(); }
  void sleep_until(SteadyTime t) override;
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

// A clock that moves only when someone sleeps on it: sleeping jumps time forward at once and
// is recorded. Thread-safe.
class ManualClock final : public Clock {
 public:
  SteadyTime now() override;
  void sleep_until(SteadyTime t) override;
  void advance(std::chrono::milliseconds d);
  std::chrono::milliseconds total_slept() const;
  std::vector<std::chrono::milliseconds> sleeps() const;

 private:
  mutable std::mutex mu_;
  SteadyTime now_{std::chrono::hours(1000)};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace paxstats::slack
