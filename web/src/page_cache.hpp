#pragma once
// Internal to web/: rendered pages by key (the region's version, settings, date, the viewer's
// rights and the address), least recently used out first past a byte budget. A page is made
// once per key: whoever asks while it is being made waits for it instead of making it too
// (sixteen visitors of a region page just after a new backblast would otherwise each render it).
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "site.hpp"

namespace paxstats::web::detail {

class PageCache {
 public:
  explicit PageCache(size_t budget) : budget_(budget) {}
  // The page kept for `key`, or nullptr.
  std::shared_ptr<const Page> get(const std::string& key);
  // The page kept for `key`, else the one being made for it (waited for), else `make()`'s, kept
  // when its status is 200. `made` (optional) says whether this call made it.
  std::shared_ptr<const Page> get_or_make(const std::string& key, const std::function<Page()>& make,
                                          bool* made = nullptr);
  bool has(const std::string& key);
  // Whether the pages kept fill more than `share` of the budget.
  bool fuller_than(double share);
  // The bytes a kept page costs (its strings, tables and the cache's own entry).
  static size_t bytes_of(const std::string& key, const Page& page);
  // The bytes kept now.
  size_t used() {
    std::lock_guard lock(mu_);
    return used_;
  }

 private:
  struct Cached {
    std::shared_ptr<const Page> page;
    size_t bytes = 0;
  };
  void put_locked(const std::string& key, std::shared_ptr<const Page> page);

  std::mutex mu_;
  size_t budget_, used_ = 0;
  std::list<std::pair<std::string, Cached>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, Cached>>::iterator> index_;
  std::unordered_map<std::string, std::shared_future<std::shared_ptr<const Page>>> making_;
};

}  // namespace paxstats::web::detail
