// The ao_summary report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::ao_summary {

using namespace detail;

void plan(Context& cx) {
  auto channel = cx.firstf("ao_summary");
  if (!channel) return;
  auto c = cx.chart(render::Kind::table, "AO summary — " + cx.month_name(),
                    "Beatdowns, posts, unique PAX, average attendance, FNGs");
  c.columns = {"Beatdowns", "Posts", "Unique PAX", "Avg attendance", "FNGs"};
  auto rows = cx.ao_months(cx.period);
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.posts > b.posts; });
  for (const auto& r : rows)
    c.rows.emplace_back(r.ao_name, std::vector<double>{double(r.beatdowns), double(r.posts), double(r.unique_pax),
                                                       std::round(r.average_attendance() * 10) / 10, double(r.fngs)});
  fit_rows(c);
  cx.deliver("ao_summary", *channel, false, "ao_summary.png", "AO summary — " + cx.month_name(),
             cx.fill("ao_summary", cx.base()), std::move(c));
}

}  // namespace paxstats::reports::kinds::ao_summary
