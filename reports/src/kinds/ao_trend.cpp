// The ao_trend report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::ao_trend {

using namespace detail;

void plan(Context& cx) {
  const auto last12 = calendar::months_between(cx.ym - date::months{11}, cx.ym);
  const rq::Period span{calendar::first_day(last12.front()), cx.period.last};
  const auto rows = cx.ao_months(span);
  std::map<std::string, std::map<date::year_month, rq::AoMonth>> by_ao;
  for (const auto& r : rows) by_ao[r.ao_id][r.month] = r;
  // Before an AO's first beatdown it did not exist: no data, not zero.
  std::map<std::string, date::year_month> first_month;
  for (auto& [ao, m] : cx.read.ao_first_months()) first_month[ao] = m;
  auto existed = [&](const std::string& ao, date::year_month m) {
    auto it = first_month.find(ao);
    return it == first_month.end() || it->second <= m;
  };
  if (auto channel = cx.firstf("ao_trend"); channel && !rows.empty()) {
    auto c = cx.chart(render::Kind::line, "Posts per AO per month",
                      calendar::month_name(last12.front()) + " – " + cx.month_name());
    for (const auto& m : last12) c.categories.push_back(calendar::abbr(m));
    for (const auto& [ao, months_of] : by_ao) {
      render::Series s{ao, cx.ao_name(ao), {}};
      for (const auto& m : last12)
        s.values.push_back(months_of.count(m) ? months_of.at(m).posts : existed(ao, m) ? 0.0 : NAN);
      c.series.push_back(std::move(s));
    }
    c.y_title = "Posts";
    cx.deliver("ao_trend.region", *channel, false, "ao_trend-region.png", "AO trends",
               cx.fill("ao_trend_region", cx.base()), std::move(c));
  }
  for (const auto& [ao, months_of] : by_ao) {
    if (!months_of.count(cx.ym)) continue;  // only AOs that met this month
    auto c = cx.chart(render::Kind::line, cx.ao_name(ao) + ": the last 12 months", "Beatdowns and average attendance");
    c.integer_axis = false;
    render::Series beatdowns{"beatdowns", "Beatdowns", {}}, average{"average", "Average attendance", {}};
    for (const auto& m : last12) {
      c.categories.push_back(calendar::abbr(m));
      const auto it = months_of.find(m);
      // A month without beatdowns has 0 beatdowns (once the AO exists) and no average at all.
      beatdowns.values.push_back(it != months_of.end() ? it->second.beatdowns : existed(ao, m) ? 0.0 : NAN);
      average.values.push_back(it == months_of.end() ? NAN : std::round(it->second.average_attendance() * 10) / 10);
    }
    c.series = {beatdowns, average};
    c.key_colors = {{"beatdowns", 0}, {"average", 1}};
    auto d = cx.base();
    d.set("ao", cx.ao_name(ao));
    cx.deliver("ao_trend.ao", ao, false, "ao_trend-" + file_safe(ao) + ".png", cx.ao_name(ao) + " trend",
               cx.fill("ao_trend_ao", d), std::move(c));
  }
}

}  // namespace paxstats::reports::kinds::ao_trend
