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
  const auto stats = rq::person_stats(cx.db, cx.region.slug, cx.period);
  std::map<std::string, int> streak_of;  // of those whose streak reaches into the month
  for (const auto& st : cx.streaks())
    if (calendar::parse_day(st.last_week) + date::days{6} >= calendar::parse_day(cx.period.first))
      streak_of[st.person] = st.weeks;
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
      {"longest_streak", "Longest streak", "weeks in a row", "flame", 2,
       [&](const std::string& p) { return streak_of.count(p) ? streak_of.at(p) : 0; }},
  };
  for (const auto& card : cards) {
    int best = 0;
    for (const auto& st : stats) best = std::max(best, card.value(st.person));
    if (best < card.min) continue;
    std::vector<std::string> names, mentions;
    for (const auto& st : stats)
      if (card.value(st.person) == best) {
        names.push_back(cx.label(st.person, st.name));
        mentions.push_back(mention(st.user_id, st.name));
      }
    render::Chart c;
    c.kind = render::Kind::award;
    c.title = card.award;
    c.award = card.award;
    c.person = join_names(names);
    c.figure = std::to_string(best) + " " + card.unit;
    c.period = cx.month_name();
    c.emblem = card.emblem;
    auto d = cx.base();
    d.set("award", card.award);
    d.set("winners", join_names(mentions, 50));
    d.set("figure", c.figure);
    cx.deliver("awards." + card.key, *channel, false, "award-" + card.key + ".png",
               card.award + " — " + cx.month_name(), cx.fill("awards_card", d), std::move(c));
  }
  plan_milestones(cx, *channel, stats);
}

}  // namespace paxstats::reports::kinds::awards
