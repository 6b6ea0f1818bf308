// Rendered pages by key, made once per key (page_cache.hpp).
#include "page_cache.hpp"

namespace paxstats::web::detail {

std::shared_ptr<const Page> PageCache::get(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second.page;
}

bool PageCache::fuller_than(double share) {
  std::lock_guard lock(mu_);
  return static_cast<double>(used_) > share * static_cast<double>(budget_);
}

bool PageCache::has(const std::string& key) {
  std::lock_guard lock(mu_);
  return index_.count(key) > 0 || making_.count(key) > 0;
}

std::shared_ptr<const Page> PageCache::get_or_make(const std::string& key, const std::function<Page()>& make,
                                                   bool* made) {
  if (made) *made = false;
  std::promise<std::shared_ptr<const Page>> mine;
  {
    std::unique_lock lock(mu_);
    if (const auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return it->second->second.page;
    }
    if (const auto it = making_.find(key); it != making_.end()) {
      auto pending = it->second;
      lock.unlock();
      return pending.get();  // the maker's page, or its error
    }
    making_.emplace(key, mine.get_future().share());
  }
  std::shared_ptr<const Page> page;
  try {
    page = std::make_shared<const Page>(make());
  } catch (...) {
    mine.set_exception(std::current_exception());
    std::lock_guard lock(mu_);
    making_.erase(key);
    throw;
  }
  mine.set_value(page);
  std::lock_guard lock(mu_);
  making_.erase(key);
  if (page->status == 200) put_locked(key, page);
  if (made) *made = true;
  return page;
}

void PageCache::put_locked(const std::string& key, std::shared_ptr<const Page> page) {
  size_t bytes = key.size() + page->html.size();
  for (const auto& t : page->tables) bytes += t.rows.size() * 64;
  if (index_.count(key) || bytes > budget_ / 4) return;
  order_.emplace_front(key, Cached{std::move(page), bytes});
  index_[key] = order_.begin();
  used_ += bytes;
  while (used_ > budget_ && !order_.empty()) {
    used_ -= order_.back().second.bytes;
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

}  // namespace paxstats::web::detail
