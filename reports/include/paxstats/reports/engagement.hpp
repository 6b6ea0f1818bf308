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

struct EngagementWeights {
  double messages = 1, replies = 3, reactions = 0.5, help = 5, weeks = 2;
};
// "messages=1,replies=3,reactions=0.5,help=5,weeks=2" (any subset; the rest keep their default).
// Throws UserError naming the text for anything else.
EngagementWeights parse_engagement_weights(std::string_view text);

struct EngagementScore {
  db::community::EngagementParts parts;
  double score = 0;
  int rank = 0;  // 1 = highest; ties share a rank
};

// Every member with a score above 0 in the period, highest first (ties: more messages, then
// name). The period's days are local to the region.
std::vector<EngagementScore> engagement_scores(db::Database& db, std::string_view region, const calendar::Span& period);

// The same from parts already read (db::community::engagement_parts) and the region's weights.
std::vector<EngagementScore> engagement_scores(std::vector<db::community::EngagementParts> parts,
                                               const EngagementWeights& weights);

// The window [first day, day after last) of a period, as the counting functions read it.
db::community::Window window_of(const calendar::Span& period);

// The span of `kind` that holds business time `now` in the region's time zone (this month,
// quarter or year).
calendar::Span current_span(db::Database& db, std::string_view region, calendar::Span::Kind kind, BusinessTime now);

}  // namespace paxstats::reports
