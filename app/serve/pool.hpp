#pragma once
// Internal to serve/: the database connections the HTTP threads share, and which region a
// workspace is.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::serve {

// At most `capacity` connections, opened when first needed and kept. A request that finds them
// all busy waits for one to come back: opening a connection per request under a burst (a
// backend fork each) cost more than the wait.
class Pool {
 public:
  explicit Pool(std::string url, size_t capacity = 24) : url_(std::move(url)), capacity_(capacity) {}
  struct Lease {
    Pool* pool;
    std::unique_ptr<db::Database> db;
    Lease(Pool* p, std::unique_ptr<db::Database> d) : pool(p), db(std::move(d)) {}
    Lease(Lease&& other) noexcept : pool(other.pool), db(std::move(other.db)) {}
    Lease(const Lease&) = delete;
    ~Lease() { pool->put(std::move(db)); }
    db::Database& operator*() { return *db; }
  };
  // Opens connections ahead of the first burst (Slack retries a command not acked in 3 s).
  void warm(size_t n);
  Lease get();

 private:
  // A connection back (nullptr: one that failed, or was given up): its slot is free again.
  void put(std::unique_ptr<db::Database> db);
  std::string url_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable returned_;
  size_t open_ = 0;  // connections out or free
  std::vector<std::unique_ptr<db::Database>> free_;
};

// Which region a workspace is, remembered for a few seconds: every event and command asks, and a
// burst of them asked the database the same question hundreds of times. A `region set team_id`
// or `active=false` takes effect within kFor.
class TeamRegions {
 public:
  std::optional<std::string> get(db::Database& db, const std::string& team);
  void forget();  // a region was installed: ask the database again

 private:
  static constexpr std::chrono::seconds kFor{5};
  std::mutex mu_;
  std::map<std::string, std::pair<std::optional<std::string>, std::chrono::steady_clock::time_point>> known_;
};

}  // namespace paxstats::serve
