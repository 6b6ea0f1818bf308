// The monthly run, planned: which chart goes to whom with what text. Numbers come from the
// report queries (db/report_queries, through the counting rules); charts are render::Chart
// values; text comes from templates/.
#include "paxstats/reports/monthly.hpp"

#include <date/date.h>

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <map>
#include <set>

#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/embedded_file.hpp"
#include "paxstats/error.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::reports {

std::span<const EmbeddedFile> embedded_templates();  // generated from templates/*.mustache

namespace {

using db::report::Period;
namespace rq = db::report;

const char* kMonthAbbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kMonthName[] = {"January", "February", "March",     "April",   "May",      "June",
                            "July",    "August",   "September", "October", "November", "December"};

std::string fill(const std::string& name, const kainjow::mustache::data& values) {
  for (const auto& t : embedded_templates())
    if (t.name == name + ".mustache") {
      kainjow::mustache::mustache tmpl{std::string(t.bytes)};
      tmpl.set_custom_escape([](const std::string& text) { return slack::escape_text(text); });
      std::string text = tmpl.render(values);
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      return text;
    }
  throw std::logic_error("no template " + name);
}

// "2026-10" → months from `first` to `last` inclusive, as YYYY-MM.
std::vector<std::string> months_between(const std::string& first, const std::string& last) {
  std::vector<std::string> out;
  int y = std::stoi(first.substr(0, 4)), m = std::stoi(first.substr(5, 2));
  const int ly = std::stoi(last.substr(0, 4)), lm = std::stoi(last.substr(5, 2));
  while (y < ly || (y == ly && m <= lm)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    out.push_back(buf);
    if (++m == 13) m = 1, ++y;
  }
  return out;
}

std::string abbr(const std::string& yyyy_mm) { return kMonthAbbr[std::stoi(yyyy_mm.substr(5, 2)) - 1]; }
std::string month_name(const std::string& yyyy_mm) {
  return std::string(kMonthName[std::stoi(yyyy_mm.substr(5, 2)) - 1]) + " " + yyyy_mm.substr(0, 4);
}
std::string previous_month(const std::string& m) {
  int y = std::stoi(m.substr(0, 4)), mo = std::stoi(m.substr(5, 2)) - 1;
  if (mo == 0) mo = 12, --y;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, mo);
  return buf;
}

std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out;
}

class Planner {
 public:
  Planner(db::Database& db, const db::Region& region, std::string month, std::set<std::string> only)
      : db_(db), region_(region), month_(std::move(month)), only_(std::move(only)) {
    period_ = rq::month(month_);
    ytd_ = rq::year_to_month(month_);
    for (const auto& [id, name] : rq::aos(db_, region_.slug)) {
      ao_names_[id] = name;
      color_keys_.push_back(id);
    }
    plan_.region = region_.slug;
    plan_.month = month_;
    for (auto& g : rq::gone_recipients(db_, region_.slug)) gone_.insert(std::move(g));
  }

  MonthlyPlan run() {
    if (wanted("pax_monthly")) pax_monthly();
    if (wanted("q_counts")) q_counts();
    if (wanted("ao_trend")) ao_trend();
    if (wanted("ao_summary")) ao_summary();
    if (wanted("fng_counts")) fng_counts();
    if (wanted("leaderboards")) leaderboards();
    for (const char* later : {"awards", "kotter"})
      if (only_.count(later)) plan_.notes.push_back(std::string(later) + ": not built yet");
    for (const auto& [report, n] : gone_skipped_)
      plan_.notes.push_back(report + ": " + std::to_string(n) + " recipient(s) left out: deactivated users or archived channels");
    return std::move(plan_);
  }

 private:
  db::Database& db_;
  const db::Region& region_;
  std::string month_;
  std::set<std::string> only_;
  Period period_, ytd_;
  std::map<std::string, std::string> ao_names_;
  std::vector<std::string> color_keys_;
  std::set<std::string> gone_;  // deactivated users, archived channels
  std::map<std::string, int> gone_skipped_;
  MonthlyPlan plan_;

  bool wanted(const std::string& report) {
    if (!only_.empty() && !only_.count(report)) return false;
    auto flag = region_.flags.find("send_" + report);
    if (flag != region_.flags.end() && !flag->second) {
      plan_.notes.push_back(report + ": off for this region (send_" + report + "=false)");
      return false;
    }
    return true;
  }

