// /r/SLUG/search?q=…: PAX by name (shown, or real where the page may show real names), most posts first.
#include "paxstats/db/dashboard.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

Page search_page(PageContext& cx) {
  const std::string q = cx.param("q").substr(0, 100);
  const bool real = cx.real_names();
  Page page;
  page.title = "Find a PAX";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  page.add("<form method=\"get\" class=\"page-search\"><input type=\"search\" name=\"q\" value=\"" + esc(q) +
           "\" aria-label=\"Name\" autofocus> <button type=\"submit\">Search</button></form>");
  if (q.empty()) return page;
  Table t{"people", "Names holding “" + q + "”", {"PAX", "Posts"}, {}, "Nobody by that name."};
  if (real) t.columns = {"PAX", "Real name", "Posts"};
  for (const auto& p : db::dashboard::search_people(cx.read(), q, 50, real)) {
    std::vector<Cell> row = {{p.name, p.user_id.empty() ? "" : cx.links.pax(p.user_id)}};
    if (real) row.emplace_back(p.real_name);
    row.push_back(Cell::n(p.posts));
    t.rows.push_back(std::move(row));
  }
  page.table(cx, std::move(t));
  return page;
}

}  // namespace paxstats::web::detail
