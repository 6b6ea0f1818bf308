#pragma once
// Internal to reports/: the report kinds (kinds/kinds.def), each a name and a planner.
#include <string_view>
#include <vector>

#include "context.hpp"

namespace paxstats::reports::detail {

struct ReportKind {
  std::string_view name;        // "pax_monthly"
  void (*plan)(Context& cx);    // adds the kind's deliveries (and notes) to the run
  bool db::RegionFlags::*flag;  // its flag, send_<name>
};

// Every kind, in planning order.
const std::vector<ReportKind>& report_kinds();

}  // namespace paxstats::reports::detail
