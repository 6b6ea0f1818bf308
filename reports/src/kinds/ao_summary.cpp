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
  auto rows = cx.ao_months(cx.period);
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.posts > b.posts; });
  // Pages of at most 30 AOs, each readable as a Slack thumbnail (82 AOs were one 1280 × 3828 image).
  constexpr size_t kPerPage = 30;
  const size_t pages = std::max<size_t>(1, (rows.size() + kPerPage - 1) / kPerPage);
  // Every page shaded on the region's scale: page 3's least is not as pale as page 1's.
  auto figures = [](const rq::AoMonth& r) {
    return std::vector<double>{double(r.beatdowns), double(r.posts), double(r.unique_pax),
                               std::round(r.average_attendance() * 10) / 10, double(r.fngs)};
  };
  std::vector<std::pair<double, double>> ranges;
  for (const auto& r : rows) {
    const auto v = figures(r);
    if (ranges.empty())
      for (double x : v) ranges.emplace_back(x, x);
    for (size_t j = 0; j < v.size(); ++j)
      ranges[j] = {std::min(ranges[j].first, v[j]), std::max(ranges[j].second, v[j])};
  }
  for (size_t page = 0; page < pages; ++page) {
    const std::string part =
        pages > 1 ? " (" + std::to_string(page + 1) + " of " + std::to_string(pages) + ")" : std::string();
    auto c = cx.chart(render::Kind::table, "AO summary — " + cx.month_name() + part,
                      "Beatdowns, posts, unique PAX, average attendance, FNGs · most posts first");
    c.columns = {"Beatdowns", "Posts", "Unique PAX", "Avg attendance", "FNGs"};
    for (size_t i = page * kPerPage; i < std::min(rows.size(), (page + 1) * kPerPage); ++i)
      c.rows.emplace_back(rows[i].ao_name, figures(rows[i]));
    if (pages > 1) c.column_ranges = ranges;
    fit_rows(c);
    auto d = cx.base();
    if (pages > 1) d.set("pages", std::to_string(pages));
    const std::string suffix = page ? "-" + std::to_string(page + 1) : "";
    // The first page carries the text; the others are files of the same message.
    cx.deliver(page ? "ao_summary." + std::to_string(page + 1) : "ao_summary", *channel, false,
               "ao_summary" + suffix + ".png", "AO summary — " + cx.month_name() + part,
               page ? std::string() : cx.fill("ao_summary", d), std::move(c));
  }
}

}  // namespace paxstats::reports::kinds::ao_summary
