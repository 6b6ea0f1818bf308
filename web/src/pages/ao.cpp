// /r/SLUG/ao/CHANNEL: one AO — its figures, trend and Q charts, top PAX, Qs, site Q and recent
// beatdowns (each linked to its Slack message).
#include "paxstats/calendar.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/reports/monthly.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

namespace dash = db::dashboard;
std::string period_links(const PageContext& cx, const Period& chosen, const std::string& base_query);

Page ao_page(PageContext& cx, const std::string& ao_id) {
  const Period period = period_of(cx);
  const db::report::Period& p = period.days;
  std::optional<dash::AoRow> ao;
  for (auto& a : dash::ao_list(cx.read(), p))
    if (a.ao_id == ao_id) ao = std::move(a);
  if (!ao) return not_found("Region " + cx.region.name + " has no AO with the channel id " + ao_id + ".");
  Page page;
  page.title = ao->name;
  page.crumbs = {{cx.region.name, cx.links.region()}};
  if (!cx.links.static_site()) page.add(period_links(cx, period, ""));
  page.add("<h2>" + esc(period.title) + "</h2>");
  page.stats({{"Beatdowns", num(ao->beatdowns)},
              {"Unique PAX", num(ao->unique_pax)},
              {"FNGs", num(ao->fngs)},
              {"First beatdown", ao->first_beatdown},
              {"Latest beatdown", ao->last_beatdown},
              {"Site Q", ao->site_q_name.empty() ? "–" : ao->site_q_name}});
  const auto plan =
      reports::page_charts(cx.read(), period.chart_month, {"ao_trend", "q_counts"}, std::nullopt, cx.real_names());
  page.add("<h2>Charts</h2><div class=\"charts\">");
  int charts = 0;
  for (const auto& d : plan.deliveries)
    if (d.recipient == ao_id) {
      page.chart(cx, d.chart, d.title);
      ++charts;
    }
  page.add("</div>");
  if (!charts)
    page.add("<p class=\"empty\">No charts for " + esc(calendar::month_name(period.chart_month)) +
             ": nobody posted at this AO that month.</p>");

  Table top{"top", "Top PAX — " + period.title, {"#", "PAX", "Posts"}, {}, "No posts in this period."};
  int rank = 0;
  for (const auto& r : cx.read().leaderboard(p, ao_id, 30))
    top.rows.push_back({Cell::n(++rank), {r.name, r.user_id.empty() ? "" : cx.links.pax(r.user_id)}, Cell::n(r.posts)});
  page.table(cx, std::move(top));

  Table qs{"qs", "Qs — " + period.title, {"Q", "Beatdowns led", "Co-led"}, {}, "Nobody led here in this period."};
  for (const auto& q : cx.read().q_counts(p, ao_id))
    qs.rows.push_back({{q.name, q.user_id.empty() ? "" : cx.links.pax(q.user_id)}, Cell::n(q.qs), Cell::n(q.coqs)});
  page.table(cx, std::move(qs));

  Table recent{"beatdowns", "Recent beatdowns", {"Date", "Q", "Title", "PAX", "FNGs", "Backblast"}, {}, "None yet."};
  for (const auto& b : dash::beatdowns(cx.read(), {ao_id, std::nullopt, 30}))
    recent.rows.push_back({{b.date},
                           {b.q_name},
                           {b.title},
                           Cell::n(b.posts),
                           Cell::n(b.fngs),
                           {"In Slack", Links::message(b.channel_id, b.ts)}});
  page.table(cx, std::move(recent));
  return page;
}

}  // namespace paxstats::web::detail
