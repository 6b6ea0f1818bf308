#pragma once
// Community reports for any Slack workspace (README "Community analytics"): activity charts, the
// awards ceremony and the engagement table, for a month, quarter or year, to the region's
// community_channel. Planned as a MonthlyPlan whose period is the span's name ("2026-Q3"), so the
// outbox sends each exactly once.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports {

// activity, awards, engagement: the order they are planned.
const std::vector<std::string>& community_report_names();
// The awards of the ceremony, in order (setting community_awards chooses among them).
const std::vector<std::string>& community_award_names();

// Plans the community reports of a region for a period. `only`: some of community_report_names()
// (empty: all). Without a community_channel the plan is empty, with a note saying how to set it.
// Throws UserError for an unknown report name. for_page (the dashboard): planned without a
// community_channel too, addressed to "".
MonthlyPlan plan_community(db::Database& db, std::string_view region, const calendar::Period& period,
                           const std::vector<std::string>& only = {}, bool for_page = false);

// "/paxstats me" in a community region: one member's year to the month `through_month` (the current one,
// to date), their messages by month and channel, with their figures in the message (template
// community_me). nullopt when they wrote no member message that year.
std::optional<PlannedDelivery> personal_community_stats(db::Database& db, std::string_view region,
                                                        std::string_view user_id, date::year_month through_month);

// Refuses (UserError) a period that has not begun, or the one under way unless allow_partial.
void check_span_is_over(db::Database& db, std::string_view region, const calendar::Period& period, BusinessTime now,
                        bool allow_partial);

}  // namespace paxstats::reports
