// The community engagement report: the top members by engagement score, as a table card.
#include <cmath>

#include "paxstats/reports/engagement.hpp"
#include "plan/context.hpp"
#include "plan/words.hpp"
#include "run.hpp"

namespace paxstats::reports::detail::community_engagement {

void plan(CommunityRun& run) {
  constexpr size_t kTop = 15;
  const auto& w = run.region.engagement_weights;
  const auto scores = engagement_scores(run.parts(), w);
  auto c = run.chart(render::Kind::table, "Most engaged members",
                     run.region.name + " · " + run.period.title() + " · top " +
                         std::to_string(std::min(kTop, scores.size())) + " of " + std::to_string(scores.size()));
  c.columns = {"Score", "Messages", "Replies", "Reactions", "Help", "Weeks"};
  std::vector<std::string> top;
  for (size_t i = 0; i < scores.size() && i < kTop; ++i) {
    const auto& s = scores[i];
    c.rows.emplace_back(
        std::to_string(s.rank) + ". " + run.label(s.parts.user_id, s.parts.user_name),
        std::vector<double>{std::round(s.score * 10) / 10, static_cast<double>(s.parts.messages),
                            static_cast<double>(s.parts.replies_to_others),
                            static_cast<double>(s.parts.reactions_received), static_cast<double>(s.parts.help_answers),
                            static_cast<double>(s.parts.active_weeks)});
    if (i < 5) top.push_back(std::to_string(s.rank) + ". <@" + s.parts.user_id + ">");
  }
  c.empty_message = "No member messages in " + run.period.title();
  fit_rows(c);
  char formula[256];
  std::snprintf(
      formula, sizeof formula,
      "%g × messages + %g × replies to others + %g × reactions received + %g × help answers + %g × active weeks",
      w.messages, w.replies, w.reactions, w.help, w.weeks);
  kainjow::mustache::data d;
  d.set("top", join_names(top, top.size()));
  d.set("formula", formula);
  d.set("period_name", run.period.name);
  run.deliver("community_engagement", "engagement-" + run.period.name + ".png",
              "Most engaged members, " + run.period.title(), run.fill("community_engagement", d), std::move(c));
}

}  // namespace paxstats::reports::detail::community_engagement
