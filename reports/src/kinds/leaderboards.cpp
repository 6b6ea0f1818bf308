// The leaderboards report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::leaderboards {

using namespace detail;

void plan(Context& cx) {
  auto board = [&](const rq::Period& p, const std::string& title) {
    auto c = cx.chart(render::Kind::grouped_bar, title, "Top posters, with the AOs they posted at");
    render::Series posts{"posts", "Posts", {}}, aos{"aos", "Unique AOs", {}};
    for (const auto& r : rq::leaderboard(cx.db, cx.region.slug, p)) {
      c.categories.push_back(cx.label(r.person, r.name));
      posts.values.push_back(r.posts);
      aos.values.push_back(r.unique_aos);
    }
    c.series = {posts, aos};
    c.color_keys = {"posts", "aos"};
    return c;
  };
  if (auto channel = cx.firstf("leaderboards")) {
    auto month_chart = board(cx.period, "Leaderboard — " + cx.month_name());
    auto d = cx.base();
    d.set("count", std::to_string(month_chart.categories.size()));
    d.set("top_posters", top_posters(month_chart.categories.size()));
    cx.deliver("leaderboards.month", *channel, false, "leaderboard-month.png", "Leaderboard — " + cx.month_name(),
               cx.fill("leaderboard_month", d), std::move(month_chart));
    auto ytd_chart = board(cx.ytd, "Leaderboard — " + cx.year() + " to date");
    d.set("count", std::to_string(ytd_chart.categories.size()));
    d.set("top_posters", top_posters(ytd_chart.categories.size()));
    cx.deliver("leaderboards.ytd", *channel, false, "leaderboard-ytd.png", "Leaderboard — " + cx.year(),
               cx.fill("leaderboard_ytd", d), std::move(ytd_chart));
  }
  std::map<std::string, std::vector<rq::PersonTotal>> by_ao;
  for (auto& r : rq::leaderboards_by_ao(cx.db, cx.region.slug, cx.period)) by_ao[r.ao_id].push_back(std::move(r.total));
  for (const auto& [ao, rows] : by_ao) {
    const std::string& name = cx.ao_name(ao);
    auto c = cx.chart(render::Kind::horizontal_bar, "Top posters at " + name + " — " + cx.month_name());
    render::Series posts{ao, "Posts", {}};
    for (const auto& r : rows) {
      c.categories.push_back(cx.label(r.person, r.name));
      posts.values.push_back(r.posts);
    }
    c.series = {posts};
    auto d = cx.base();
    d.set("ao", name);
    d.set("count", std::to_string(rows.size()));
    d.set("top_posters", top_posters(rows.size()));
    cx.deliver("leaderboards.ao", ao, false, "leaderboard-" + file_safe(ao) + ".png",
               "Leaderboard — " + cx.month_name(), cx.fill("leaderboard_ao", d), std::move(c));
  }
}

}  // namespace paxstats::reports::kinds::leaderboards
