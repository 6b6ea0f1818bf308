// Pages rendered ahead of their visitors (Dashboard::warm): a cold PAX page costs about 10 ms of
// the server's time, a region page seconds, a large community's page 10 s and more; rendered
// while nobody waits, a visitor is answered from the page cache in a few milliseconds.
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
    if (!region.active || region.dashboard == db::DashboardAccess::off) continue;
    const std::string& slug = region.slug;
    // Whether the pages made from `version` are due: a lone change (a backblast, an alias) is
    // rendered at once; changes that follow each other (an import, a sync, batch by batch, a busy
    // channel) wait until the data stands still for `settle`. `seen_key`: the region, or its
    // community page (made from all messages, so it moves apart from the posts).
    auto due = [&](const std::string& seen_key, const std::string& version) {
      std::lock_guard lock(i.seen_mu);
      auto& seen = i.seen[seen_key];
      const auto now = std::chrono::steady_clock::now();
      if (seen.version != version) seen = {version, now, seen.version.empty() || now - seen.since >= settle, {}};
      if (!seen.lone && now - seen.since < settle) return false;
      return seen.failed != version;
    };
    // What is being rendered: the community page ("community") or the F3 pages (""); a failure
    // is remembered for that one.
    std::string stage = "community";
    try {
      const Viewer member;  // signed in or not, no admin: the pages every member sees
      const Links links(slug, false, 0);
      const BusinessTime now = i.o.business_now();
      const auto today = today_in(region.tz, now);
      // One page, unless it is rendered (or being rendered) at this version.
      // The key names the page by its address with its query, as a visitor's request does.
      auto page = [&](const std::string& version, const std::string& kind, const std::string& id,
                      const std::string& path, const std::string& period = "") {
        std::multimap<std::string, std::string> params;
        if (!period.empty()) params.emplace("period", period);
        // Pages rendered ahead take at most three quarters of the cache: the rest is for what
        // visitors ask, and pages rendered ahead never push out each other in a loop.
        if (i.cache.fuller_than(0.75)) return false;
        PageContext cx{db, region, member, links, today, now, params, path, "", 0};
        const std::string key = page_key(version, region, cx, period.empty() ? path : path + "?period=" + period);
        if (i.cache.has(key)) return true;
        bool fresh = false;
        i.cache.get_or_make(
            key, [&] { return build_page(cx, kind, id, &i.memo); }, &fresh);
        made += fresh;
        return true;
      };
      // The community page as it opens (issue 29: a 2,000-member community's quarter took 16 s
      // on a visitor's first look), for a workspace that has one: its front page when it mines
      // no backblasts, else when it has a community channel.
      const bool f3 = region.flags.scrape_backblasts;
      if (!f3 || region.community_channel) {
        const std::string data = version_of(db, slug, "community");
        if (due(slug + "/community", data) && !page(data, "community", "", "/r/" + slug + "/community")) break;
      }
      if (!f3) continue;  // no F3 pages: the region's address leads to its community page
      stage = "";
      const std::string version = version_of(db, slug, "");
      if (!due(slug, version)) continue;
      if (!page(version, "", "", "/r/" + slug)) break;
      for (const auto& [key, label] :
           period_choices(today, db::dashboard::data_span(db::report::Reader(db, slug)).first))
        page(version, "", "", "/r/" + slug, key);
      std::vector<std::string> aos, people;
      {
        const db::dashboard::PostsCache posts(db, slug, &i.memo);
        for (const auto& [id, name] : posts.reader().aos())
          if (!id.empty()) aos.push_back(id);
        people = db::dashboard::posters(posts.reader());
      }
      size_t done = 0;
      auto moved = [&] { return ++done % 32 == 0 && version_of(db, slug, "") != version; };
      bool room = true;
      for (const auto& id : aos) {
        if (stop() || moved() || !(room = page(version, "ao", id, "/r/" + slug + "/ao/" + id))) break;
      }
      for (const auto& id : people) {
        if (!room || stop() || moved() || !(room = page(version, "pax", id, "/r/" + slug + "/pax/" + id))) break;
      }
      if (!room) break;
    } catch (const std::exception& e) {
      // Not tried again until what the pages are made of moves (the log would say the same every 2 s).
      std::string version;
      try {
        version = version_of(db, slug, stage);
      } catch (const std::exception&) {
      }
      {
        std::lock_guard lock(i.seen_mu);
        i.seen[stage.empty() ? slug : slug + "/community"].failed = version;
      }
      log::warn("dashboard: rendering " + slug + (stage.empty() ? "'s pages" : "'s community page") +
                " ahead failed: " + log::redact(e.what()) +
                (stage.empty() ? " (tried again when its posts change)" : " (tried again when its messages change)"));
    }
  }
  return made;
}

}  // namespace paxstats::web
