#include "paxstats/slack/clock.hpp"

#include <thread>

namespace paxstats::slack {

void SystemClock::sleep_until(SteadyTime t) { std::this_thread::sleep_until(t); }

void StoppableClock::sleep_until(SteadyTime t) {
  std::unique_lock lock(mu_);
  if (cv_.wait_until(lock, t, [&] { return stopped_; })) throw Stopped();
}

void StoppableClock::stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

SteadyTime ManualClock::now() {
  std::lock_guard lock(mu_);
  return now_;
}

void ManualClock::sleep_until(SteadyTime t) {
  std::lock_guard lock(mu_);
  if (t > now_) {
    sleeps_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(t - now_));
    now_ = t;
  }
}

void ManualClock::advance(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  now_ += d;
}

std::chrono::milliseconds ManualClock::total_slept() const {
  std::lock_guard lock(mu_);
  std::chrono::milliseconds total{0};
  for (auto s : sleeps_) total += s;
  return total;
}

std::vector<std::chrono::milliseconds> ManualClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

}  // namespace paxstats::slack
