// Each Slack user who posted this month (or this year, as the region says) gets their year so
// far, by month and AO, with their current weekly streak.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/colors.hpp"
#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::pax_monthly {

using namespace detail;

void plan(Context& cx) {
  const auto months = cx.months_of_year();
  std::map<std::string, std::vector<rq::PersonMonthAo>> by_person;
  for (const auto& r : cx.year_posts())
    if (!r.user_id.empty() && (!cx.person || r.user_id == *cx.person)) by_person[r.person].push_back(r);
  std::map<std::string, int> streaks_of;
  for (const auto& s : cx.streaks()) streaks_of[s.person] = s.weeks;
  const auto last = cx.ym - date::months{1};
  const bool whole_year = cx.region.pax_monthly_audience == db::PaxAudience::year || cx.person;
  for (const auto& [person, rows] : by_person) {
    int this_month = 0, last_month = 0, total = 0;
    std::map<std::string, std::vector<double>> per_ao;
    std::map<std::string, int> year_of, month_of;  // AO → posts
    for (const auto& r : rows) {
      auto& values = per_ao[r.ao_id];
      values.resize(months.size());
      values[static_cast<size_t>(std::find(months.begin(), months.end(), r.month) - months.begin())] += r.posts;
      year_of[r.ao_id] += r.posts;
      if (r.month == cx.ym) month_of[r.ao_id] += r.posts;
      if (r.month == cx.ym) this_month += r.posts;
      if (r.month == last) last_month += r.posts;
      total += r.posts;
    }
    if (this_month == 0 && !whole_year) continue;
    const std::string name = cx.label(person, rows.front().name);
    const int streak = !cx.past_year && streaks_of.count(person) ? streaks_of[person] : 0;
    std::string subtitle = std::to_string(this_month) + " in " + cx.month_name() + " · " + std::to_string(last_month) +
                           " the month before · " + std::to_string(total) + " this year";
    if (streak > 1) subtitle += " · " + std::to_string(streak) + "-week streak";
    if (per_ao.size() == 1) {  // one series has no legend: the subtitle names the AO
      const auto& ao = per_ao.begin()->first;
      subtitle += " · all at " + (cx.ao_name(ao));
    }
    // Up to 10 AOs by name, the month's first; the rest one "Other" on top. Where "Other" would
    // be most of it (a PAX who posts all over the region), a bar for each AO instead.
    const auto named = shown_aos(year_of, month_of, Context::kAosShown);
    int in_other = 0;
    for (const auto& [ao, n] : year_of)
      if (std::find(named.begin(), named.end(), ao) == named.end()) in_other += n;
    render::Chart c;
    if (2 * in_other > total) {
      c = cx.chart(render::Kind::horizontal_bar, "Posts by " + name + " in " + cx.year() + ", by AO",
                   subtitle + " · " + plural(static_cast<long>(year_of.size()), "AO", "AOs") + ", most first");
      std::vector<std::pair<std::string, int>> order(year_of.begin(), year_of.end());
      std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        return std::make_pair(a.second, month_of[a.first]) > std::make_pair(b.second, month_of[b.first]);
      });
      std::vector<MonthBar> bars;
      for (const auto& [ao, n] : order) bars.push_back({cx.ao_name(ao), month_of[ao], n});
      month_bars(cx, c, bars);
    } else {
      c = cx.chart(render::Kind::stacked_bar, "Posts by " + name + " in " + cx.year(), subtitle);
      for (const auto& m : months) c.categories.push_back(calendar::abbr(m));
      render::Series other{render::kOtherKey, "", std::vector<double>(months.size(), 0.0)};
      size_t folded = 0;
      for (auto& [ao, values] : per_ao) {
        if (std::find(named.begin(), named.end(), ao) != named.end()) {
          c.series.push_back({ao, cx.ao_name(ao), values});
          continue;
        }
        ++folded;
        for (size_t i = 0; i < values.size(); ++i) other.values[i] += values[i];
      }
      if (folded) {
        other.label = "Other (" + std::to_string(folded) + ")";
        c.series.push_back(std::move(other));
      }
      c.max_series = static_cast<int>(Context::kAosShown) + 1;
    }
    if (c.kind == render::Kind::stacked_bar) c.y_title = "Posts";
    auto d = cx.base();
    d.set("name", name);
    d.set("this_month", std::to_string(this_month));
    d.set("posts_this_month", plural(this_month, "post", "posts"));
    d.set("last_month", std::to_string(last_month));
    d.set("total", std::to_string(total));
    d.set("total_text", plural(total, "post", "posts"));
    if (streak > 1) {
      d.set("streak", std::to_string(streak));
      d.set("a_streak", indefinite(streak) + " " + std::to_string(streak) + "-week streak");  // "an 11-week streak"
    }
    d.set("on_demand", cx.person.has_value());
    d.set("past", cx.past_year);
    cx.deliver("pax_monthly", rows.front().user_id, true, "pax_monthly-" + file_safe(rows.front().user_id) + ".png",
               "Your posts in " + cx.year(), cx.fill("pax_monthly", d), std::move(c));
  }
}

}  // namespace paxstats::reports::kinds::pax_monthly
