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

// What a page holds in memory: its strings' capacities and the containers' own storage, plus the
// cache's entry (key twice, list and hash nodes). Counted truly, so the budget is the RSS it costs.
size_t PageCache::bytes_of(const std::string& key, const Page& page) {
  auto str = [](const std::string& s) { return sizeof(std::string) + (s.capacity() > 15 ? s.capacity() + 1 : 0); };
  size_t bytes = 2 * str(key) + 128 + sizeof(Page) + str(page.title) + str(page.html);
  for (const auto& [text, href] : page.crumbs) bytes += str(text) + str(href);
  for (const auto& t : page.tables) {
    bytes += sizeof(Table) + str(t.id) + str(t.caption) + str(t.empty);
    for (const auto& c : t.columns) bytes += str(c);
    for (const auto& row : t.rows) {
      bytes += sizeof(row) + (row.capacity() - row.size()) * sizeof(Cell);
      for (const auto& c : row)
        bytes += sizeof(Cell) - 3 * sizeof(std::string) + str(c.text) + str(c.href) + str(c.html);
    }
  }
  return bytes;
}

void PageCache::put_locked(const std::string& key, std::shared_ptr<const Page> page) {
  const size_t bytes = bytes_of(key, *page);
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
