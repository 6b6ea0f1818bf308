#include <gtest/gtest.h>

#include <thread>

#include "paxstats/slack/rate_limiter.hpp"

using namespace paxstats::slack;
using namespace std::chrono_literals;

TEST(RateLimiter, KnowsSlacksTiers) {
  EXPECT_EQ(method_tier("users.list"), 2);
  EXPECT_EQ(method_tier("conversations.open"), 3);
  EXPECT_EQ(method_tier("files.completeUploadExternal"), 4);
  EXPECT_EQ(method_tier("chat.postMessage"), 0);
  EXPECT_EQ(method_tier("some.newMethod"), 3);
  ManualClock clock;
  RateLimiter limiter(clock);
  EXPECT_EQ(limiter.rate_for("conversations.open").interval(), 1200ms);  // 50 a minute
  EXPECT_EQ(limiter.rate_for("files.getUploadURLExternal").interval(), 600ms);
  limiter.set_rate("conversations.history", {1, 60s});  // non-Marketplace apps since 2025
  EXPECT_EQ(limiter.rate_for("conversations.history").interval(), 60s);
}

TEST(RateLimiter, SpacesRequestsOnALane) {
  ManualClock clock;
  RateLimiter limiter(clock);
  const auto start = clock.now();
  for (int i = 0; i < 5; ++i) limiter.acquire("T1", "users.list");  // 20 a minute
  EXPECT_EQ(clock.now() - start, 4 * 3s);
}

// Issue 34: a caller a moment late (a busy machine) does not push the lane's schedule back: over
// a nation's month, 150 ms late at each of 1,263 DM opens was 24% of the biggest region's time.
TEST(RateLimiter, LatenessBelowAnIntervalIsNotCarriedToTheNextRequest) {
  ManualClock clock;
  RateLimiter limiter(clock);
  const auto start = clock.now();
  limiter.acquire("T1", "users.list");  // every 3 s; slot 0
  clock.advance(3500ms);                // the caller comes 0.5 s after its slot (3 s)
  limiter.acquire("T1", "users.list");
  EXPECT_EQ(clock.now() - start, 3500ms);
  limiter.acquire("T1", "users.list");  // its own slot, 6 s: not 6.5 s
  EXPECT_EQ(clock.now() - start, 6s);
  clock.advance(20s);  // idle: a new schedule, never a burst to make up for it
  limiter.acquire("T1", "users.list");
  limiter.acquire("T1", "users.list");
  EXPECT_EQ(clock.now() - start, 29s);
}

TEST(RateLimiter, LanesAreIndependent) {
  ManualClock clock;
  RateLimiter limiter(clock);
  limiter.acquire("T1", "users.list");
  limiter.acquire("T1", "auth.test");   // another method
  limiter.acquire("T2", "users.list");  // another workspace
  limiter.acquire("T1", "chat.postMessage", "C1");
  limiter.acquire("T1", "chat.postMessage", "C2");  // another channel
  EXPECT_EQ(clock.total_slept(), 0ms);
  limiter.acquire("T1", "chat.postMessage", "C1");
  EXPECT_EQ(clock.total_slept(), 1s);  // one per second per channel
}

TEST(RateLimiter, HonoursRetryAfterOnThatLaneOnly) {
  ManualClock clock;
  RateLimiter limiter(clock);
  limiter.block("T1", "conversations.history", "", 30s);
  const auto start = clock.now();
  limiter.acquire("T1", "auth.test");
  EXPECT_EQ(clock.now(), start);
  limiter.acquire("T1", "conversations.history");
  EXPECT_EQ(clock.now() - start, 30s);
  EXPECT_EQ(limiter.throttled(), 1);
}

TEST(RateLimiter, RequestsOnALaneAreSerialAcrossThreads) {
  RateLimiter limiter(SystemClock::instance(), 600ms);  // 50 per 600 ms: 12 ms apart
  std::atomic<int> inside{0}, max_inside{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto lease = limiter.acquire("T1", "conversations.open");
        int now = ++inside;
        max_inside = std::max(max_inside.load(), now);
        std::this_thread::sleep_for(1ms);
        --inside;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(max_inside.load(), 1);
}

TEST(RateLimiter, LanesAreBoundedAndIdleOnesForgotten) {
  ManualClock clock;
  RateLimiter limiter(clock);
  // One lane per chat.postMessage channel: a workspace of many channels does not grow it for ever.
  for (size_t i = 0; i < RateLimiter::kMaxLanes + 500; ++i)
    limiter.acquire("T1", "chat.postMessage", "C" + std::to_string(i));
  clock.advance(2s);  // every lane's wait is over
  limiter.acquire("T1", "chat.postMessage", "Cnew");
  EXPECT_LE(limiter.lanes(), RateLimiter::kMaxLanes);
  // A lane that is still blocked is kept, with its block.
  limiter.block("T1", "users.list", "", 30s);
  for (size_t i = 0; i < RateLimiter::kMaxLanes + 10; ++i)
    limiter.acquire("T1", "chat.postMessage", "D" + std::to_string(i));
  const auto before = clock.now();
  limiter.acquire("T1", "users.list");
  EXPECT_GE(clock.now() - before, 29s);
}

TEST(RateLimiter, ATokenRefusalPausesTheWholeWorkspace) {
  ManualClock clock;
  RateLimiter limiter(clock);
  limiter.pause_workspace("T1", 20s);
  const auto start = clock.now();
  limiter.acquire("T2", "auth.test");  // another workspace: not paused
  EXPECT_EQ(clock.now(), start);
  limiter.acquire("T1", "auth.test");  // every method of T1 waits
  EXPECT_EQ(clock.now() - start, 20s);
  limiter.acquire("T1", "conversations.info");
  EXPECT_EQ(clock.now() - start, 20s);
  EXPECT_EQ(limiter.throttled(), 1);
}
