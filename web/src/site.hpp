#pragma once
// Internal to web/: what pages are made of. Each page kind is one file in pages/; the dashboard
// (dashboard.cpp) finds the region, checks who may see it, and wraps a page in the layout
// (layout.cpp); access.cpp signs people in and out.
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/render/chart.hpp"

namespace paxstats::web::detail {

// Text for HTML, escaped once: & < > " ' (names from Slack are never trusted).
std::string esc(std::string_view text);
// Percent-encoding for a URL: everything but letters, digits and "-_.~" and the characters of
// `keep` ("/" for a path).
std::string url_encode(std::string_view text, std::string_view keep = "");
// A number people read: 1234 → "1,234".
std::string num(long long n);

// Where a page's links go: absolute paths when served, relative files in a static export.
class Links {
 public:
  Links(std::string slug, bool static_site, int depth) : slug_(std::move(slug)), static_(static_site), depth_(depth) {}
  bool static_site() const { return static_; }
  std::string home() const;
  std::string region(const std::string& query = "") const;
  std::string ao(const std::string& id) const;
  std::string pax(const std::string& user_id, const std::string& query = "") const;
  std::string community() const;
  std::string kotter() const;  // "" in a static export
  std::string admin() const;   // "" in a static export
  std::string search() const;  // "" in a static export (the filter box remains)
  std::string asset(const std::string& name) const;
  // A table's CSV: ?csv=ID on this page, or a file beside it.
  std::string csv(const std::string& page_file, const std::string& table_id, const std::string& query) const;
  // The Slack message of a beatdown or parse issue.
  static std::string message(const std::string& channel_id, const std::string& ts);
  // A static export writes a page for some people only: pax() links those, and "" (no link) for others.
  void only_pax_pages(std::shared_ptr<const std::set<std::string>> written) { written_pax_ = std::move(written); }

 private:
  std::string up() const;
  std::string slug_;
  bool static_;
  int depth_;
  std::shared_ptr<const std::set<std::string>> written_pax_;
};

struct Cell {
  Cell() = default;
  Cell(std::string t, std::string h = {}, bool n = false, std::string raw = {})
      : text(std::move(t)), href(std::move(h)), number(n), html(std::move(raw)) {}
  Cell(const char* t) : text(t) {}
  std::string text, href;
  bool number = false;
  std::string html;  // made by the page itself (a form whose values it escaped): shown as is, left out of CSV
  static Cell n(long long v) { return {num(v), "", true}; }
  static Cell n(double v, int decimals);
};
struct Table {
  std::string id, caption;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::string empty = "Nothing yet.";
  // Rows drawn on the page (0: all): a page stays small for a phone (under 5,000 elements);
  // the CSV always has every row, and the page says so.
  size_t shown = 250;
};
std::string to_csv(const Table& t);

// Who is looking, and at what.
struct Viewer {
  bool signed_in = false, admin = false;
  std::string user_id, name, team_id, csrf;
};

struct PageContext {
  db::Database& db;
  const db::Region& region;
  const Viewer& viewer;
  const Links& links;
  date::sys_days today;  // the business date in the region
  BusinessTime now;
  std::multimap<std::string, std::string> params;  // the query string
  std::string path;                                // as requested (for ?csv= links)
  std::string page_file;                           // static export: this page's file name
  std::string param(const std::string& k) const;
  int charts = 0;  // charts drawn so far: their ids are unique
  // Where the page reads the region's posts: its posts cache (set while one stands for the page).
  const db::report::Reader* reader = nullptr;
  const db::report::Reader& read() const {
    if (!reader) throw std::logic_error("a dashboard page read its region's posts without its posts cache");
    return *reader;
  }
  // Whether the page may show real names: F3 goes by F3 names, so a page anyone can see (a
  // public dashboard, a static export) shows them only when the region's public_real_names says so.
  date::year_month this_month() const { return calendar::month_of(today); }  // the month of today
  bool real_names() const {
    return region.public_real_names || (region.dashboard != db::DashboardAccess::public_pages && !links.static_site());
  }
};

// A page as its kind builds it: the main content (HTML), its tables (also in the HTML), the
// title. status 404 with a message when the thing asked for does not exist.
struct Page {
  int status = 200;
  std::string title, html;
  std::vector<std::pair<std::string, std::string>> crumbs;  // (text, href) above the title
  std::vector<Table> tables;
  // Adds HTML.
  Page& add(std::string_view html_text) {
    html += html_text;
    return *this;
  }
  // Adds a table (and keeps it for its CSV), with a filter box when it is long.
  Page& table(const PageContext& cx, Table t);
  // Adds a chart as inline SVG in a figure.
  Page& chart(PageContext& cx, const render::Chart& c, const std::string& caption = "");
  // Figures in a row: <div class=cards> … </div>.
  Page& stats(const std::vector<std::pair<std::string, std::string>>& figures);
};
Page not_found(const std::string& what);

// The whole document: head, header (region, sign-in), crumbs, the page, footer.
std::string layout(const Page& page, const Viewer& viewer, const Links& links, const std::string& region_name,
                   const std::string& region_slug, const std::string& login_next);
// The stylesheet and script every page links.
const std::string& stylesheet();
const std::string& script();

// The region's period chooser: ?period=YYYY-MM, YYYY or all (default: this year).
struct Period {
  enum class Kind { all, year, month } kind = Kind::year;
  std::string key, title;        // the ?period= text it was read from ("2026", "2026-10", "all"); "2026"
  calendar::Days days;           // 2026-01-01 to 2026-12-31
  date::year_month chart_month;  // the month whose monthly charts the page shows
};
// The page's period: the one asked for, else the latest year with data (this year when it has
// any); charts of the latest whole month, or of the last month with data when that is earlier.
Period period_of(const PageContext& cx);
// The same from the ?period= text, today's date and the last day with data (none: no data);
// UserError (a 400 page that repeats the text safely) for anything else, and for years before 1900.
Period parse_period(const std::string& asked, date::sys_days today,
                    std::optional<date::sys_days> last_data = std::nullopt);
// The periods a region or AO page offers on `today`: (the ?period= key, its label), this month,
// last month, every year from this one back to the first with data (at least this year and the
// last), and all time.
std::vector<std::pair<std::string, std::string>> period_choices(
    date::sys_days today, std::optional<date::sys_days> first_data = std::nullopt);

// The page kinds (pages/*.cpp).
Page index_page(db::Database& db, const std::vector<db::Region>& visible, const Viewer& viewer, const Links& links);
Page region_page(PageContext& cx);
Page ao_page(PageContext& cx, const std::string& ao_id);
Page pax_page(PageContext& cx, const std::string& user_id);
Page kotter_page(PageContext& cx);
Page community_page(PageContext& cx);
Page search_page(PageContext& cx);
Page admin_page(PageContext& cx, const std::string& notice);

// Achievements of a person's record (pages/achievements.cpp).
struct Achievement {
  std::string name, detail;
};

}  // namespace paxstats::web::detail
