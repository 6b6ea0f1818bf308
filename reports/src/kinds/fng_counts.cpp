// The fng_counts report: the FNGs each AO welcomed this year, every AO that welcomed one, as a
// bar each (the month's part in colour, the months before in grey): at 82 AOs a stack by AO was
// mostly a grey "Other".
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "plan/context.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::fng_counts {

using namespace detail;

void plan(Context& cx) {
  auto channel = cx.firstf("fng_counts");
  if (!channel) return;
  struct Ao {
    std::string id;
    int month = 0, year = 0;
  };
  std::map<std::string, Ao> by_ao;
  for (const auto& r : cx.ao_months(cx.ytd)) {
    if (r.fngs == 0) continue;
    auto& a = by_ao[r.ao_id];
    a.id = r.ao_id;
    a.year += r.fngs;
    if (r.month == cx.ym) a.month += r.fngs;
  }
  std::vector<Ao> aos;
  int year = 0, month = 0;
  for (auto& [id, a] : by_ao) {
    year += a.year;
    month += a.month;
    aos.push_back(a);
  }
  std::stable_sort(aos.begin(), aos.end(), [&](const Ao& a, const Ao& b) {
    return std::make_tuple(-a.year, -a.month, cx.ao_name(a.id)) < std::make_tuple(-b.year, -b.month, cx.ao_name(b.id));
  });
  const std::string month_short = cx.month_name().substr(0, cx.month_name().find(' '));
  auto c = cx.chart(render::Kind::horizontal_bar, "FNGs by AO in " + cx.year(),
                    plural(year, "FNG", "FNGs") + " at " + plural(static_cast<long>(aos.size()), "AO", "AOs") +
                        " this year, " + std::to_string(month) + " in " + month_short + " · most first");
  std::vector<MonthBar> bars;
  for (const auto& a : aos) bars.push_back({cx.ao_name(a.id), a.month, a.year});
  month_bars(cx, c, bars);
  c.empty_message = "No FNGs yet this year";
  auto d = cx.base();
  d.set("fngs", plural(year, "FNG", "FNGs"));
  d.set("month_fngs", std::to_string(month));
  d.set("aos", plural(static_cast<long>(aos.size()), "AO", "AOs"));
  cx.deliver("fng_counts", *channel, false, "fng_counts.png", "FNGs in " + cx.year(), cx.fill("fng_counts", d),
             std::move(c));
}

}  // namespace paxstats::reports::kinds::fng_counts
