#pragma once
// Internal to web/: the dashboard's state (dashboard.cpp answers requests with it, warmer.cpp
// renders pages ahead of them) and what both need to name and build a page.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "page_cache.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/row_memo.hpp"
#include "paxstats/db/web_sessions.hpp"
#include "paxstats/web/dashboard.hpp"
#include "site.hpp"

namespace paxstats::web {

struct Dashboard::Impl {
  Options o;
  detail::PageCache cache;
  // The warmer's view of each region: the posts version it last saw, since when (steady), and
  // whether the one before had stood still for the settling time (a lone change: a backblast).
  struct Seen {
    std::string version;
    std::chrono::steady_clock::time_point since;
    bool lone = true;
    std::string failed;  // a version whose pages failed to render: not tried again (logged once)
  };
  std::mutex seen_mu;
  std::map<std::string, Seen> seen;
  // Region-wide rows of each region's posts cache, shared by the pages (and their connections)
  // while the cache's version stands.
  db::RowMemo memo;
  explicit Impl(Options options) : o(std::move(options)), cache(o.cache_bytes) {
    if (!o.business_now) o.business_now = business_clock_from_env();
  }
  Response region_request(db::Database& db, const Request& req, const detail::Viewer& anonymous,
                          const std::optional<db::web::Session>& session);
  Response admin_post(db::Database& db, detail::PageContext& cx, const Request& req);
  std::optional<detail::Page> build_from_replica(db::Database& primary, const detail::PageContext& cx,
                                                 const std::string& kind, const std::string& id);
  std::atomic<long> replica_reads{0}, replica_fallbacks{0};  // pages read from the standby, and not
};

namespace detail {

// The business date in a time zone, YYYY-MM-DD.
date::sys_days today_in(const std::string& tz, BusinessTime now);  // the business date in tz

// What a page of `kind` ("" the region's, "ao", "pax", "kotter", …) is made from, as a version:
// the region's posts (posts_version) for the region, AO and PAX pages, which show nothing else,
// so chat that is no backblast leaves them standing; everything (data_version) for the rest.
std::string version_of(db::Database& db, const std::string& slug, const std::string& kind);

// A page is what it was while its version, the region's settings, the date, the viewer's rights
// and the address (path and query) stand: its cache key (with the viewer, its ETag).
std::string page_key(const std::string& version, const db::Region& region, const PageContext& cx,
                     const std::string& here);

// Builds a region's page of `kind` (not the admin page) with the region's posts cache standing,
// its region-wide rows kept in `memo`.
Page build_page(PageContext& cx, const std::string& kind, const std::string& id, db::RowMemo* memo);

// Reads a page's region through `posts` (cx.reader) while it lives.
class ReadingThrough {
 public:
  ReadingThrough(PageContext& cx, const db::dashboard::PostsCache& posts) : cx_(cx) { cx_.reader = &posts.reader(); }
  ~ReadingThrough() { cx_.reader = nullptr; }
  ReadingThrough(const ReadingThrough&) = delete;
  ReadingThrough& operator=(const ReadingThrough&) = delete;

 private:
  PageContext& cx_;
};

}  // namespace detail
}  // namespace paxstats::web
