// /r/SLUG/search?q=…: PAX by name (shown or real), most posts first.
#include "paxstats/db/dashboard.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

Page search_page(PageContext& cx) {
  const std::string q = cx.param("q").substr(0, 100);
  Page page;
  page.title = "Find a PAX";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  page.add("<form method=\"get\" class=\"page-search\"><input type=\"search\" name=\"q\" value=\"" + esc(q) +
           "\" aria-label=\"Name\" autofocus> <button type=\"submit\">Search</button></form>");
  if (q.empty()) return page;
  Table t{"people", "Names holding “" + q + "”", {"PAX", "Real name", "Posts"}, {}, "Nobody by that name."};
  for (const auto& p : db::dashboard::search_people(cx.db, cx.region.slug, q, 50))
    t.rows.push_back({{p.name, p.user_id.empty() ? "" : cx.links.pax(p.user_id)}, {p.real_name}, Cell::n(p.posts)});
  page.table(cx, std::move(t));
  return page;
}

}  // namespace paxstats::web::detail
