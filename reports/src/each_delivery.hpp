#pragma once
// Internal to reports/: work on each delivery of a plan, on every core.
#include <functional>
#include <string_view>

#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

// Runs work(i) for every delivery i of the plan, one worker per core taking the next one,
// reporting progress(phase, done, total) as they finish. Once all have run, the first failure is
// thrown as a UserError naming its chart ("cannot draw FILE (REPORT): why").
void each_delivery(const MonthlyPlan& plan, std::string_view phase, const Progress& progress,
                   const std::function<void(size_t)>& work);

}  // namespace paxstats::reports::detail
