// /r/SLUG/kotter (admins and site Qs): the Kotter list as the monthly report draws it — PAX who have
// drifted, by PAX Vault's classes, with their besties — as of the last complete month.
#include <cmath>
#include <map>

#include "paxstats/reports/monthly.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

Page kotter_page(PageContext& cx) {
  const date::year_month month = cx.this_month() - date::months{1};
  Page page;
  page.title = "Kotter";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  const auto plan = reports::page_charts(cx.read(), month, {"kotter"});
  const render::Chart* chart = nullptr;
  for (const auto& d : plan.deliveries)
    if (d.report == "kotter.region") chart = &d.chart;
  if (!chart) {
    page.add("<p class=\"empty\">Nobody has drifted, and every regular has led (as of the end of " +
             esc(calendar::format(month)) + ").</p>");
    return page;
  }
  const reports::FullList* everyone = nullptr;
  for (const auto& d : plan.deliveries)
    if (d.report == "kotter.region") everyone = &d.everyone;
  std::map<std::string, int> in_class;
  for (const auto& r : everyone->rows) ++in_class[r.section];
  std::string counts;
  for (const auto& r : everyone->rows)
    if (counts.find(r.section + ":") == std::string::npos && in_class.count(r.section))
      counts += (counts.empty() ? "" : ", ") + r.section + ": " + std::to_string(in_class[r.section]);
  page.add("<p>" + esc(chart->subtitle) + ". Everyone is listed (" + esc(counts) +
           "), in each class the most recently seen first, then the most posts. Classes and thresholds: <code>paxstats "
           "region show " +
           esc(cx.region.slug) + "</code> (kotter_*).</p>");
  page.add("<h2>Everyone, by class</h2>");
  Table t{"kotter", "Kotter list", {"Class", "PAX"}, {}, "Nobody."};
  t.shown = 0;  // everyone: the list a site Q acts on
  for (const auto& c : everyone->columns) t.columns.push_back(c);
  for (const auto& r : everyone->rows) {
    std::vector<Cell> cells = {{r.section}, {r.name, r.user_id.empty() ? "" : cx.links.pax(r.user_id)}};
    for (size_t i = 0; i < r.values.size(); ++i) {
      const bool number = i < 3;
      cells.push_back(number && r.values[i].empty() ? Cell{"", "", true} : Cell{r.values[i], "", number});
    }
    t.rows.push_back(std::move(cells));
  }
  page.table(cx, std::move(t));
  page.add("<h2>As the report draws it</h2><div class=\"charts\">");
  page.chart(cx, *chart, "The list as the Kotter report draws it (the first of each class)");
  page.add("</div>");
  return page;
}

}  // namespace paxstats::web::detail
