#include "paxstats/reports/draw_pool.hpp"

#include <algorithm>

namespace paxstats::reports {

DrawPool::DrawPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

DrawPool::~DrawPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  threads_.clear();  // joined, once the queue is empty
}

std::string DrawPool::draw(long priority, const std::function<std::string()>& draw) {
  Task task{&draw, {}, nullptr};
  std::unique_lock lock(mu_);
  queue_.emplace(std::pair(-priority, next_++), &task);
  work_.notify_one();
  finished_.wait(lock, [&] { return task.done; });
  if (task.failure) std::rethrow_exception(task.failure);
  return std::move(task.out);
}

size_t DrawPool::drawn() {
  std::lock_guard lock(mu_);
  return drawn_;
}

size_t DrawPool::queued() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void DrawPool::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to draw
    Task* task = queue_.begin()->second;
    queue_.erase(queue_.begin());
    lock.unlock();
    try {
      task->out = (*task->draw)();
    } catch (...) {
      task->failure = std::current_exception();
    }
    lock.lock();
    task->done = true;
    ++drawn_;
    finished_.notify_all();
  }
}

}  // namespace paxstats::reports
