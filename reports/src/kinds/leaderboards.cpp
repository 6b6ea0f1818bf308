// The leaderboards report: the region's top posters of the month and of the year to date (with
// the AOs each visited), and each AO's top posters of the month. Horizontal bars with values; a
// cut that falls inside a tie says how many more share the last place.
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

namespace {

constexpr size_t kTop = 20;

// Whether two of the shown share a place (a tie-break ranked them).
bool ties_shown(const std::vector<rq::PersonTotal>& rows, size_t shown) {
  for (size_t i = 1; i < shown; ++i)
    if (rows[i].posts == rows[i - 1].posts) return true;
  return false;
}

// A leaderboard: the top kTop as horizontal bars, labelled (with the AOs visited when `aos`); the
// subtitle says the tie-break when one ranked the shown and how many more tie at the cut.
render::Chart board(Context& cx, const std::vector<rq::PersonTotal>& rows, const std::string& title,
                    const std::string& key, bool aos, std::string& tied) {
  const size_t shown = std::min(kTop, rows.size());
  std::vector<int> posts_of;
  for (const auto& r : rows) posts_of.push_back(r.posts);
  tied = tied_past_cut(posts_of, shown, "post", "posts");
  std::string subtitle = aos ? "Posts (and AOs visited)" : "Posts";
  if (ties_shown(rows, shown) || !tied.empty()) subtitle += aos ? " · ties by AOs, then name" : " · ties by name";
  if (!tied.empty()) subtitle += " · " + tied;
  auto c = cx.chart(render::Kind::horizontal_bar, title, subtitle);
  render::Series posts{key, "Posts", {}};
  for (size_t i = 0; i < shown; ++i) {
    const auto& r = rows[i];
    c.categories.push_back(cx.label(r.person, r.name) +
                           (aos ? " · " + plural(r.unique_aos, "AO", "AOs") : std::string()));
    posts.values.push_back(r.posts);
  }
  c.series = {posts};
  c.cut_of = static_cast<int>(rows.size());
  return c;
}

}  // namespace

void plan(Context& cx) {
  constexpr int kEveryone = 1000000;  // the cut is made here, where ties past it are counted
  if (auto channel = cx.firstf("leaderboards")) {
    auto d = cx.base();
    std::string tied;
    const auto month_rows = cx.read.leaderboard(cx.period, std::nullopt, kEveryone);
    auto month_chart = board(cx, month_rows, "Leaderboard — " + cx.month_name(), "posts", true, tied);
    d.set("count", std::to_string(month_chart.categories.size()));
    d.set("top_posters", top_posters(month_chart.categories.size()));
    d.set("tied", tied.empty() ? kainjow::mustache::data(false) : kainjow::mustache::data(tied));
    cx.deliver("leaderboards.month", *channel, false, "leaderboard-month.png", "Leaderboard — " + cx.month_name(),
               cx.fill("leaderboard_month", d), std::move(month_chart));
    const auto ytd_rows = cx.read.leaderboard(cx.ytd, std::nullopt, kEveryone);
    auto ytd_chart = board(cx, ytd_rows, "Leaderboard — " + cx.year() + " to date", "posts", true, tied);
    d.set("count", std::to_string(ytd_chart.categories.size()));
    d.set("top_posters", top_posters(ytd_chart.categories.size()));
    d.set("tied", tied.empty() ? kainjow::mustache::data(false) : kainjow::mustache::data(tied));
    cx.deliver("leaderboards.ytd", *channel, false, "leaderboard-ytd.png", "Leaderboard — " + cx.year(),
               cx.fill("leaderboard_ytd", d), std::move(ytd_chart));
  }
  std::map<std::string, std::vector<rq::PersonTotal>> by_ao;
  for (auto& r : cx.read.leaderboards_by_ao(cx.period, kEveryone)) by_ao[r.ao_id].push_back(std::move(r.total));
  for (const auto& [ao, rows] : by_ao) {
    const std::string& name = cx.ao_name(ao);
    std::string tied;
    auto c = board(cx, rows, "Top posters at " + name + " — " + cx.month_name(), ao, false, tied);
    auto d = cx.base();
    d.set("ao", name);
    d.set("count", std::to_string(c.categories.size()));
    d.set("top_posters", top_posters(c.categories.size()));
    d.set("tied", tied.empty() ? kainjow::mustache::data(false) : kainjow::mustache::data(tied));
    cx.deliver("leaderboards.ao", ao, false, "leaderboard-" + file_safe(ao) + ".png",
               "Leaderboard — " + cx.month_name(), cx.fill("leaderboard_ao", d), std::move(c));
  }
}

}  // namespace paxstats::reports::kinds::leaderboards
