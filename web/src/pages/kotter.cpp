// /r/SLUG/kotter (admins): the Kotter list as the monthly report draws it — PAX who have
// drifted, by PAX Vault's classes, with their besties — as of the last complete month.
#include <cmath>

#include "paxstats/reports/monthly.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

Page kotter_page(PageContext& cx) {
  const std::string month = shift_month(cx.today.substr(0, 7), -1);
  Page page;
  page.title = "Kotter";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  const auto plan = reports::page_charts(cx.db, cx.region.slug, month, {"kotter"});
  const render::Chart* chart = nullptr;
  for (const auto& d : plan.deliveries)
    if (d.report == "kotter.region") chart = &d.chart;
  if (!chart) {
    page.add("<p class=\"empty\">Nobody has drifted, and every regular has led (as of the end of " + esc(month) +
             ").</p>");
    return page;
  }
  page.add("<p>" + esc(chart->subtitle) + ". Classes and thresholds: <code>paxstats region show " +
           esc(cx.region.slug) + "</code> (kotter_*).</p>");
  Table t{"kotter", "Kotter list", {"Class", "PAX"}, {}, "Nobody."};
  for (const auto& c : chart->columns) t.columns.push_back(c);
  for (const auto& c : chart->text_columns) t.columns.push_back(c);
  std::string section;
  for (size_t i = 0; i < chart->rows.size(); ++i) {
    const auto& [label, values] = chart->rows[i];
    if (values.empty()) {
      section = label;
      continue;
    }
    std::vector<Cell> cells = {{section}, {label}};
    for (const double v : values)
      cells.push_back(std::isnan(v) ? Cell{"–", "", true} : Cell::n(v, v == std::floor(v) ? 0 : 1));
    if (i < chart->row_texts.size())
      for (const auto& text : chart->row_texts[i]) cells.push_back({text});
    t.rows.push_back(std::move(cells));
  }
  page.table(cx, std::move(t));
  page.add("<div class=\"charts\">");
  page.chart(cx, *chart, "The same list as the Kotter report draws it");
  page.add("</div>");
  return page;
}

}  // namespace paxstats::web::detail
