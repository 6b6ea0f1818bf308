#pragma once
// The engagement score (README "Community analytics"): for each member, over a period,
//   score = w.messages × messages + w.replies × replies to others + w.reactions × reactions received
//         + w.help × help answers + w.weeks × active weeks
// with the region's weights (setting engagement_weights) and help channels (help_channels).
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::reports {

// The weights, a region setting read in db/ (db::parse_engagement_weights).
using db::EngagementWeights;
using db::parse_engagement_weights;

struct EngagementScore {
  db::community::EngagementParts parts;
  double score = 0;
  int rank = 0;  // 1 = highest; ties share a rank
};

// Every member with a score above 0 in the period, highest first (ties: more messages, then
// name). The period's days are local to the region.
std::vector<EngagementScore> engagement_scores(db::Database& db, std::string_view region,
                                               const calendar::Period& period);

// The same from parts already read (db::community::engagement_parts) and the region's weights.
std::vector<EngagementScore> engagement_scores(std::vector<db::community::EngagementParts> parts,
                                               const EngagementWeights& weights);

// The window [first day, day after last) of a period, as the counting functions read it.
db::community::Window window_of(const calendar::Period& period);

// The span of `kind` that holds business time `now` in the region's time zone (this month,
// quarter or year).
calendar::Period current_span(db::Database& db, std::string_view region, calendar::Period::Kind kind, BusinessTime now);

}  // namespace paxstats::reports