  std::optional<std::string> firstf(const std::string& report) {
    if (region_.firstf_channel) return region_.firstf_channel;
    plan_.notes.push_back(report + " (region-wide): no 1st-F channel set; paxstats region set " + region_.slug +
                          " firstf_channel=C…");
    return std::nullopt;
  }

  render::Chart chart(render::Kind kind, std::string title, std::string subtitle = {}) {
    render::Chart c;
    c.kind = kind;
    c.title = std::move(title);
    c.subtitle = std::move(subtitle);
    c.color_keys = color_keys_;
    return c;
  }

  void deliver(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
               std::string comment, render::Chart chart) {
    if (gone_.count(recipient)) {
      ++gone_skipped_[report];
      return;
    }
    plan_.deliveries.push_back({std::move(report), std::move(recipient), to_user, std::move(file), std::move(title),
                                std::move(comment), std::move(chart)});
  }

  kainjow::mustache::data base() const {
    kainjow::mustache::data d;
    d.set("region", region_.name);
    d.set("month_name", month_name(month_));
    d.set("year", month_.substr(0, 4));
    return d;
  }

  // Each Slack user who posted this month gets their year so far, by month and AO.
  void pax_monthly() {
    const auto months = months_between(ytd_.first.substr(0, 7), month_);
    std::map<std::string, std::vector<rq::PersonMonthAo>> by_person;
    for (auto& r : rq::posts_by_person(db_, region_.slug, ytd_))
      if (!r.user_id.empty()) by_person[r.person].push_back(std::move(r));
    const std::string last = previous_month(month_);
    for (const auto& [person, rows] : by_person) {
      int this_month = 0, last_month = 0, total = 0;
      std::map<std::string, std::vector<double>> per_ao;
      for (const auto& r : rows) {
        auto& values = per_ao[r.ao_id];
        values.resize(months.size());
        values[static_cast<size_t>(std::find(months.begin(), months.end(), r.month) - months.begin())] += r.posts;
        if (r.month == month_) this_month += r.posts;
        if (r.month == last) last_month += r.posts;
        total += r.posts;
      }
      if (this_month == 0) continue;
      const std::string name = rows.front().name;
      auto c = chart(render::Kind::stacked_bar, "Posts by " + name + " in " + month_.substr(0, 4),
                     std::to_string(this_month) + " in " + month_name(month_) + " · " + std::to_string(last_month) +
                         " the month before · " + std::to_string(total) + " this year");
      for (const auto& m : months) c.categories.push_back(abbr(m));
      for (auto& [ao, values] : per_ao) c.series.push_back({ao, ao_names_.count(ao) ? ao_names_[ao] : ao, values});
      c.y_title = "Posts";
      auto d = base();
      d.set("name", name);
      d.set("this_month", std::to_string(this_month));
      d.set("last_month", std::to_string(last_month));
      deliver("pax_monthly", rows.front().user_id, true, "pax_monthly-" + file_safe(rows.front().user_id) + ".png",
              "Your posts in " + month_.substr(0, 4), fill("pax_monthly", d), std::move(c));
    }
  }

  void q_counts() {
    const auto all = rq::q_counts(db_, region_.slug, period_);
    std::map<std::string, std::vector<rq::QCount>> by_ao;
    for (const auto& q : all) by_ao[q.ao_id].push_back(q);
    for (auto& [ao, rows] : by_ao) {
      auto c = chart(render::Kind::horizontal_bar, "Qs at " + ao_names_[ao] + " — " + month_name(month_), "Q and Co-Q");
      render::Series qs{"q", "Q", {}}, coqs{"coq", "Co-Q", {}};
      for (const auto& r : rows) {
        c.categories.push_back(r.name);
        qs.values.push_back(r.qs);
        coqs.values.push_back(r.coqs);
      }
      c.series = {qs, coqs};
      c.color_keys = {"q", "coq"};
      auto d = base();
      d.set("ao", ao_names_[ao]);
      deliver("q_counts.ao", ao, false, "q_counts-" + file_safe(ao) + ".png", "Qs — " + month_name(month_),
              fill("q_counts_ao", d), std::move(c));
    }
    auto channel = firstf("q_counts");
    if (!channel || all.empty()) return;
    std::map<std::string, std::pair<std::string, int>> totals;  // person → (name, total)
    for (const auto& q : all) {
      totals[q.person].first = q.name;
      totals[q.person].second += q.qs + q.coqs;
    }
    std::vector<std::pair<std::string, std::pair<std::string, int>>> order(totals.begin(), totals.end());
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
    if (order.size() > 30) order.resize(30);
    auto c = chart(render::Kind::horizontal_bar, "Qs across all AOs — " + month_name(month_), "Q and Co-Q credits, by AO");
    std::map<std::string, size_t> row;
    for (size_t i = 0; i < order.size(); ++i) {
      c.categories.push_back(order[i].second.first);
      row[order[i].first] = i;
    }
    std::map<std::string, render::Series> series;
    for (const auto& q : all) {
      if (!row.count(q.person)) continue;
      auto& s = series[q.ao_id];
      s.key = q.ao_id;
      s.label = ao_names_[q.ao_id];
      s.values.resize(order.size());
      s.values[row[q.person]] += q.qs + q.coqs;
    }
    for (auto& [k, s] : series) c.series.push_back(s);
    deliver("q_counts.region", *channel, false, "q_counts-region.png", "Qs — " + month_name(month_),
            fill("q_counts_region", base()), std::move(c));
  }

