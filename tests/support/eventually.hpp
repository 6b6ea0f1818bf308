#pragma once
// Waiting in a test for something another thread or process makes true.
#include <chrono>
#include <thread>

namespace paxstats::test {

// Polls f every 20 ms until it is true or `limit` has passed; returns its last answer.
template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
}

}  // namespace paxstats::test
