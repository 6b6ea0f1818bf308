#pragma once
// Internal to reports/: the index.html of an outbox folder.
#include <string>
#include <vector>

#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

// One chart of the page: its alt text and its size in CSS pixels (points).
struct PageChart {
  std::string alt;
  int width = 0, height = 0;
};

// The run as a document: contents by report; the charts to channels first, then the DMs;
// recipients by name; messages as Slack shows them; images loaded as they scroll into view.
std::string outbox_page(const MonthlyPlan& plan, const std::vector<PageChart>& charts);

}  // namespace paxstats::reports::detail