  void ao_trend() {
    std::string first = month_;
    for (int i = 0; i < 11; ++i) first = previous_month(first);
    const std::vector<std::string> last12 = months_between(first, month_);
    const Period span{rq::month(last12.front()).first, period_.last};
    const auto rows = rq::ao_months(db_, region_.slug, span);
    std::map<std::string, std::map<std::string, rq::AoMonth>> by_ao;
    for (const auto& r : rows) by_ao[r.ao_id][r.month] = r;
    if (auto channel = firstf("ao_trend"); channel && !rows.empty()) {
      auto c = chart(render::Kind::line, "Posts per AO per month", month_name(last12.front()) + " – " + month_name(month_));
      for (const auto& m : last12) c.categories.push_back(abbr(m));
      for (const auto& [ao, months_of] : by_ao) {
        render::Series s{ao, ao_names_[ao], {}};
        for (const auto& m : last12) s.values.push_back(months_of.count(m) ? months_of.at(m).posts : 0);
        c.series.push_back(std::move(s));
      }
      c.y_title = "Posts";
      deliver("ao_trend.region", *channel, false, "ao_trend-region.png", "AO trends", fill("ao_trend_region", base()), std::move(c));
    }
    for (const auto& [ao, months_of] : by_ao) {
      if (!months_of.count(month_)) continue;  // only AOs that met this month
      auto c = chart(render::Kind::line, ao_names_[ao] + ": the last 12 months", "Beatdowns and average attendance");
      c.integer_axis = false;
      render::Series beatdowns{"beatdowns", "Beatdowns", {}}, average{"average", "Average attendance", {}};
      for (const auto& m : last12) {
        c.categories.push_back(abbr(m));
        const auto it = months_of.find(m);
        beatdowns.values.push_back(it == months_of.end() ? 0 : it->second.beatdowns);
        average.values.push_back(it == months_of.end() ? 0 : std::round(it->second.average_attendance() * 10) / 10);
      }
      c.series = {beatdowns, average};
      c.color_keys = {"beatdowns", "average"};
      auto d = base();
      d.set("ao", ao_names_[ao]);
      deliver("ao_trend.ao", ao, false, "ao_trend-" + file_safe(ao) + ".png", ao_names_[ao] + " trend", fill("ao_trend_ao", d),
              std::move(c));
    }
  }

