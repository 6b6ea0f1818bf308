#pragma once
// Internal to reports/: reads run on connections of their own, a few at a time, so the
// independent queries of a community run use every core of the server instead of one (each
// query scans a period of the raw messages; one after another they took twice as long). A read
// is handed in early and its rows taken when a chart needs them.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::reports::detail {

class ReadLanes {
 public:
  // lanes connections of its own, opened by the first read each one takes.
  ReadLanes(const db::Database& db, unsigned lanes) : db_(db) {
    for (unsigned i = 0; i < lanes; ++i) threads_.emplace_back([this] { work(); });
  }
  // Reads not yet begun are dropped (nobody waits for them); one under way is waited for.
  ~ReadLanes() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      queue_.clear();
    }
    cv_.notify_all();
  }
  ReadLanes(const ReadLanes&) = delete;
  ReadLanes& operator=(const ReadLanes&) = delete;

  // Runs read on a lane's connection, in the order handed in; its error, if any, comes out of get().
  template <class T>
  std::shared_future<T> submit(std::function<T(db::Database&)> read) {
    auto task = std::make_shared<std::packaged_task<T(db::Database*, std::exception_ptr)>>(
        [read = std::move(read)](db::Database* conn, std::exception_ptr failed) {
          if (failed) std::rethrow_exception(failed);
          return read(*conn);
        });
    std::shared_future<T> result = task->get_future().share();
    {
      std::lock_guard lock(mu_);
      queue_.push_back([task](db::Database* conn, std::exception_ptr failed) { (*task)(conn, failed); });
    }
    cv_.notify_one();
    return result;
  }

 private:
  void work() {
    std::optional<db::Database> conn;
    std::exception_ptr failed;
    for (;;) {
      std::function<void(db::Database*, std::exception_ptr)> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      if (!conn && !failed) {
        try {
          conn.emplace(db_.sibling());
        } catch (...) {
          failed = std::current_exception();
        }
      }
      job(conn ? &*conn : nullptr, failed);
    }
  }

  const db::Database& db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void(db::Database*, std::exception_ptr)>> queue_;
  bool stop_ = false;
  std::vector<std::jthread> threads_;  // last: joined first, before the queue they read goes
};

}  // namespace paxstats::reports::detail
