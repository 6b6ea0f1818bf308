#include "milestones.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "paxstats/calendar.hpp"
#include "words.hpp"

namespace paxstats::reports::detail {

namespace {

// The milestones (in the spirit of weaselbot's achievements), in the order they are announced.
// Each threshold is written here only; the rule's words are made from it.
enum class MilestoneRule { year_posts, month_led, month_led_aos, week_posts, year_posts_at_ao };
struct Milestone {
  const char* key;
  const char* name;
  MilestoneRule rule;
  int at;
  const char* emblem;
};
constexpr Milestone kMilestones[] = {
    {"el_quatro", "El Quatro", MilestoneRule::year_posts, 25, "star"},
    {"golden_boy", "Golden Boy", MilestoneRule::year_posts, 50, "star"},
    {"centurion", "Centurion", MilestoneRule::year_posts, 100, "trophy"},
    {"karate_kid", "Karate Kid", MilestoneRule::year_posts, 150, "trophy"},
    {"crazy_person", "Crazy Person", MilestoneRule::year_posts, 200, "trophy"},
    {"leader_of_men", "Leader of Men", MilestoneRule::month_led, 4, "medal"},
    {"the_boss", "The Boss", MilestoneRule::month_led, 6, "medal"},
    {"cadre", "Cadre", MilestoneRule::month_led_aos, 7, "medal"},
    {"six_pack", "6 pack", MilestoneRule::week_posts, 6, "flame"},
    {"holding_down_the_fort", "Holding Down the Fort", MilestoneRule::year_posts_at_ao, 50, "flame"}};

std::string rule_text(const Milestone& m) {
  const std::string n = std::to_string(m.at);
  switch (m.rule) {
    case MilestoneRule::year_posts: return n + " posts this year";
    case MilestoneRule::month_led: return "led " + n + " beatdowns in a month";
    case MilestoneRule::month_led_aos: return "led at " + n + " AOs in a month";
    case MilestoneRule::week_posts: return n + " posts in a week";
    case MilestoneRule::year_posts_at_ao: return n + " posts at one AO this year";
  }
  return n;
}

// At most this many names on one achievement card; more earners get more cards.
constexpr size_t kNamesPerCard = 16;

}  // namespace

std::optional<std::pair<std::string, int>> next_year_milestone(int year_posts) {
  for (const auto& m : kMilestones)
    if (m.rule == MilestoneRule::year_posts && m.at > year_posts)
      return std::pair{std::string(m.name), m.at - year_posts};
  return std::nullopt;
}

void plan_milestones(Context& cx, const std::string& channel, const std::vector<rq::PersonStats>& month_stats) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> earned;  // key → (user id, name)
  std::map<std::string, std::set<std::string>> seen;                               // key → people
  auto earn = [&](const Milestone& m, const std::string& person, const std::string& user_id, const std::string& name) {
    if (seen[m.key].insert(person).second) earned[m.key].emplace_back(user_id, cx.label(person, name));
  };
  // Posts this year, and at each AO: crossed in this month.
  std::map<std::string, std::pair<int, int>> year;                           // person → (before, after)
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> at_ao;  // (person, ao) → (before, after)
  std::map<std::string, std::pair<std::string, std::string>> who;            // person → (user id, name)
  for (const auto& r : cx.year_posts()) {
    for (auto* counts : {&year[r.person], &at_ao[{r.person, r.ao_id}]}) {
      if (r.month != cx.ym) counts->first += r.posts;
      counts->second += r.posts;
    }
    who[r.person] = {r.user_id, r.name};
  }
  int min_week = 1000;
  for (const auto& m : kMilestones)
    if (m.rule == MilestoneRule::week_posts) min_week = std::min(min_week, m.at);
  const auto weeks = cx.read.busy_weeks(cx.period, min_week);
  for (const auto& m : kMilestones) {
    switch (m.rule) {
      case MilestoneRule::year_posts:
        for (const auto& [person, counts] : year)
          if (counts.second >= m.at && counts.first < m.at) earn(m, person, who[person].first, who[person].second);
        break;
      case MilestoneRule::year_posts_at_ao:
        for (const auto& [key, counts] : at_ao)
          if (counts.second >= m.at && counts.first < m.at)
            earn(m, key.first, who[key.first].first, who[key.first].second);
        break;
      case MilestoneRule::month_led:
      case MilestoneRule::month_led_aos:
        for (const auto& st : month_stats)
          if ((m.rule == MilestoneRule::month_led ? st.led : st.led_aos) >= m.at)
            earn(m, st.person, st.user_id, st.name);
        break;
      case MilestoneRule::week_posts:
        for (const auto& w : weeks)
          if (w.posts >= m.at) earn(m, w.person, w.user_id, w.name);
        break;
    }
  }
  for (const auto& m : kMilestones) {
    auto it = earned.find(m.key);
    if (it == earned.end()) continue;
    auto people = it->second;
    std::stable_sort(people.begin(), people.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    const size_t cards = (people.size() + kNamesPerCard - 1) / kNamesPerCard;
    for (size_t k = 0; k < cards; ++k) {
      std::vector<std::string> names, mentions;
      for (size_t i = k * kNamesPerCard; i < std::min(people.size(), (k + 1) * kNamesPerCard); ++i) {
        names.push_back(people[i].second);
        mentions.push_back(mention(people[i].first, people[i].second));
      }
      render::Chart c;
      c.kind = render::Kind::award;
      c.title = c.award = m.name;
      render::set_award_names(c, names);
      c.figure = rule_text(m);
      c.period = cx.month_name() + (cards > 1 ? " · " + std::to_string(k + 1) + " of " + std::to_string(cards) : "");
      c.emblem = m.emblem;
      auto d = cx.base();
      d.set("name", m.name);
      d.set("what", rule_text(m));
      d.set("who", join_names(mentions, mentions.size()));
      const std::string suffix = cards > 1 ? "." + std::to_string(k + 1) : "";
      cx.deliver("awards.milestone." + std::string(m.key) + suffix, channel, false,
                 "award-" + std::string(m.key) + (cards > 1 ? "-" + std::to_string(k + 1) : "") + ".png",
                 std::string(m.name) + " — " + cx.month_name(), cx.fill("awards_milestone", d), std::move(c));
    }
  }
}

std::vector<WeekTrophy> week_trophies(const db::report::Reader& read, date::sys_days monday) {
  const date::sys_days sunday = monday + date::days{6};
  // "This year" is the year of the week's Sunday; a week across New Year counts from January 1st.
  const date::sys_days jan1{date::year_month_day{sunday}.year() / date::January / 1};
  const rq::Period week{monday, sunday};
  const rq::Period to_sunday{jan1, week.last};
  std::map<std::string, std::pair<int, int>> year;                           // person → (before, after)
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> at_ao;  // (person, ao) → (before, after)
  std::map<std::string, rq::PersonName> who;
  for (const auto& r : read.posts_by_day_ao(to_sunday)) {
    for (auto* counts : {&year[r.person], &at_ao[{r.person, r.ao_id}]}) {
      if (r.day < week.first) counts->first += r.posts;
      counts->second += r.posts;
    }
    who[r.person] = {r.person, r.user_id, r.name, ""};
  }
  std::map<std::string, std::map<std::string, rq::PersonName>> earned;  // key → person → who
  for (const auto& m : kMilestones) {
    auto& got = earned[m.key];
    switch (m.rule) {
      case MilestoneRule::year_posts:
        for (const auto& [person, c] : year)
          if (c.second >= m.at && c.first < m.at) got[person] = who[person];
        break;
      case MilestoneRule::year_posts_at_ao:
        for (const auto& [key, c] : at_ao)
          if (c.second >= m.at && c.first < m.at) got[key.first] = who[key.first];
        break;
      case MilestoneRule::week_posts:
        for (const auto& w : read.busy_weeks(week, m.at)) got[w.person] = {w.person, w.user_id, w.name, ""};
        break;
      case MilestoneRule::month_led:
      case MilestoneRule::month_led_aos: break;  // judged on a whole month: the monthly awards
    }
  }
  std::vector<WeekTrophy> out;
  for (const auto& m : kMilestones) {
    const auto& got = earned[m.key];
    if (got.empty()) continue;
    WeekTrophy t{m.name, rule_text(m), {}};
    for (const auto& [person, p] : got) t.people.push_back(p);
    std::stable_sort(t.people.begin(), t.people.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace paxstats::reports::detail
