// Pages rendered ahead of their visitors (Dashboard::warm): a cold PAX page costs about 10 ms of
// the server's time, a region page seconds; rendered while nobody waits, a visitor is answered
// from the page cache in a few milliseconds.
#include "dashboard_impl.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/log.hpp"

namespace paxstats::web {

using namespace detail;

int Dashboard::warm(db::Database& db, std::chrono::milliseconds settle, const std::function<bool()>& stop) {
  auto& i = *impl_;
  int made = 0;
  for (const auto& region : db::list_regions(db)) {
    if (stop()) break;
    if (!region.active || region.dashboard == "off") continue;
    const std::string& slug = region.slug;
    try {
      const std::string version = version_of(db, slug, "");
      {
        std::lock_guard lock(i.seen_mu);
        auto& seen = i.seen[slug];
        const auto now = std::chrono::steady_clock::now();
        // A lone change (a backblast, an alias) is rendered at once; changes that follow each other
        // (an import, a sync, batch by batch) wait until the posts stand still for `settle`.
        if (seen.version != version) seen = {version, now, seen.version.empty() || now - seen.since >= settle, {}};
        if (!seen.lone && now - seen.since < settle) continue;
        if (seen.failed == version) continue;
      }
      const Viewer member;  // signed in or not, no admin: the pages every member sees
      const Links links(slug, false, 0);
      const BusinessTime now = i.o.business_now();
      const std::string today = today_in(region.tz, now);
      // One page, unless it is rendered (or being rendered) at this version.
      // The key names the page by its address with its query, as a visitor's request does.
      auto page = [&](const std::string& kind, const std::string& id, const std::string& path,
                      const std::string& period = "") {
        std::multimap<std::string, std::string> params;
        if (!period.empty()) params.emplace("period", period);
        // Pages rendered ahead take at most three quarters of the cache: the rest is for what
        // visitors ask, and pages rendered ahead never push out each other in a loop.
        if (i.cache.fuller_than(0.75)) return false;
        PageContext cx{db, region, member, links, today, now, params, path, "", 0};
        const std::string key = page_key(version, region, cx, period.empty() ? path : path + "?period=" + period);
        if (i.cache.has(key)) return true;
        bool fresh = false;
        i.cache.get_or_make(key, [&] { return build_page(cx, kind, id); }, &fresh);
        made += fresh;
        return true;
      };
      if (!page("", "", "/r/" + slug)) break;
      for (const auto& [key, label] : period_choices(today, db::dashboard::data_span(db, slug).first)) page("", "", "/r/" + slug, key);
      std::vector<std::string> aos, people;
      {
        const db::dashboard::PostsCache posts(db, slug);
        for (const auto& [id, name] : db::report::aos(db, slug))
          if (!id.empty()) aos.push_back(id);
        people = db::dashboard::posters(db, slug);
      }
      size_t done = 0;
      auto moved = [&] { return ++done % 32 == 0 && version_of(db, slug, "") != version; };
      bool room = true;
      for (const auto& id : aos) {
        if (stop() || moved() || !(room = page("ao", id, "/r/" + slug + "/ao/" + id))) break;
      }
      for (const auto& id : people) {
        if (!room || stop() || moved() || !(room = page("pax", id, "/r/" + slug + "/pax/" + id))) break;
      }
      if (!room) break;
    } catch (const std::exception& e) {
      // Not tried again until the region's posts move (the log would say the same every 2 s).
      std::string version;
      try {
        version = version_of(db, slug, "");
      } catch (const std::exception&) {
      }
      {
        std::lock_guard lock(i.seen_mu);
        i.seen[slug].failed = version;
      }
      log::warn("dashboard: rendering " + slug + "'s pages ahead failed: " + log::redact(e.what()) +
                " (tried again when its posts change)");
    }
  }
  return made;
}

}  // namespace paxstats::web