  void ao_summary() {
    auto channel = firstf("ao_summary");
    if (!channel) return;
    auto c = chart(render::Kind::table, "AO summary — " + month_name(month_),
                   "Beatdowns, posts, unique PAX, average attendance, FNGs");
    c.columns = {"Beatdowns", "Posts", "Unique PAX", "Avg attendance", "FNGs"};
    auto rows = rq::ao_months(db_, region_.slug, period_);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.posts > b.posts; });
    for (const auto& r : rows)
      c.rows.emplace_back(r.ao_name, std::vector<double>{double(r.beatdowns), double(r.posts), double(r.unique_pax),
                                                         std::round(r.average_attendance() * 10) / 10, double(r.fngs)});
    deliver("ao_summary", *channel, false, "ao_summary.png", "AO summary — " + month_name(month_), fill("ao_summary", base()),
            std::move(c));
  }

  void fng_counts() {
    auto channel = firstf("fng_counts");
    if (!channel) return;
    const auto months = months_between(ytd_.first.substr(0, 7), month_);
    auto c = chart(render::Kind::stacked_bar, "FNGs by AO in " + month_.substr(0, 4), "First-timers welcomed, month by month");
    for (const auto& m : months) c.categories.push_back(abbr(m));
    std::map<std::string, render::Series> series;
    for (const auto& r : rq::ao_months(db_, region_.slug, ytd_)) {
      if (r.fngs == 0) continue;
      auto& s = series[r.ao_id];
      s.key = r.ao_id;
      s.label = r.ao_name;
      s.values.resize(months.size());
      s.values[static_cast<size_t>(std::find(months.begin(), months.end(), r.month) - months.begin())] = r.fngs;
    }
    for (auto& [k, s] : series) c.series.push_back(s);
    c.empty_message = "No FNGs yet this year";
    deliver("fng_counts", *channel, false, "fng_counts.png", "FNGs in " + month_.substr(0, 4), fill("fng_counts", base()),
            std::move(c));
  }

  void leaderboards() {
    auto board = [&](const Period& p, const std::string& title) {
      auto c = chart(render::Kind::grouped_bar, title, "Top posters, with the AOs they posted at");
      render::Series posts{"posts", "Posts", {}}, aos{"aos", "Unique AOs", {}};
      for (const auto& r : rq::leaderboard(db_, region_.slug, p)) {
        c.categories.push_back(r.name);
        posts.values.push_back(r.posts);
        aos.values.push_back(r.unique_aos);
      }
      c.series = {posts, aos};
      c.color_keys = {"posts", "aos"};
      return c;
    };
    if (auto channel = firstf("leaderboards")) {
      auto month_chart = board(period_, "Leaderboard — " + month_name(month_));
      auto d = base();
      d.set("count", std::to_string(month_chart.categories.size()));
      deliver("leaderboards.month", *channel, false, "leaderboard-month.png", "Leaderboard — " + month_name(month_),
              fill("leaderboard_month", d), std::move(month_chart));
      auto ytd_chart = board(ytd_, "Leaderboard — " + month_.substr(0, 4) + " to date");
      d.set("count", std::to_string(ytd_chart.categories.size()));
      deliver("leaderboards.ytd", *channel, false, "leaderboard-ytd.png", "Leaderboard — " + month_.substr(0, 4),
              fill("leaderboard_ytd", d), std::move(ytd_chart));
    }
    std::map<std::string, std::vector<rq::PersonTotal>> by_ao;
    for (auto& r : rq::leaderboards_by_ao(db_, region_.slug, period_)) by_ao[r.ao_id].push_back(std::move(r.total));
    for (const auto& [ao, rows] : by_ao) {
      const std::string& name = ao_names_[ao];
      auto c = chart(render::Kind::horizontal_bar, "Top posters at " + name + " — " + month_name(month_));
      render::Series posts{ao, "Posts", {}};
      for (const auto& r : rows) {
        c.categories.push_back(r.name);
        posts.values.push_back(r.posts);
      }
      c.series = {posts};
      auto d = base();
      d.set("ao", name);
      d.set("count", std::to_string(rows.size()));
      deliver("leaderboards.ao", ao, false, "leaderboard-" + file_safe(ao) + ".png", "Leaderboard — " + month_name(month_),
              fill("leaderboard_ao", d), std::move(c));
    }
  }
};

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = {"pax_monthly", "q_counts",     "ao_trend", "ao_summary",
                                                 "fng_counts",  "leaderboards", "awards",   "kotter"};
  return names;
}

MonthlyPlan plan_monthly(db::Database& db, std::string_view region, std::string_view month, const std::vector<std::string>& only) {
  rq::month(month);  // throws for a bad month
  for (const auto& o : only)
    if (std::find(report_names().begin(), report_names().end(), o) == report_names().end()) {
      std::string all;
      for (const auto& n : report_names()) all += (all.empty() ? "" : ", ") + n;
      throw UserError("unknown report \"" + o + "\": reports are " + all);
    }
  const auto r = db::get_region(db, region);
  return Planner(db, r, std::string(month), std::set<std::string>(only.begin(), only.end())).run();
}

}  // namespace paxstats::reports
