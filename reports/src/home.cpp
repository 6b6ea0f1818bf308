#include "paxstats/reports/home.hpp"

#include <algorithm>
#include <map>

#include "paxstats/calendar.hpp"
#include "paxstats/db/report_queries.hpp"
#include "plan/milestones.hpp"

namespace paxstats::reports {

HomeFigures home_figures(db::Database& db, std::string_view region, std::string_view user_id, date::year_month ym) {
  const db::report::Reader read(db, region);
  HomeFigures h;
  h.month_name = calendar::month_name(ym);
  h.year = calendar::year_of(ym);
  const std::string person(user_id);  // a Slack user's person key is their user id
  std::map<std::string, int> by_ao;
  for (const auto& r : read.posts_by_person(calendar::year_to(ym), person)) {
    h.year_posts += r.posts;
    if (r.month == ym) h.month_posts += r.posts;
    by_ao[r.ao_name.empty() ? r.ao_id : r.ao_name] += r.posts;
  }
  h.aos.assign(by_ao.begin(), by_ao.end());
  std::stable_sort(h.aos.begin(), h.aos.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& s : read.weekly_streaks(calendar::last_day(ym), person))
    if (s.person == person) h.streak_weeks = s.weeks;
  h.next_milestone = detail::next_year_milestone(h.year_posts);
  return h;
}

}  // namespace paxstats::reports
