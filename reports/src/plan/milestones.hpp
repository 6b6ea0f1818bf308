#pragma once
// Internal to reports/: the achievements of the awards report.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "context.hpp"

namespace paxstats::reports::detail {

// One card per achievement reached in the month: its name, its rule, and who earned it (more
// cards when many did). Each is earned once per period: year milestones in the month they are
// crossed, month ones for the month, the 6 pack per week that ends in the month.
void plan_milestones(Context& cx, const std::string& channel, const std::vector<rq::PersonStats>& month_stats);

// The next posts-this-year milestone past `year_posts`, and how many posts away it is
// ("Centurion", 2); nullopt past the last one.
std::optional<std::pair<std::string, int>> next_year_milestone(int year_posts);

// The achievements crossed within a week (the weekly report's trophies): year posts, year posts
// at one AO, and posts in that week, from the same milestone table. People by label.
struct WeekTrophy {
  std::string name, rule;
  std::vector<rq::PersonName> people;  // person, user id, name (real_name unset), by name
};
std::vector<WeekTrophy> week_trophies(const db::report::Reader& read, date::sys_days monday);

}  // namespace paxstats::reports::detail
