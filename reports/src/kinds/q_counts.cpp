// The q_counts report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::q_counts {

using namespace detail;

void plan(Context& cx) {
  const auto all = rq::q_counts(cx.db, cx.region.slug, cx.period);
  std::map<std::string, std::vector<rq::QCount>> by_ao;
  for (const auto& q : all) by_ao[q.ao_id].push_back(q);
  for (auto& [ao, rows] : by_ao) {
    auto c = cx.chart(render::Kind::horizontal_bar, "Qs at " + cx.ao_name(ao) + " — " + cx.month_name(), "Q and Co-Q");
    render::Series qs{"q", "Q", {}}, coqs{"coq", "Co-Q", {}};
    for (const auto& r : rows) {
      c.categories.push_back(cx.label(r.person, r.name));
      qs.values.push_back(r.qs);
      coqs.values.push_back(r.coqs);
    }
    c.series = {qs, coqs};
    c.color_keys = {"q", "coq"};
    auto d = cx.base();
    d.set("ao", cx.ao_name(ao));
    cx.deliver("q_counts.ao", ao, false, "q_counts-" + file_safe(ao) + ".png", "Qs — " + cx.month_name(),
               cx.fill("q_counts_ao", d), std::move(c));
  }
  auto channel = cx.firstf("q_counts");
  if (!channel || all.empty()) return;
  std::map<std::string, std::pair<std::string, int>> totals;  // person → (name, total)
  for (const auto& q : all) {
    totals[q.person].first = cx.label(q.person, q.name);
    totals[q.person].second += q.qs + q.coqs;
  }
  std::vector<std::pair<std::string, std::pair<std::string, int>>> order(totals.begin(), totals.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
  const size_t everyone = order.size();
  if (order.size() > 30) order.resize(30);
  auto c =
      cx.chart(render::Kind::horizontal_bar, "Qs across all AOs — " + cx.month_name(), "Q and Co-Q credits, by AO");
  c.cut_of = static_cast<int>(everyone);
  std::map<std::string, size_t> row;
  for (size_t i = 0; i < order.size(); ++i) {
    c.categories.push_back(order[i].second.first);
    row[order[i].first] = i;
  }
  std::map<std::string, render::Series> series;
  for (const auto& q : all) {
    if (!row.count(q.person)) continue;
    auto& s = series[q.ao_id];
    s.key = q.ao_id;
    s.label = cx.ao_name(q.ao_id);
    s.values.resize(order.size());
    s.values[row[q.person]] += q.qs + q.coqs;
  }
  for (auto& [k, s] : series) c.series.push_back(s);
  cx.deliver("q_counts.region", *channel, false, "q_counts-region.png", "Qs — " + cx.month_name(),
             cx.fill("q_counts_region", cx.base()), std::move(c));
}

}  // namespace paxstats::reports::kinds::q_counts
