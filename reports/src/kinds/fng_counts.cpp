// The fng_counts report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::fng_counts {

using namespace detail;

void plan(Context& cx) {
  auto channel = cx.firstf("fng_counts");
  if (!channel) return;
  const auto months = cx.months_of_year();
  auto c = cx.chart(render::Kind::stacked_bar, "FNGs by AO in " + cx.year(), "First-timers welcomed, month by month");
  for (const auto& m : months) c.categories.push_back(abbr(m));
  std::map<std::string, render::Series> series;
  for (const auto& r : cx.ao_months(cx.ytd)) {
    if (r.fngs == 0) continue;
    auto& s = series[r.ao_id];
    s.key = r.ao_id;
    s.label = r.ao_name;
    s.values.resize(months.size());
    s.values[static_cast<size_t>(std::find(months.begin(), months.end(), r.month) - months.begin())] = r.fngs;
  }
  for (auto& [k, s] : series) c.series.push_back(s);
  c.empty_message = "No FNGs yet this year";
  cx.deliver("fng_counts", *channel, false, "fng_counts.png", "FNGs in " + cx.year(), cx.fill("fng_counts", cx.base()),
             std::move(c));
}

}  // namespace paxstats::reports::kinds::fng_counts
