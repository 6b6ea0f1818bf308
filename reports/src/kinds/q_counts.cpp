// The q_counts report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::q_counts {

using namespace detail;

void plan(Context& cx) {
  const auto all = cx.read.q_counts(cx.period);
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
    c.key_colors = {{"q", 0}, {"coq", 1}};
    auto d = cx.base();
    d.set("ao", cx.ao_name(ao));
    cx.deliver("q_counts.ao", ao, false, "q_counts-" + file_safe(ao) + ".png", "Qs — " + cx.month_name(),
               cx.fill("q_counts_ao", d), std::move(c));
  }
  auto channel = cx.firstf("q_counts");
  if (!channel || all.empty()) return;
  // Who led most, across all AOs: Q and Co-Q credits a bar each, with the AOs they led at. (By
  // AO, at 82 AOs, the stack was mostly a grey "Other": each AO channel has its own chart.)
  struct Leader {
    std::string person, name;
    int qs = 0, coqs = 0;
    std::set<std::string> aos;
    int total() const { return qs + coqs; }
  };
  std::map<std::string, Leader> by_person;
  for (const auto& q : all) {
    auto& l = by_person[q.person];
    l.person = q.person;
    l.name = cx.label(q.person, q.name);
    l.qs += q.qs;
    l.coqs += q.coqs;
    l.aos.insert(q.ao_id);
  }
  std::vector<Leader> order;
  for (auto& [k, l] : by_person) order.push_back(std::move(l));
  std::stable_sort(order.begin(), order.end(), [](const Leader& a, const Leader& b) {
    return std::make_tuple(-a.total(), -a.qs, -static_cast<int>(a.aos.size()), a.name) <
           std::make_tuple(-b.total(), -b.qs, -static_cast<int>(b.aos.size()), b.name);
  });
  constexpr size_t kTop = 30;
  const size_t shown = std::min(kTop, order.size());
  // A cut inside a tie says how many more share the last place.
  std::vector<int> totals;
  for (const auto& l : order) totals.push_back(l.total());
  const std::string tied = tied_past_cut(totals, shown, "Q", "Qs");
  std::string subtitle = "Q and Co-Q credits, AOs led at · ties by Qs, AOs, name";
  if (!tied.empty()) subtitle += " · " + tied;
  auto c = cx.chart(render::Kind::horizontal_bar, "Qs across all AOs — " + cx.month_name(), subtitle);
  c.cut_of = static_cast<int>(order.size());
  render::Series qs{"q", "Q", {}}, coqs{"coq", "Co-Q", {}};
  for (size_t i = 0; i < shown; ++i) {
    const auto& l = order[i];
    c.categories.push_back(l.name + " · " + plural(static_cast<long>(l.aos.size()), "AO", "AOs"));
    qs.values.push_back(l.qs);
    coqs.values.push_back(l.coqs);
  }
  c.series = {qs, coqs};
  c.key_colors = {{"q", 0}, {"coq", 1}};
  auto d = cx.base();
  d.set("leaders", plural(static_cast<long>(order.size()), "PAX", "PAX"));
  d.set("tied", tied.empty() ? kainjow::mustache::data(false) : kainjow::mustache::data(tied));
  cx.deliver("q_counts.region", *channel, false, "q_counts-region.png", "Qs — " + cx.month_name(),
             cx.fill("q_counts_region", d), std::move(c));
}

}  // namespace paxstats::reports::kinds::q_counts
