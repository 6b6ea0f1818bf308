#pragma once
// A member's own page inside Slack (the App Home): their month and year, their weekly streak,
// their AOs and the next milestone, as numbers the service lays out as Slack blocks.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>

#include "paxstats/db/database.hpp"

namespace paxstats::reports {

struct HomeFigures {
  std::string month_name;  // "December 2026" (the month under way)
  std::string year;        // "2026"
  int month_posts = 0, year_posts = 0;
  int streak_weeks = 0;                          // consecutive weeks with a post, up to now
  std::vector<std::pair<std::string, int>> aos;  // this year's AOs by name, most posts first
  // The next posts-this-year milestone and how many posts it is away ("Centurion", 2).
  std::optional<std::pair<std::string, int>> next_milestone;
};

// `user_id`'s figures in `month` (the month under way in the region), through the
// counting rules as every report. A user with no post this year gets zeros and the first milestone.
HomeFigures home_figures(db::Database& db, std::string_view region, std::string_view user_id, date::year_month month);

}  // namespace paxstats::reports
