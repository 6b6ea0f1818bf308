// /r/SLUG: the region over a period — its figures, the monthly run's region charts, the
// leaderboards, the Qs and every AO.
#include <map>

#include "paxstats/calendar.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/reports/monthly.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

namespace dash = db::dashboard;

std::vector<std::pair<std::string, std::string>> period_choices(date::sys_days today,
                                                                std::optional<date::sys_days> first_data) {
  const auto month = calendar::month_of(today);
  const int y = static_cast<int>(month.year());
  std::vector<std::pair<std::string, std::string>> out = {{calendar::format(month), "This month"},
                                                          {calendar::format(month - date::months{1}), "Last month"}};
  // Every year the data covers (a 2015 export opened in 2026 reaches 2015), at least two.
  const int first = first_data ? std::min(static_cast<int>(date::year_month_day{*first_data}.year()), y - 1) : y - 1;
  for (int year = y; year >= std::max(first, y - 30); --year)
    out.emplace_back(std::to_string(year), std::to_string(year));
  out.emplace_back("all", "All time");
  return out;
}

// The period chooser: this month, last month, this year, last year, all time.
std::string period_links(const PageContext& cx, const Period& chosen, const std::string& base_query) {
  std::string h = "<nav class=\"periods\" aria-label=\"Period\">";
  for (const auto& [key, label] : period_choices(cx.today, db::dashboard::data_span(cx.read()).first)) {
    const std::string q = (base_query.empty() ? "" : base_query + "&") + "period=" + key;
    h += "<a href=\"?" + esc(q) + "\"" + (key == chosen.key ? " class=\"on\"" : "") + ">" + esc(label) + "</a>";
  }
  return h + "</nav>";
}

Page region_page(PageContext& cx) {
  const Period period = period_of(cx);
  const db::report::Period& p = period.days;
  Page page;
  page.title = cx.region.name;
  if (!cx.links.static_site()) page.add(period_links(cx, period, ""));
  const auto s = dash::summary(cx.read(), p, cx.today);
  page.add("<h2>" + esc(period.title) + "</h2>");
  page.stats({{"Beatdowns", num(s.beatdowns)},
              {"AOs", num(s.aos)},
              {"Active PAX, last 30 days", num(s.active_30d)},
              {"Unique PAX", num(s.unique_pax)},
              {"Unique Qs", num(s.unique_qs)},
              {"FNGs", num(s.fngs)},
              {"Posts", num(s.posts)},
              // No beatdowns: no average (a 0.0 would claim one)
              {"Average attendance", s.beatdowns ? Cell::n(s.average_attendance, 1).text : "–"}});
  if (!s.beatdowns) {
    const auto span = dash::data_span(cx.read());
    page.add("<p class=\"empty\">No beatdowns in " + esc(period.title) +
             (!span.last ? std::string(": none is recorded yet.")
                         : ". The latest were in " + esc(calendar::month_name(calendar::month_of(*span.last))) + ".") +
             "</p>");
  }

  // The charts the monthly run posts to the 1st-F channel, for the period's month.
  const auto plan = reports::page_charts(cx.read(), period.chart_month,
                                         {"year_glance", "ao_trend", "fng_counts", "q_counts", "leaderboards"},
                                         std::nullopt, cx.real_names());
  page.add("<h2>Charts</h2><div class=\"charts\">");
  int charts = 0;
  for (const std::string want :
       {"year_glance", "ao_trend.region", "fng_counts", "q_counts.region", "leaderboards.month", "leaderboards.ytd"})
    for (const auto& d : plan.deliveries)
      if (d.report == want) {
        page.chart(cx, d.chart, d.title);
        ++charts;
      }
  page.add("</div>");
  if (!charts)
    page.add("<p class=\"empty\">No charts for " + esc(calendar::month_name(period.chart_month)) +
             ": nobody posted that month.</p>");

  Table lb{
      "leaderboard", "Leaderboard — " + period.title, {"#", "PAX", "Posts", "AOs"}, {}, "No posts in this period."};
  int rank = 0;
  for (const auto& r : cx.read().leaderboard(p, std::nullopt, 50))
    lb.rows.push_back({Cell::n(++rank),
                       {r.name, r.user_id.empty() ? "" : cx.links.pax(r.user_id)},
                       Cell::n(r.posts),
                       Cell::n(r.unique_aos)});
  page.table(cx, std::move(lb));

  // Qs by person (all AOs together).
  std::map<std::string, std::tuple<std::string, std::string, int, int>> qs;
  for (const auto& q : cx.read().q_counts(p)) {
    auto& [name, user, n_q, n_coq] = qs[q.person];
    name = q.name;
    user = q.user_id;
    n_q += q.qs;
    n_coq += q.coqs;
  }
  std::vector<std::tuple<std::string, std::string, int, int>> q_rows;
  for (auto& [person, row] : qs) q_rows.push_back(row);
  std::sort(q_rows.begin(), q_rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<2>(b), std::get<3>(b), std::get<0>(a)) <
           std::tie(std::get<2>(a), std::get<3>(a), std::get<0>(b));
  });
  Table qt{"qs", "Qs — " + period.title, {"Q", "Beatdowns led", "Co-led"}, {}, "Nobody led in this period."};
  for (const auto& [name, user, n_q, n_coq] : q_rows)
    qt.rows.push_back({{name, user.empty() ? "" : cx.links.pax(user)}, Cell::n(n_q), Cell::n(n_coq)});
  page.table(cx, std::move(qt));

  Table aos{"aos",
            "AOs",
            {"AO", "Beatdowns", "Unique PAX", "FNGs", "Site Q", "First beatdown", "Latest"},
            {},
            "No AO has a beatdown yet."};
  for (const auto& a : dash::ao_list(cx.read(), p))
    aos.rows.push_back({{a.name, cx.links.ao(a.ao_id)},
                        Cell::n(a.beatdowns),
                        Cell::n(a.unique_pax),
                        Cell::n(a.fngs),
                        {a.site_q_name, a.site_q_id.empty() ? "" : cx.links.pax(a.site_q_id)},
                        {a.first_beatdown},
                        {a.last_beatdown}});
  page.table(cx, std::move(aos));
  return page;
}

}  // namespace paxstats::web::detail
