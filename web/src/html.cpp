// The parts pages are made of: escaping, links, tables (and their CSV), charts, figures.
#include <date/date.h>

#include <algorithm>
#include <cstdio>

#include "paxstats/html_escape.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/csv.hpp"
#include "paxstats/error.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/db/dashboard.hpp"
#include "site.hpp"

namespace paxstats::web::detail {

std::string esc(std::string_view text) { return html_escape(text); }

std::string url_encode(std::string_view text, std::string_view keep) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        keep.find(static_cast<char>(c)) != keep.npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string num(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Cell Cell::n(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return {buf, "", true};
}

std::string Links::up() const {
  std::string s;
  for (int i = 0; i < depth_; ++i) s += "../";
  return s;
}
std::string Links::home() const { return static_ ? up() + "index.html" : "/"; }
std::string Links::region(const std::string& query) const {
  if (static_) return up() + "index.html";
  return "/r/" + slug_ + (query.empty() ? "" : "?" + query);
}
std::string Links::ao(const std::string& id) const {
  return static_ ? up() + "ao/" + id + ".html" : "/r/" + slug_ + "/ao/" + id;
}
std::string Links::pax(const std::string& user_id, const std::string& query) const {
  if (static_) return written_pax_ && !written_pax_->count(user_id) ? "" : up() + "pax/" + user_id + ".html";
  return "/r/" + slug_ + "/pax/" + user_id + (query.empty() ? "" : "?" + query);
}
std::string Links::community() const { return static_ ? up() + "community.html" : "/r/" + slug_ + "/community"; }
std::string Links::kotter() const { return static_ ? "" : "/r/" + slug_ + "/kotter"; }
std::string Links::admin() const { return static_ ? "" : "/r/" + slug_ + "/admin"; }
std::string Links::search() const { return static_ ? "" : "/r/" + slug_ + "/search"; }
std::string Links::asset(const std::string& name) const {
  return static_ ? up() + "assets/" + name : "/assets/" + name;
}
std::string Links::csv(const std::string& page_file, const std::string& table_id, const std::string& query) const {
  if (static_) {
    const auto slash = page_file.rfind('/');
    std::string stem = page_file.substr(slash == std::string::npos ? 0 : slash + 1);
    stem = stem.substr(0, stem.rfind('.'));
    return stem + "." + table_id + ".csv";
  }
  return "?" + (query.empty() ? "" : query + "&") + "csv=" + table_id;
}
std::string Links::message(const std::string& channel_id, const std::string& ts) {
  std::string p = ts;
  p.erase(std::remove(p.begin(), p.end(), '.'), p.end());
  return "https://slack.com/archives/" + channel_id + "/p" + p;
}

std::string to_csv(const Table& t) {
  std::string out;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i) out += ',';
    append_csv_field(out, t.columns[i]);
  }
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      std::string v = row[i].text;
      if (row[i].number) v.erase(std::remove(v.begin(), v.end(), ','), v.end());
      if (row[i].number && v == "–") v.clear();  // no value: an empty cell keeps the column numeric
      // A link whose text only names where it leads ("In Slack"): the CSV has the address itself.
      if (!row[i].href.empty() && row[i].href.rfind("http", 0) == 0 && v == "In Slack") v = row[i].href;
      append_csv_field(out, v);  // a name a spreadsheet would run as a formula stays text
    }
    out += "\r\n";
  }
  return out;
}

std::string PageContext::param(const std::string& k) const {
  const auto it = params.find(k);
  return it == params.end() ? std::string() : it->second;
}

namespace {
// The query string of this page without csv= (the CSV link keeps the period and year).
std::string query_without_csv(const PageContext& cx) {
  std::string q;
  for (const auto& [k, v] : cx.params) {
    if (k == "csv") continue;
    bool plain = true;
    for (char c : v) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (!plain) continue;  // only the page's own simple parameters (period, year)
    q += (q.empty() ? "" : "&") + k + "=" + v;
  }
  return q;
}
}  // namespace

