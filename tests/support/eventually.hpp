#pragma once
// Waiting in a test for something another thread or process makes true.
#include <chrono>
#include <cstdlib>
#include <thread>

namespace paxstats::test {

// How much longer waits may take: PAXSTATS_TEST_WAIT_SCALE (a whole number, default 1). The
// sanitizer builds set it (tests/CMakeLists.txt): under TSan everything runs 5-15× slower.
// A limit is only how long to wait before calling it a failure, never a duration asserted.
inline int wait_scale() {
  static const int scale = [] {
    const char* s = std::getenv("PAXSTATS_TEST_WAIT_SCALE");
    const int n = s ? std::atoi(s) : 1;
    return n >= 1 && n <= 100 ? n : 1;
  }();
  return scale;
}

// Polls f every 20 ms until it is true or `limit` (× wait_scale()) has passed; returns its
// last answer.
template <class F>
bool eventually(F f, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + limit * wait_scale();
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return f();
}

}  // namespace paxstats::test
