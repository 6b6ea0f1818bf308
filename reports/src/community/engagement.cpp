#include "paxstats/reports/engagement.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>

#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"

namespace paxstats::reports {

db::community::Window window_of(const calendar::Period& p) {
  return {calendar::format(p.first), calendar::format(p.last + date::days{1})};
}

calendar::Period current_span(db::Database& db, std::string_view region, calendar::Period::Kind kind,
                              BusinessTime now) {
  const auto r = db::get_region(db, region);
  const auto local = date::make_zoned(r.tz, now).get_local_time();
  return calendar::period_of(kind, date::sys_days{date::floor<date::days>(local).time_since_epoch()});
}

std::vector<EngagementScore> engagement_scores(db::Database& db, std::string_view region,
                                               const calendar::Period& period) {
  const auto r = db::get_region(db, region);
  return engagement_scores(db::community::engagement_parts(db, region, r.tz, window_of(period), r.help_channels),
                           r.engagement_weights);
}

std::vector<EngagementScore> engagement_scores(std::vector<db::community::EngagementParts> parts,
                                               const EngagementWeights& w) {
  std::vector<EngagementScore> out;
  for (auto& p : parts) {
    const double score = w.messages * static_cast<double>(p.messages) +
                         w.replies * static_cast<double>(p.replies_to_others) +
                         w.reactions * static_cast<double>(p.reactions_received) +
                         w.help * static_cast<double>(p.help_answers) + w.weeks * static_cast<double>(p.active_weeks);
    if (score > 0) out.push_back({std::move(p), score, 0});
  }
  std::sort(out.begin(), out.end(), [](const EngagementScore& a, const EngagementScore& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.parts.messages != b.parts.messages) return a.parts.messages > b.parts.messages;
    return a.parts.user_name != b.parts.user_name ? a.parts.user_name < b.parts.user_name
                                                  : a.parts.user_id < b.parts.user_id;
  });
  for (size_t i = 0; i < out.size(); ++i)
    out[i].rank = i > 0 && out[i].score == out[i - 1].score ? out[i - 1].rank : static_cast<int>(i) + 1;
  return out;
}

}  // namespace paxstats::reports
