#pragma once
// Internal to db/: common's StepTimer, as db/'s sources name it.
#include "paxstats/step_timer.hpp"

namespace paxstats::db::detail {
using paxstats::StepTimer;
}  // namespace paxstats::db::detail
