// The draw pool: charts drawn on its own threads, the run with the most left first, then first come.
#include "paxstats/reports/draw_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace paxstats::reports {
namespace {

template <class F>
void until(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(done());
}

TEST(DrawPool, TheRunWithTheMostLeftDrawsFirstThenWhoCameFirst) {
  DrawPool pool(1);
  std::promise<void> go;
  std::atomic<bool> started{false};
  std::jthread first([&, ready = go.get_future().share()] {
    pool.draw(0, [&] {
      started = true;
      ready.wait();  // the pool's one thread is busy until the others are in line
      return std::string("first");
    });
  });
  until([&] { return started.load(); });  // the first is being drawn
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::jthread> runs;
  // Priorities as they arrive: 1, 500 (the big region), 3, 500 again (later), 2.
  const std::vector<long> priorities{1, 500, 3, 500, 2};
  for (size_t i = 0; i < priorities.size(); ++i) {
    runs.emplace_back([&, i] {
      const auto got = pool.draw(priorities[i], [&] {
        std::lock_guard lock(mu);
        order.push_back(static_cast<int>(i));
        return std::to_string(i);
      });
      EXPECT_EQ(got, std::to_string(i));
    });
    until([&] { return pool.queued() == i + 1; });  // in line before the next comes
  }
  go.set_value();
  runs.clear();  // joined
  EXPECT_EQ(order, (std::vector<int>{1, 3, 2, 4, 0}));
}

TEST(DrawPool, DrawsOnItsOwnThreadsAndHandsBackWhatADrawThrows) {
  DrawPool pool(2);
  std::mutex mu;
  std::vector<std::thread::id> drew;
  std::vector<std::jthread> callers;
  for (int i = 0; i < 8; ++i)
    callers.emplace_back([&] {
      pool.draw(1, [&] {
        std::lock_guard lock(mu);
        drew.push_back(std::this_thread::get_id());
        return std::string();
      });
    });
  callers.clear();
  std::sort(drew.begin(), drew.end());
  drew.erase(std::unique(drew.begin(), drew.end()), drew.end());
  EXPECT_LE(drew.size(), 2u) << "drawn on the callers' threads, not the pool's";
  EXPECT_EQ(std::count(drew.begin(), drew.end(), std::this_thread::get_id()), 0);
  EXPECT_THROW(pool.draw(1, []() -> std::string { throw std::invalid_argument("no chart"); }), std::invalid_argument);
  EXPECT_EQ(pool.draw(1, [] { return std::string("still drawing"); }), "still drawing");
}

}  // namespace
}  // namespace paxstats::reports
