#include "paxstats/slack/rate_limiter.hpp"

#include <algorithm>
#include <unordered_map>

namespace paxstats::slack {

int method_tier(std::string_view method) {
  // Slack's published tiers (docs.slack.dev, 2026) for the methods paxstats calls.
  static const std::unordered_map<std::string_view, int> tiers = {
      {"users.list", 2},
      {"conversations.list", 2},
      {"files.upload", 2},
      {"conversations.history", 3},
      {"conversations.replies", 3},
      {"conversations.info", 3},
      {"conversations.join", 3},
      {"conversations.open", 3},
      {"apps.connections.open", 3},
      {"auth.test", 4},
      {"chat.postEphemeral", 4},
      {"chat.getPermalink", 4},
      {"files.info", 4},
      {"files.getUploadURLExternal", 4},
      {"files.completeUploadExternal", 4},
      {"chat.postMessage", 0},
  };
  auto it = tiers.find(method);
  return it == tiers.end() ? 3 : it->second;
}

int tier_requests_per_minute(int tier) {
  switch (tier) {
    case 1: return 1;
    case 2: return 20;
    case 3: return 50;
    case 4: return 100;
    default: return 60;  // special: chat.postMessage, one per second per channel
  }
}

RateLimiter::RateLimiter(Clock& clock, std::chrono::milliseconds minute) : clock_(clock), minute_(minute) {}

void RateLimiter::set_rate(const std::string& method, Rate rate) {
  std::lock_guard lock(mu_);
  overrides_[method] = rate;
}

Rate RateLimiter::rate_for(std::string_view method) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = overrides_.find(method); it != overrides_.end()) return it->second;
  }
  return Rate{tier_requests_per_minute(method_tier(method)), minute_};
}

std::shared_ptr<RateLimiter::Lane> RateLimiter::lane(std::string_view workspace, std::string_view method,
                                                     std::string_view channel) {
  std::string key;
  key.reserve(workspace.size() + method.size() + channel.size() + 2);
  key.append(workspace).append("|").append(method).append("|").append(channel);
  std::lock_guard lock(mu_);
  auto it = lanes_.find(key);
  if (it == lanes_.end()) {
    // At most one sweep a second: when every lane is busy, the sweep frees nothing and is not
    // repeated for each new lane.
    if (lanes_.size() >= kMaxLanes && clock_.now() - last_sweep_ >= std::chrono::seconds(1)) {
      last_sweep_ = clock_.now();
      forget_idle_lanes();
    }
    it = lanes_.emplace(std::move(key), std::make_shared<Lane>()).first;
  }
  return it->second;
}

void RateLimiter::forget_idle_lanes() {
  const auto now = clock_.now();
  for (auto it = lanes_.begin(); it != lanes_.end();) {
    bool idle = it->second.use_count() == 1;  // no lease holds it, nobody waits on it
    if (idle) {
      std::lock_guard state(it->second->state);
      idle = it->second->next_start <= now && it->second->blocked_until <= now;
    }
    it = idle ? lanes_.erase(it) : std::next(it);
  }
}

size_t RateLimiter::lanes() const {
  std::lock_guard lock(mu_);
  return lanes_.size();
}

RateLimiter::Lease RateLimiter::acquire(std::string_view workspace, std::string_view method, std::string_view channel) {
  auto l = lane(workspace, method, channel);
  std::unique_lock serial(l->serial);
  const auto interval = rate_for(method).interval();
  SteadyTime paused{};
  {
    std::lock_guard lock(mu_);
    if (auto it = paused_.find(workspace); it != paused_.end()) paused = it->second;
  }
  SteadyTime start;
  {
    std::lock_guard lock(l->state);
    const auto slot = l->next_start, now = clock_.now();
    start = std::max({now, slot, l->blocked_until, paused});
    // A request that starts late by less than an interval (its thread woke late on a busy machine,
    // its caller was a moment behind) keeps the lane's schedule: the next one may start at its own
    // slot, not an interval after this one, so lateness never adds up and the lane still averages
    // its rate. One that comes after the lane stood idle (or was held back by a Retry-After)
    // starts a new schedule.
    const bool slightly_late =
        start == now && now > slot && now - slot < interval && l->blocked_until <= slot && paused <= slot;
    l->next_start = (slightly_late ? slot : start) + interval;
  }
  clock_.sleep_until(start);
  return Lease(std::move(l), std::move(serial));
}

void RateLimiter::block(std::string_view workspace, std::string_view method, std::string_view channel,
                        std::chrono::milliseconds retry_after) {
  auto l = lane(workspace, method, channel);
  {
    std::lock_guard lock(l->state);
    l->blocked_until = std::max(l->blocked_until, clock_.now() + retry_after);
  }
  std::lock_guard lock(mu_);
  ++throttled_;
}

void RateLimiter::pause_workspace(std::string_view workspace, std::chrono::milliseconds retry_after) {
  std::lock_guard lock(mu_);
  auto& until = paused_[std::string(workspace)];
  until = std::max(until, clock_.now() + retry_after);
  ++throttled_;
}

long RateLimiter::throttled() const {
  std::lock_guard lock(mu_);
  return throttled_;
}

}  // namespace paxstats::slack
