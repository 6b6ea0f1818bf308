#include "pool.hpp"

#include "paxstats/db/regions.hpp"

namespace paxstats::serve {

void Pool::warm(size_t n) {
  for (size_t k = 0; k < n; ++k) {
    auto db = std::make_unique<db::Database>(url_);
    std::lock_guard lock(mu_);
    if (open_ >= capacity_) return;
    ++open_;
    free_.push_back(std::move(db));
  }
}

Pool::Lease Pool::get() {
  std::unique_lock lock(mu_);
  returned_.wait(lock, [&] { return !free_.empty() || open_ < capacity_; });
  if (!free_.empty()) {
    auto db = std::move(free_.back());
    free_.pop_back();
    return Lease{this, std::move(db)};
  }
  ++open_;  // a slot of our own: connect outside the lock
  lock.unlock();
  try {
    return Lease{this, std::make_unique<db::Database>(url_)};
  } catch (...) {
    put(nullptr);
    throw;
  }
}

void Pool::put(std::unique_ptr<db::Database> db) {
  if (db && !db->is_open()) db.reset();  // broken while out (the server went away): a new one next time
  {
    std::lock_guard lock(mu_);
    if (db)
      free_.push_back(std::move(db));
    else
      --open_;
  }
  returned_.notify_one();
}

std::optional<std::string> TeamRegions::get(db::Database& db, const std::string& team) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (auto it = known_.find(team); it != known_.end() && it->second.second > now) return it->second.first;
  }
  auto slug = db::region_of_team(db, team);
  std::lock_guard lock(mu_);
  if (known_.size() > 1000) known_.clear();  // bounded: teams are few; junk team ids are not kept long
  known_[team] = {slug, now + kFor};
  return slug;
}

void TeamRegions::forget() {
  std::lock_guard lock(mu_);
  known_.clear();
}

}  // namespace paxstats::serve
