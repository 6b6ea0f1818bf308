#pragma once
// The weekly region report (F3 regions asked for it: f3-nation PR 738): one card to the 1st-F
// channel with the week against the week before, and a message with the same sections.
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports {

// The sections of the weekly report, in the order they are shown.
const std::vector<std::string>& weekly_sections();

// Plans the weekly report of a region for the ISO week `week` (Monday to Sunday local to the
// region): a delivery "weekly" to each of the region's weekly_to (channels, and
// users by DM; opted-out and gone ones left out with a note), else to the 1st-F channel; its card and message
// hold the chosen sections (`only`: some of weekly_sections(); empty: the region's
// weekly_sections setting, or all). The plan's period
// is the week, so the outbox sends it exactly once. Throws UserError for a period that is not a
// week, or an unknown section.
MonthlyPlan plan_weekly(db::Database& db, std::string_view region, const calendar::Period& week,
                        const std::vector<std::string>& only = {});

// The week it is at business time `now` in the region's time zone.
calendar::Period current_week(db::Database& db, std::string_view region, BusinessTime now);

// Refuses (UserError) a week that has not begun, or the week under way unless allow_partial.
void check_week_is_over(db::Database& db, std::string_view region, const calendar::Period& week, BusinessTime now,
                        bool allow_partial);

}  // namespace paxstats::reports
