// /r/SLUG/pax/USER: one PAX — PAX Vault's figures and more (people met, bestie, people led,
// streaks, achievements), the posts-by-AO-by-month chart of any year, and every beatdown.
#include <date/date.h>

#include <regex>

#include "paxstats/calendar.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/reports/monthly.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

namespace dash = db::dashboard;

namespace {

struct Streaks {
  int current = 0, longest = 0;
};

// Weekly streaks from the Mondays of the weeks with a post: the longest run of consecutive
// weeks, and the run that ends this week or last week (a week under way does not break one).
Streaks streaks(const std::vector<std::string>& mondays, date::sys_days today) {
  Streaks s;
  int run = 0;
  date::sys_days prev{};
  for (const auto& m : mondays) {
    const auto d = calendar::parse_day(m);
    run = (run > 0 && d - prev == date::days{7}) ? run + 1 : 1;
    s.longest = std::max(s.longest, run);
    prev = d;
  }
  if (!mondays.empty()) {
    const auto t = today;
    const auto this_monday = t - (date::weekday{t} - date::Monday);
    if (prev == this_monday || prev == this_monday - date::days{7}) s.current = run;
  }
  return s;
}

std::vector<Achievement> achievements(const dash::PaxProfile& p, const Streaks& s) {
  std::vector<Achievement> out;
  auto ladder = [&](int value, std::initializer_list<std::pair<int, const char*>> steps, const std::string& unit) {
    const char* best = nullptr;
    int at = 0;
    for (const auto& [n, name] : steps)
      if (value >= n) {
        best = name;
        at = n;
      }
    if (best) out.push_back({best, num(at) + "+ " + unit});
  };
  ladder(p.posts,
         {{1, "First post"},
          {10, "Ten down"},
          {25, "Quarter century"},
          {50, "Fifty"},
          {100, "Century"},
          {250, "Iron 250"},
          {500, "Five hundred"},
          {1000, "Thousand club"}},
         p.posts == 1 ? "post" : "posts");
  ladder(p.qs + p.coqs, {{1, "First Q"}, {10, "Q ten"}, {25, "Q 25"}, {50, "Q 50"}, {100, "Q century"}},
         "beatdowns led");
  ladder(p.aos, {{3, "AO hopper"}, {5, "Explorer"}, {10, "Nomad"}}, "AOs");
  ladder(s.longest, {{4, "Month of weeks"}, {12, "Quarter streak"}, {26, "Half-year streak"}, {52, "Year streak"}},
         "weeks in a row");
  ladder(p.fngs_led, {{1, "Welcome wagon"}, {10, "Recruiter"}}, "FNGs at beatdowns led");
  ladder(p.met, {{50, "Well met"}, {100, "Connector"}, {250, "Everybody's PAX"}}, "PAX met");
  return out;
}

}  // namespace

Page pax_page(PageContext& cx, const std::string& user_id) {
  static const std::regex id(R"([UW][A-Z0-9]{2,20})");
  const auto profile = std::regex_match(user_id, id) ? dash::pax_profile(cx.read(), user_id) : std::nullopt;
  if (!profile) return not_found("Region " + cx.region.name + " has no PAX with the user id " + user_id + ".");
  const auto& p = *profile;
  const Streaks st = streaks(p.weeks, cx.today);
  Page page;
  page.title = p.name;
  page.crumbs = {{cx.region.name, cx.links.region()}};
  if (cx.real_names() && !p.real_name.empty() && p.real_name != p.name)
    page.add("<p class=\"real-name\">" + esc(p.real_name) + "</p>");
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("–") : s; };
  page.stats({{"Posts", num(p.posts)},
              {"Qs", num(p.qs)},
              {"Co-Qs", num(p.coqs)},
              {"AOs", num(p.aos)},
              {"First post", or_dash(p.first_post)},
              {"Last seen", or_dash(p.last_post)},
              {"First Q", or_dash(p.first_q)},
              {"Most recent Q", or_dash(p.last_q)},
              {"Unique PAX met", num(p.met)},
              {"Unique PAX led", num(p.led)},
              {"Current weekly streak", num(st.current)},
              {"Longest weekly streak", num(st.longest)}});
  if (!p.bestie.empty()) {
    page.add("<p class=\"bestie\">Bestie: ");
    page.add(p.bestie_id.empty() ? esc(p.bestie_name)
                                 : "<a href=\"" + esc(cx.links.pax(p.bestie_id)) + "\">" + esc(p.bestie_name) + "</a>");
    page.add(" — " + num(p.bestie_together) + " beatdowns together</p>");
  }
  const auto earned = achievements(p, st);
  page.add("<h2>Achievements</h2>");
  if (earned.empty())
    page.add("<p class=\"empty\">None yet: the first comes with the first post.</p>");
  else {
    page.add("<ul class=\"achievements\">");
    for (const auto& a : earned) page.add("<li><b>" + esc(a.name) + "</b>" + esc(a.detail) + "</li>");
    page.add("</ul>");
  }

  if (!p.years.empty()) {
    std::string year = cx.param("year");
    if (std::find(p.years.begin(), p.years.end(), year) == p.years.end()) year = p.years.back();
    page.add("<h2>Posts by AO, " + esc(year) + "</h2>");
    if (!cx.links.static_site() && p.years.size() > 1) {
      page.add("<nav class=\"periods\" aria-label=\"Year\">");
      for (const auto& y : p.years)
        page.add("<a href=\"" + esc(cx.links.pax(user_id, "year=" + y)) + "\"" + (y == year ? " class=\"on\"" : "") +
                 ">" + esc(y) + "</a>");
      page.add("</nav>");
    }
    const auto plan = reports::page_charts(cx.read(), reports::through_month(cx.this_month(), year), {"pax_monthly"},
                                           user_id, cx.real_names());
    page.add("<div class=\"charts one\">");
    for (const auto& d : plan.deliveries) page.chart(cx, d.chart);
    page.add("</div>");
  }

  Table list{"beatdowns", "Beatdowns", {"Date", "AO", "Role", "Q", "PAX", "Backblast"}, {}, "No beatdowns yet."};
  static const std::map<std::string, std::string> roles = {{"q", "Q"}, {"coq", "Co-Q"}, {"pax", "PAX"}, {"fng", "FNG"}};
  for (const auto& b : dash::beatdowns(cx.read(), {std::nullopt, p.person, 5000})) {
    const auto role = roles.find(b.role);
    list.rows.push_back({{b.date},
                         {b.ao_name, b.ao_id.empty() ? "" : cx.links.ao(b.ao_id)},
                         {role == roles.end() ? b.role : role->second},
                         {b.q_name},
                         Cell::n(b.posts),
                         {"In Slack", Links::message(b.channel_id, b.ts)}});
  }
  page.table(cx, std::move(list));
  return page;
}

}  // namespace paxstats::web::detail
