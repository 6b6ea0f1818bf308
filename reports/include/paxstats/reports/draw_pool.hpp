#pragma once
// Drawing charts is the CPU work of a delivery run; everything else waits on Slack or PostgreSQL.
// When a nation's runs send at once, their charts are drawn on a few threads of their own (as many
// as there are cores), the run with the most messages left first: the largest region (the
// nation's critical path, paced by its Slack budgets) never queues behind a hundred small regions'
// charts, the small ones draw in the gaps its pace leaves, and only these threads hold what
// drawing keeps per thread (a Pango font map, an image surface: megabytes each), not every sender.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace paxstats::reports {

class DrawPool {
 public:
  explicit DrawPool(int threads);
  ~DrawPool();  // draws what is queued, then joins
  DrawPool(const DrawPool&) = delete;
  DrawPool& operator=(const DrawPool&) = delete;

  // Runs draw() on one of the pool's threads and returns what it returns (or throws what it
  // throws). Among those queued, the highest priority goes first (a run's messages left to send),
  // then the one that came first.
  std::string draw(long priority, const std::function<std::string()>& draw);

  size_t queued();  // how many wait for a thread now
  size_t drawn();   // how many it has drawn

 private:
  struct Task {
    const std::function<std::string()>* draw;
    std::string out;
    std::exception_ptr failure;
    bool done = false;
  };
  void run();

  std::mutex mu_;
  std::condition_variable work_, finished_;
  bool stopping_ = false;
  std::uint64_t next_ = 0;
  size_t drawn_ = 0;
  std::map<std::pair<long, std::uint64_t>, Task*> queue_;  // (-priority, arrival): begin() goes next
  std::vector<std::jthread> threads_;                      // last: started once the above exist
};

}  // namespace paxstats::reports
