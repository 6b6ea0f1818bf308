#include "paxstats/reports/engagement.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>

#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"

namespace paxstats::reports {

EngagementWeights parse_engagement_weights(std::string_view text) {
  EngagementWeights w;
  auto bad = [&] {
    return UserError("engagement weights \"" + std::string(text) +
                     "\" are not a comma list of messages, replies, reactions, help and weeks, each =NUMBER (e.g. "
                     "messages=1,replies=3,reactions=0.5,help=5,weeks=2)");
  };
  for (const auto& part : split_list(text)) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) throw bad();
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    double v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v < 0 || v > 9999) throw bad();
    if (key == "messages")
      w.messages = v;
    else if (key == "replies")
      w.replies = v;
    else if (key == "reactions")
      w.reactions = v;
    else if (key == "help")
      w.help = v;
    else if (key == "weeks")
      w.weeks = v;
    else
      throw bad();
  }
  return w;
}

db::community::Window window_of(const calendar::Span& p) {
  return {calendar::format(p.first), calendar::format(p.last + date::days{1})};
}

calendar::Span current_span(db::Database& db, std::string_view region, calendar::Span::Kind kind, BusinessTime now) {
  const auto r = db::get_region(db, region);
  const auto local = date::make_zoned(r.tz, now).get_local_time();
  return calendar::span_of(kind, date::sys_days{date::floor<date::days>(local).time_since_epoch()});
}

std::vector<EngagementScore> engagement_scores(db::Database& db, std::string_view region,
                                               const calendar::Span& period) {
  const auto r = db::get_region(db, region);
  return engagement_scores(
      db::community::engagement_parts(db, region, r.tz, window_of(period), split_list(r.help_channels)),
      parse_engagement_weights(r.engagement_weights));
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
