// The region's year at a glance, as F3 Nation's bot sends it on the 2nd: the rolling 12 months
// in three panels (posts, unique PAX, FNGs), each against the 12 months before (dashed).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::year_glance {

using namespace detail;

void plan(Context& cx) {
  auto channel = cx.firstf("year_glance");
  if (!channel) return;
  const auto first = cx.ym - date::months{23};
  const auto months = calendar::months_between(first, cx.ym);  // 24: the year before, then this one
  std::map<date::year_month, rq::RegionMonth> by_month;
  for (const auto& r : cx.read.region_months({calendar::first_day(first), cx.period.last})) by_month[r.month] = r;
  // Before the region's first beatdown there is no data (not zeros).
  std::optional<date::year_month> start;
  for (const auto& [ao, m] : cx.read.ao_first_months()) start = start ? std::min(*start, m) : m;
  auto value = [&](date::year_month m, int rq::RegionMonth::*field) {
    if (auto it = by_month.find(m); it != by_month.end()) return double(it->second.*field);
    return start && m >= *start ? 0.0 : NAN;
  };
  const std::vector<date::year_month> before(months.begin(), months.begin() + 12),
      now(months.begin() + 12, months.end());
  auto short_name = [](date::year_month m) { return calendar::abbr(m) + " " + calendar::year_of(m); };  // "Oct 2025"
  auto span = [&](const std::vector<date::year_month>& m) {
    return short_name(m.front()) + " – " + short_name(m.back());
  };
  const std::string now_label = span(now), before_label = span(before);
  // A comparison without data is not drawn, nor counted as zero: the text says where data begins.
  const bool has_before = start && *start <= before.back();
  const bool before_partly = has_before && *start > before.front();
  const std::string since = start ? calendar::month_name(*start) : std::string();
  auto c = cx.chart(
      render::Kind::line, cx.region.name + ": the year at a glance",
      has_before
          ? "The last 12 months against the 12 before" + (before_partly ? " (data from " + since + ")" : std::string())
          : "The last 12 months" + (since.empty() ? std::string() : " (no data before " + since + ")"));
  for (const auto& m : now) c.categories.push_back(calendar::abbr(m));
  struct Measure {
    const char* title;
    int rq::RegionMonth::*field;
  };
  auto d = cx.base();
  for (const Measure& m :
       {Measure{"Posts", &rq::RegionMonth::posts}, Measure{"Unique PAX", &rq::RegionMonth::unique_pax},
        Measure{"FNGs", &rq::RegionMonth::fngs}}) {
    render::Series a{"now", now_label, {}, false, "#0072B2"}, b{"before", before_label, {}, true, "#868C94"};
    double sum_now = 0, sum_before = 0;
    for (size_t i = 0; i < 12; ++i) {
      a.values.push_back(value(now[i], m.field));
      b.values.push_back(value(before[i], m.field));
      if (std::isfinite(a.values.back())) sum_now += a.values.back();
      if (std::isfinite(b.values.back())) sum_before += b.values.back();
    }
    c.panels.push_back({m.title, has_before ? std::vector<render::Series>{a, b} : std::vector<render::Series>{a}});
    const std::string key = m.field == &rq::RegionMonth::posts  ? "posts"
                            : m.field == &rq::RegionMonth::fngs ? "fngs"
                                                                : "pax";
    if (key == "pax") {  // unique PAX do not add up over months: this month against a year ago
      d.set("pax_now", std::to_string(static_cast<long>(a.values.back())));
      if (std::isfinite(b.values.back())) d.set("pax_before", std::to_string(static_cast<long>(b.values.back())));
    } else {
      d.set(key + "_now", std::to_string(static_cast<long>(sum_now)));
      d.set(key + "_before", std::to_string(static_cast<long>(sum_before)));
    }
  }
  c.height = 560;
  d.set("before", has_before);
  if (before_partly || !has_before) d.set("since", since);
  d.set("range", now_label);
  d.set("range_before", before_label);
  cx.deliver("year_glance", *channel, false, "year_glance.png", cx.region.name + " — the year at a glance",
             cx.fill("year_glance", d), std::move(c));
}

}  // namespace paxstats::reports::kinds::year_glance
