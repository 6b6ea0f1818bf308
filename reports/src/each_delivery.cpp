#include "each_delivery.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "paxstats/error.hpp"

namespace paxstats::reports::detail {

void each_delivery(const MonthlyPlan& plan, std::string_view phase, const Progress& progress,
                   const std::function<void(size_t)>& work) {
  const size_t total = plan.deliveries.size();
  std::atomic<size_t> next{0};
  size_t done = 0;
  std::string failure;
  std::mutex mu;
  auto worker = [&] {
    for (size_t i; (i = next++) < total;) {
      try {
        work(i);
      } catch (const std::exception& e) {
        const auto& d = plan.deliveries[i];
        std::lock_guard lock(mu);
        if (failure.empty()) failure = "cannot draw " + d.file + " (" + d.report + "): " + e.what();
      }
      std::lock_guard lock(mu);
      ++done;
      if (progress) progress(phase, done, total);
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(worker);
  }
  if (!failure.empty()) throw UserError(failure);
}

}  // namespace paxstats::reports::detail
