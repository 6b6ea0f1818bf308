#pragma once
// Region-wide rows of a version of a region's posts cache, kept by whoever owns the memo (the
// dashboard: one for its process, shared by its connections) and handed to the cache's reader
// (dashboard::PostsCache). A dashboard's AO and PAX pages each ask for the same region-wide rows
// (every person's name for the chart labels, every AO's figures, every AO's months); while
// nothing the posts view reads has changed, those rows are the same, and asking PostgreSQL
// again cost an AO page a quarter of a second.
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeinfo>

namespace paxstats::db {

class RowMemo {
 public:
  // `make()`'s result for `key` at `version` of the region's posts cache, computed once: the
  // first asker runs the query, and whoever asks meanwhile waits for its rows rather than
  // running it too (sixteen AO pages at once would otherwise each ask). A region's older
  // versions go when a newer one arrives.
  template <class T>
  std::shared_ptr<const T> get(std::string_view region, std::string_view version, const std::string& key,
                               const std::function<T()>& make) {
    const std::string prefix = std::string(region) + '\x1f', current = prefix + std::string(version) + '\x1f';
    const std::string full = current + typeid(T).name() + '\x1f' + key;
    std::promise<std::shared_ptr<const void>> mine;
    {
      std::unique_lock lock(mu_);
      if (const auto it = rows_.find(full); it != rows_.end()) {
        auto rows = it->second;
        lock.unlock();
        return std::static_pointer_cast<const T>(rows.get());
      }
      // The whole memo is small (a few entries per region and period), capped all the same.
      for (auto it = rows_.lower_bound(prefix); it != rows_.end() && it->first.starts_with(prefix);)
        it = it->first.starts_with(current) ? std::next(it) : rows_.erase(it);
      if (rows_.size() > 512) rows_.clear();
      rows_.emplace(full, mine.get_future().share());
    }
    try {
      auto made = std::make_shared<const T>(make());
      mine.set_value(made);
      return made;
    } catch (...) {
      // The waiters see the same error; the next asker tries again.
      mine.set_exception(std::current_exception());
      std::lock_guard lock(mu_);
      rows_.erase(full);
      throw;
    }
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_future<std::shared_ptr<const void>>> rows_;
};

}  // namespace paxstats::db