Page& Page::table(const PageContext& cx, Table t) {
  const std::string id = "t-" + t.id;
  html += "<section class=\"table\"><div class=\"table-head\"><h3>" + esc(t.caption) + "</h3>";
  if (t.rows.size() > 12)
    html += "<input type=\"search\" class=\"filter\" data-table=\"" + id +
            "\" placeholder=\"Filter…\" aria-label=\"Filter " + esc(t.caption) + "\">";
  html += "<a class=\"csv\" href=\"" + esc(cx.links.csv(cx.page_file, t.id, query_without_csv(cx))) +
          "\" download>CSV</a></div>";
  if (t.rows.empty()) {
    html += "<p class=\"empty\">" + esc(t.empty) + "</p></section>";
  } else {
    html += "<div class=\"scroll\"><table class=\"data sortable\" id=\"" + id + "\"><thead><tr>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const bool numeric = !t.rows.empty() && i < t.rows[0].size() && t.rows[0][i].number;
      html += std::string("<th scope=\"col\"") + (numeric ? " class=\"n\"" : "") + ">" + esc(t.columns[i]) + "</th>";
    }
    html += "</tr></thead><tbody>";
    const size_t drawn = t.shown && t.rows.size() > t.shown ? t.shown : t.rows.size();
    for (size_t r = 0; r < drawn; ++r) {
      const auto& row = t.rows[r];
      html += "<tr>";
      for (const auto& c : row) {
        html += c.number ? "<td class=\"n\">" : "<td>";
        if (!c.html.empty())
          html += c.html;
        else if (!c.href.empty())
          html += "<a href=\"" + esc(c.href) + "\">" + esc(c.text) + "</a>";
        else
          html += esc(c.text);
        html += "</td>";
      }
      html += "</tr>";
    }
    html += "</tbody></table></div>";
    if (drawn < t.rows.size())
      html += "<p class=\"empty\">The first " + num(static_cast<long long>(drawn)) + " of " +
              num(static_cast<long long>(t.rows.size())) + " rows are shown; the CSV has all of them.</p>";
    html += "</section>";
  }
  tables.push_back(std::move(t));
  return *this;
}

Page& Page::chart(PageContext& cx, const render::Chart& c, const std::string& caption) {
  html += "<figure class=\"chart\">" + render::svg_element(c, "c" + std::to_string(++cx.charts) + "-");
  if (!caption.empty()) html += "<figcaption>" + esc(caption) + "</figcaption>";
  html += "</figure>";
  return *this;
}

Page& Page::stats(const std::vector<std::pair<std::string, std::string>>& figures) {
  html += "<div class=\"figures\">";
  for (const auto& [label, value] : figures)
    html += "<div class=\"figure\" data-figure=\"" + esc(label) + "\"><div class=\"value" +
            (value.size() > 7 ? " long" : "") + "\">" + esc(value) + "</div><div class=\"label\">" + esc(label) +
            "</div></div>";
  html += "</div>";
  return *this;
}

Page not_found(const std::string& what) {
  Page p;
  p.status = 404;
  p.title = "Not found";
  p.add("<p class=\"notice\">" + esc(what) + "</p>");
  return p;
}

// A ?period= key as a period ("2026", "2026-10" or "all").
Period parse_period_key(const std::string& key, date::year_month this_month);

Period period_of(const PageContext& cx) {
  return parse_period(cx.param("period"), cx.today, db::dashboard::data_span(cx.read()).last);
}

Period parse_period(const std::string& asked, date::sys_days today, std::optional<date::sys_days> last_data) {
  const auto this_month = calendar::month_of(today);
  const std::optional<date::year_month> last_month =
      last_data ? std::optional(calendar::month_of(*last_data)) : std::nullopt;
  std::string key = asked;
  // A region whose data ends before this year opens on its last year, not on an empty one.
  if (key.empty())
    key = calendar::year_of(last_month && last_month->year() < this_month.year() ? *last_month : this_month);
  Period p = parse_period_key(key, this_month);
  // A year or all time charts its last month with data when the latest whole month has none.
  if (p.kind != Period::Kind::month && last_month && p.chart_month > *last_month) p.chart_month = *last_month;
  return p;
}

Period parse_period_key(const std::string& key, date::year_month this_month) {
  Period p;
  p.key = key;
  const auto last_whole = this_month - date::months{1};  // the month under way may have nothing yet
  if (key == "all") {
    p.kind = Period::Kind::all;
    p.title = "All time";
    p.days = calendar::all_days();
    p.chart_month = last_whole;
  } else if (key.size() == 4 && std::all_of(key.begin(), key.end(), ::isdigit)) {
    const date::year y{std::stoi(key)};
    if (y < date::year{1900}) throw UserError(quoted_input(key) + " is before 1900: choose a year with data, or all");
    p.kind = Period::Kind::year;
    p.title = key;
    p.days = {calendar::first_day(y / date::January), calendar::last_day(y / date::December)};
    // This year: the charts of the last whole month, unless the year is one day old.
    p.chart_month = y < this_month.year()                              ? y / date::December
                    : y == this_month.year() && last_whole.year() == y ? last_whole
                                                                       : this_month;
  } else {
    const auto ym = calendar::parse_month(key);  // UserError for anything else
    p.kind = Period::Kind::month;
    p.title = calendar::month_name(ym);
    p.days = calendar::days_of(ym);
    p.chart_month = ym;
  }
  return p;
}

}  // namespace paxstats::web::detail
