// /: the regions this visitor may see.
#include "../site.hpp"

namespace paxstats::web::detail {

Page index_page([[maybe_unused]] db::Database& db, const std::vector<db::Region>& visible, const Viewer& viewer,
                [[maybe_unused]] const Links& links) {
  Page page;
  page.title = "Regions";
  if (visible.empty()) {
    page.add(viewer.signed_in ? "<p class=\"notice\">No region's dashboard is open to your Slack workspace.</p>"
                              : "<p class=\"notice\">Sign in with Slack to see your region's dashboard.</p>");
    return page;
  }
  page.add("<ul class=\"regions\">");
  for (const auto& r : visible)
    page.add("<li><a href=\"/r/" + esc(r.slug) + "\"><b>" + esc(r.name) + "</b></a> <span class=\"empty\">" +
             (r.dashboard == db::DashboardAccess::public_pages ? "public" : "members") + "</span></li>");
  page.add("</ul>");
  return page;
}

}  // namespace paxstats::web::detail
