// The awards: a card for each of the month's bests (everyone tied for first shares it), then a
// card for each achievement reached in the month (plan/milestones).
#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "plan/context.hpp"
#include "plan/milestones.hpp"
#include "plan/words.hpp"

namespace paxstats::reports::kinds::awards {

using namespace detail;

namespace {

// The awards channel, else 1st-F.
std::optional<std::string> awards_channel(Context& cx) {
  if (cx.region.awards_channel) return cx.region.awards_channel;
  return cx.firstf("awards");
}

}  // namespace

// Award cards for the month's best (everyone tied for first shares the card) and the
// milestones people reached in it. Each milestone is earned once per period: year milestones in
// the month they are crossed, month ones for the month, the 6 pack per week.
void plan(Context& cx) {
  const auto channel = awards_channel(cx);
  if (!channel) return;
  const auto stats = cx.read.person_stats(cx.period);
  // The streak this year: weeks in a row up to the month, counted from the week of January 1st
  // (a streak since the data began ties everyone who never missed a week).
  const auto jan1 = cx.ytd.first;
  const auto first_monday = jan1 - date::days{(date::weekday{jan1} - date::Monday).count()};
  std::map<std::string, int> streak_of;  // of those whose streak reaches into the month
  for (const auto& st : cx.streaks()) {
    const auto last_week = calendar::parse_day(st.last_week);
    if (last_week + date::days{6} < cx.period.first || last_week < first_monday) continue;
    streak_of[st.person] = std::min(st.weeks, static_cast<int>((last_week - first_monday).count() / 7) + 1);
  }
  struct Card {
    std::string key, award, unit, emblem;
    int min;
    std::function<int(const std::string& person)> value;
  };
  std::map<std::string, const rq::PersonStats*> by_person;
  for (const auto& st : stats) by_person[st.person] = &st;
  auto of = [&](auto field) {
    return [&by_person, field](const std::string& p) { return by_person.count(p) ? by_person.at(p)->*field : 0; };
  };
  const std::vector<Card> cards = {
      {"most_posts", "Most posts", "posts", "trophy", 1, of(&rq::PersonStats::posts)},
      {"most_qs", "Most Qs", "beatdowns led", "star", 1, of(&rq::PersonStats::led)},
      // Backblasts do not say who brought an FNG, only who led the beatdown they came to.
      {"most_fngs", "Most FNGs welcomed as Q", "FNGs at beatdowns they led", "medal", 1,
       of(&rq::PersonStats::fngs_led)},
      {"most_aos", "Most AOs visited", "AOs", "medal", 2, of(&rq::PersonStats::unique_aos)},
      {"longest_streak", "Longest streak", "weeks in a row this year", "flame", 2,
       [&](const std::string& p) { return streak_of.count(p) ? streak_of.at(p) : 0; }},
  };
  // Everyone tied for the best shares the card, every one named; an award more people share than
  // award_max_winners honours nobody in particular and is not given: one line says why.
  std::vector<std::string> withheld;  // the lines of the awards not given
  const size_t first_card = cx.planned();
  for (const auto& card : cards) {
    int best = 0;
    for (const auto& st : stats) best = std::max(best, card.value(st.person));
    if (best < card.min) continue;
    std::vector<std::pair<std::string, std::string>> winners;  // (label, mention)
    for (const auto& st : stats)
      if (card.value(st.person) == best)
        winners.emplace_back(cx.label(st.person, st.name), mention(st.user_id, st.name));
    std::sort(winners.begin(), winners.end());
    const std::string figure = std::to_string(best) + " " + card.unit;
    if (static_cast<int>(winners.size()) > cx.region.award_max_winners) {
      const std::string why =
          not_given(card.award, cx.month_name(), winners.size(), "PAX", figure, cx.region.award_max_winners);
      withheld.push_back(why);
      cx.note("awards: " + why);
      continue;
    }
    std::vector<std::string> names, mentions;
    for (const auto& [label, m] : winners) {
      names.push_back(label);
      mentions.push_back(m);
    }
    render::Chart c;
    c.kind = render::Kind::award;
    c.title = card.award;
    c.award = card.award;
    render::set_award_names(c, names);
    c.figure = figure;
    c.period = cx.month_name();
    c.emblem = card.emblem;
    auto d = cx.base();
    d.set("award", card.award);
    d.set("winners", join_names(mentions, mentions.size()));
    d.set("figure", c.figure);
    cx.deliver("awards." + card.key, *channel, false, "award-" + card.key + ".png",
               card.award + " — " + cx.month_name(), cx.fill("awards_card", d), std::move(c));
  }
  // The awards not given are said after the last card (or in the plan's notes alone).
  if (!withheld.empty() && cx.planned() > first_card)
    for (const auto& why : withheld) cx.append_to(cx.planned() - 1, "\n" + why);
  plan_milestones(cx, *channel, stats);
}

}  // namespace paxstats::reports::kinds::awards
