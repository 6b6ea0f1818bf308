// The monthly run, planned: which chart goes to whom with what text. Numbers come from the
// report queries (db/report_queries, through the counting rules); charts are render::Chart
// values; text comes from templates/.
#include "paxstats/reports/monthly.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
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

// A template's text: the region's override file when it has one, else the built-in one.
std::string template_text(const std::optional<std::string>& dir, const std::string& name) {
  if (dir) {
    const auto file = std::filesystem::path(*dir) / (name + ".mustache");
    if (std::filesystem::exists(file)) {
      std::ifstream in(file, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) throw UserError("cannot read template " + file.string());
      kainjow::mustache::mustache check{text};
      if (!check.is_valid())
        throw UserError("template " + file.string() + " is not valid mustache: " + check.error_message() +
                        ". Fix it or remove it to use the built-in text.");
      return text;
    }
  }
  for (const auto& t : embedded_templates())
    if (t.name == name + ".mustache") return std::string(t.bytes);
  throw std::logic_error("no template " + name);
}

std::string render_template(const std::string& text, const kainjow::mustache::data& values) {
  kainjow::mustache::mustache tmpl{text};
  tmpl.set_custom_escape([](const std::string& v) { return slack::escape_text(v); });
  std::string out = tmpl.render(values);
  // A section left out leaves its line empty: drop empty lines, so no gaps open in the message.
  for (size_t at; (at = out.find("\n\n")) != std::string::npos;) out.erase(at, 1);
  while (!out.empty() && out.front() == '\n') out.erase(0, 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  // Slack asks for message text under 4,000 characters: a long list is cut at a line (or a
  // name) and the chart, which has everyone, is pointed to.
  constexpr size_t limit = 3500;
  if (out.size() > limit) {
    size_t cut = out.rfind('\n', limit - 60);
    if (cut == std::string::npos || cut < limit / 2) cut = out.rfind(", ", limit - 60);
    if (cut == std::string::npos) cut = limit - 60;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    out = out.substr(0, cut) + "\n… and more: everyone is in the chart.";
  }
  return out;
}

// How a person is named in a message: a mention for a Slack user, else the typed name, escaped.
std::string mention(const std::string& user_id, const std::string& name) {
  return user_id.empty() ? slack::escape_text(name) : "<@" + user_id + ">";
}

// "A", "A & B", "A, B & C", "A, B, C & 2 more".
std::string join_names(const std::vector<std::string>& names, size_t shown = 3) {
  std::string out;
  const size_t n = std::min(names.size(), shown);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += (i + 1 == n && names.size() <= shown) ? " & " : ", ";
    out += names[i];
  }
  if (names.size() > shown) out += " & " + std::to_string(names.size() - shown) + " more";
  return out;
}

date::sys_days day_of(const std::string& iso) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(iso.c_str(), "%d-%u-%u", &y, &m, &d);
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
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

// The milestones (in the spirit of weaselbot's achievements), in the order the message lists
// them: the year's post counts, then leading, then the week and the AO.
struct Milestone {
  const char* name;
  const char* rule;
  int year_posts = 0;  // earned by reaching this many posts in the year (0: another rule)
};
constexpr Milestone kMilestones[] = {
    {"El Quatro", "25 posts this year", 25},          {"Golden Boy", "50 posts this year", 50},
    {"Centurion", "100 posts this year", 100},        {"Karate Kid", "150 posts this year", 150},
    {"Crazy Person", "200 posts this year", 200},     {"Leader of Men", "led 4 beatdowns in a month"},
    {"The Boss", "led 6 beatdowns in a month"},       {"Cadre", "led at 7 AOs in a month"},
    {"6 pack", "6 posts in a week"},                  {"Holding Down the Fort", "50 posts at one AO this year"}};

class Planner {
 public:
  Planner(db::Database& db, const db::Region& region, std::string month, std::set<std::string> only,
          std::optional<std::string> person = std::nullopt)
      : db_(db), region_(region), month_(std::move(month)), only_(std::move(only)), person_(std::move(person)) {
    period_ = rq::month(month_);
    ytd_ = rq::year_to_month(month_);
    for (const auto& [id, name] : rq::aos(db_, region_.slug)) {
      ao_names_[id] = name;
      color_keys_.push_back(id);
    }
    plan_.region = region_.slug;
    plan_.month = month_;
    for (auto& g : rq::gone_recipients(db_, region_.slug)) gone_.insert(std::move(g));
    for (auto& u : db::opt_outs(db_, region_.slug)) opted_out_.insert(std::move(u));
  }

  MonthlyPlan run() {
    if (wanted("pax_monthly")) pax_monthly();
    if (wanted("q_counts")) q_counts();
    if (wanted("ao_trend")) ao_trend();
    if (wanted("ao_summary")) ao_summary();
    if (wanted("fng_counts")) fng_counts();
    if (wanted("leaderboards")) leaderboards();
    if (wanted("awards")) awards();
    if (wanted("kotter")) kotter();
    for (const auto& [report, n] : gone_skipped_)
      plan_.notes.push_back(report + ": " + std::to_string(n) + " recipient(s) left out: deactivated users or archived channels");
    for (const auto& [report, n] : opted_out_skipped_)
      plan_.notes.push_back(report + ": " + std::to_string(n) + " person(s) left out: they opted out of DMs");
    return std::move(plan_);
  }

 private:
  db::Database& db_;
  const db::Region& region_;
  std::string month_;
  std::set<std::string> only_;
  std::optional<std::string> person_;  // on demand: only this user's personal chart
  Period period_, ytd_;
  std::map<std::string, std::string> ao_names_;
  std::vector<std::string> color_keys_;
  std::set<std::string> gone_;  // deactivated users, archived channels
  std::map<std::string, int> gone_skipped_;
  std::set<std::string> opted_out_;  // users who asked for no DMs
  std::map<std::string, int> opted_out_skipped_;
  std::map<std::string, std::string> templates_;  // name → text, read once per run
  std::optional<std::vector<rq::PersonMonthAo>> year_posts_;
  std::optional<std::vector<rq::Streak>> streaks_;

  // Everyone's current weekly streak at the month's end (read once: personal charts and awards).
  const std::vector<rq::Streak>& streaks() {
    if (!streaks_) streaks_ = rq::weekly_streaks(db_, region_.slug, period_.last);
    return *streaks_;
  }

  // Everyone's posts this year by month and AO (read once: personal charts and milestones).
  const std::vector<rq::PersonMonthAo>& year_posts() {
    if (!year_posts_) year_posts_ = rq::posts_by_person(db_, region_.slug, ytd_);
    return *year_posts_;
  }
  MonthlyPlan plan_;

  std::string fill(const std::string& name, const kainjow::mustache::data& values) {
    auto it = templates_.find(name);
    if (it == templates_.end()) it = templates_.emplace(name, template_text(region_.templates_dir, name)).first;
    return render_template(it->second, values);
  }

  bool wanted(const std::string& report) {
    if (!only_.empty() && !only_.count(report)) return false;
    auto flag = region_.flags.find("send_" + report);
    if (!person_ && flag != region_.flags.end() && !flag->second) {
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

  // A table of many rows grows taller rather than squeezing its rows.
  static void fit_rows(render::Chart& c) { c.height = std::max(c.height, 110 + 22 * static_cast<int>(c.rows.size())); }

  void deliver(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
               std::string comment, render::Chart chart) {
    if (gone_.count(recipient)) {
      ++gone_skipped_[report];
      return;
    }
    if (to_user && opted_out_.count(recipient)) {
      ++opted_out_skipped_[report];
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

  // Each Slack user who posted this month (or this year, as the region says) gets their year so
  // far, by month and AO, with their current weekly streak.
  void pax_monthly() {
    const auto months = months_between(ytd_.first.substr(0, 7), month_);
    std::map<std::string, std::vector<rq::PersonMonthAo>> by_person;
    for (const auto& r : year_posts())
      if (!r.user_id.empty() && (!person_ || r.user_id == *person_)) by_person[r.person].push_back(r);
    std::map<std::string, int> streaks_of;
    for (const auto& s : streaks()) streaks_of[s.person] = s.weeks;
    const std::string last = previous_month(month_);
    const bool whole_year = region_.pax_monthly_audience == "year" || person_;
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
      if (this_month == 0 && !whole_year) continue;
      const std::string name = rows.front().name;
      const int streak = streaks_of.count(person) ? streaks_of[person] : 0;
      std::string subtitle = std::to_string(this_month) + " in " + month_name(month_) + " · " + std::to_string(last_month) +
                             " the month before · " + std::to_string(total) + " this year";
      if (streak > 1) subtitle += " · " + std::to_string(streak) + "-week streak";
      auto c = chart(render::Kind::stacked_bar, "Posts by " + name + " in " + month_.substr(0, 4), subtitle);
      for (const auto& m : months) c.categories.push_back(abbr(m));
      for (auto& [ao, values] : per_ao) c.series.push_back({ao, ao_names_.count(ao) ? ao_names_[ao] : ao, values});
      c.y_title = "Posts";
      auto d = base();
      d.set("name", name);
      d.set("this_month", std::to_string(this_month));
      d.set("last_month", std::to_string(last_month));
      d.set("total", std::to_string(total));
      if (streak > 1) d.set("streak", std::to_string(streak));
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
    fit_rows(c);
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

  // The awards channel, else 1st-F.
  std::optional<std::string> awards_channel() {
    if (region_.awards_channel) return region_.awards_channel;
    return firstf("awards");
  }

  // Award cards for the month's best (everyone tied for first shares the card) and the
  // milestones people reached in it. Each milestone is earned once per period: year milestones in
  // the month they are crossed, month ones for the month, the 6 pack per week.
  void awards() {
    const auto channel = awards_channel();
    if (!channel) return;
    const auto stats = rq::person_stats(db_, region_.slug, period_);
    std::map<std::string, int> streak_of;  // of those whose streak reaches into the month
    for (const auto& st : streaks())
      if (day_of(st.last_week) + date::days{6} >= day_of(period_.first)) streak_of[st.person] = st.weeks;
    struct Card {
      std::string key, award, unit, emblem;
      int min;
      std::function<int(const std::string& person)> value;
    };
    std::map<std::string, const rq::PersonStats*> by_person;
    for (const auto& st : stats) by_person[st.person] = &st;
    auto of = [&](auto field) {
      return [&by_person, field](const std::string& p) { return by_person.count(p) ? by_person.at(p)->*field : 0; };
    };
    const std::vector<Card> cards = {
        {"most_posts", "Most posts", "posts", "trophy", 1, of(&rq::PersonStats::posts)},
        {"most_qs", "Most Qs", "beatdowns led", "star", 1, of(&rq::PersonStats::led)},
        {"most_fngs", "Most FNGs brought", "FNGs at beatdowns they led", "medal", 1, of(&rq::PersonStats::fngs_led)},
        {"most_aos", "Most AOs visited", "AOs", "medal", 2, of(&rq::PersonStats::unique_aos)},
        {"longest_streak", "Longest streak", "weeks in a row", "flame", 2,
         [&](const std::string& p) { return streak_of.count(p) ? streak_of.at(p) : 0; }},
    };
    for (const auto& card : cards) {
      int best = 0;
      for (const auto& st : stats) best = std::max(best, card.value(st.person));
      if (best < card.min) continue;
      std::vector<std::string> names, mentions;
      for (const auto& st : stats)
        if (card.value(st.person) == best) {
          names.push_back(st.name);
          mentions.push_back(mention(st.user_id, st.name));
        }
      render::Chart c;
      c.kind = render::Kind::award;
      c.title = card.award;
      c.award = card.award;
      c.person = join_names(names);
      c.figure = std::to_string(best) + " " + card.unit;
      c.period = month_name(month_);
      c.emblem = card.emblem;
      auto d = base();
      d.set("award", card.award);
      d.set("winners", join_names(mentions, 50));
      d.set("figure", c.figure);
      deliver("awards." + card.key, *channel, false, "award-" + card.key + ".png", card.award + " — " + month_name(month_),
              fill("awards_card", d), std::move(c));
    }
    milestones(*channel, stats);
  }

  void milestones(const std::string& channel, const std::vector<rq::PersonStats>& month_stats) {
    struct Earned {
      std::string person, user_id, name, milestone;
    };
    std::vector<Earned> earned;
    const std::string year_of = month_.substr(0, 4);
    // Posts this year, and at each AO: crossed in this month.
    std::map<std::string, std::pair<int, int>> year;                          // person → (before, after)
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> at_ao;  // (person, ao) → (before, after)
    std::map<std::string, std::pair<std::string, std::string>> who;           // person → (user id, name)
    for (const auto& r : year_posts()) {
      for (auto* counts : {&year[r.person], &at_ao[{r.person, r.ao_id}]}) {
        if (r.month != month_) counts->first += r.posts;
        counts->second += r.posts;
      }
      who[r.person] = {r.user_id, r.name};
    }
    for (const auto& [person, counts] : year)
      for (const auto& m : kMilestones)
        if (m.year_posts && counts.second >= m.year_posts && counts.first < m.year_posts)
          earned.push_back({person, who[person].first, who[person].second, m.name});
    for (const auto& st : month_stats) {
      if (st.led >= 4)
        earned.push_back({st.person, st.user_id, st.name, "Leader of Men"});
      if (st.led >= 6)
        earned.push_back({st.person, st.user_id, st.name, "The Boss"});
      if (st.led_aos >= 7)
        earned.push_back({st.person, st.user_id, st.name, "Cadre"});
    }
    const auto weeks = rq::busy_weeks(db_, region_.slug, period_, 1);
    std::map<std::string, int> best_week;
    for (const auto& w : weeks) {
      best_week[w.person] = std::max(best_week[w.person], w.posts);
      if (w.posts >= 6) earned.push_back({w.person, w.user_id, w.name, "6 pack"});
    }
    for (const auto& [key, counts] : at_ao)
      if (counts.second >= 50 && counts.first < 50)
        earned.push_back({key.first, who[key.first].first, who[key.first].second, "Holding Down the Fort"});
    if (earned.empty()) return;
    std::stable_sort(earned.begin(), earned.end(), [](const Earned& a, const Earned& b) { return a.name < b.name; });

    render::Chart c = chart(render::Kind::table, "Achievements unlocked — " + month_name(month_),
                            "What each person reached; every milestone is earned once per period");
    c.columns = {"Posts in " + year_of, "Led this month", "AOs led", "Best week", "Achievements"};
    std::map<std::string, int> count_of;
    for (const auto& e : earned) ++count_of[e.person];
    std::map<std::string, const rq::PersonStats*> month_of;
    for (const auto& st : month_stats) month_of[st.person] = &st;
    std::set<std::string> shown;
    for (const auto& e : earned) {
      if (!shown.insert(e.person).second) continue;
      const auto* m = month_of.count(e.person) ? month_of[e.person] : nullptr;
      c.rows.emplace_back(e.name, std::vector<double>{double(year[e.person].second), double(m ? m->led : 0),
                                                      double(m ? m->led_aos : 0), double(best_week[e.person]),
                                                      double(count_of[e.person])});
    }
    // The message: one line per milestone, naming everyone who earned it (a person once per line).
    std::map<std::string, std::vector<std::string>> by_milestone;
    for (const auto& e : earned) {
      auto& names = by_milestone[e.milestone];
      const auto tag = mention(e.user_id, e.name);
      if (std::find(names.begin(), names.end(), tag) == names.end()) names.push_back(tag);
    }
    kainjow::mustache::data list{kainjow::mustache::data::type::list};
    for (const auto& m : kMilestones) {
      const auto it = by_milestone.find(m.name);
      if (it == by_milestone.end()) continue;
      kainjow::mustache::data item;
      item.set("name", m.name);
      item.set("what", m.rule);
      item.set("who", join_names(it->second, it->second.size()));
      list.push_back(item);
    }
    fit_rows(c);
    auto d = base();
    d.set("milestones", list);
    deliver("awards.milestones", channel, false, "award-milestones.png", "Achievements — " + month_name(month_),
            fill("awards_milestones", d), std::move(c));
  }

  // PAX who were regulars and have gone quiet, and regulars who have never led: to each site Q
  // (their AOs' people, by the AO each posted at most) and the whole list to the kotter channel.
  void kotter() {
    const int k = region_.kotter_min_posts, window = region_.kotter_window_weeks, quiet = region_.kotter_quiet_weeks;
    const auto as_of = day_of(period_.last);
    struct Person {
      rq::KotterRow row;
      bool missing;
    };
    std::vector<Person> people;
    for (auto& r : rq::kotter_candidates(db_, region_.slug, period_.last, k, window, quiet)) {
      if (!r.user_id.empty() && gone_.count(r.user_id)) continue;  // deactivated: nobody to reach
      const bool missing = r.window_posts >= k && r.quiet_posts == 0;
      const bool never_led = r.led_ever == 0;
      if (missing || never_led) people.push_back({std::move(r), missing});
    }
    std::vector<std::pair<std::string, std::string>> site_qs = rq::site_qs(db_, region_.slug);
    if (!region_.kotter_channel && site_qs.empty()) {
      plan_.notes.push_back("kotter: no site Qs (paxstats region site-q " + region_.slug +
                            " CHANNEL USER) and no kotter_channel: nobody to send it to");
      return;
    }
    if (people.empty()) {
      plan_.notes.push_back("kotter: nobody has gone quiet, and every regular has led");
      return;
    }
    std::stable_sort(people.begin(), people.end(), [](const Person& a, const Person& b) {
      return std::tie(b.missing, b.row.window_posts, a.row.name) < std::tie(a.missing, a.row.window_posts, b.row.name);
    });
    auto send = [&](const std::string& report, const std::string& recipient, bool to_user, const std::string& where,
                    const std::vector<const Person*>& list) {
      auto c = chart(render::Kind::table, "Kotter — " + where,
                     "As of " + date::format("%b %d, %Y", as_of) + ": quiet for " + std::to_string(quiet) +
                         "+ weeks, or never led");
      c.columns = {"Posts (" + std::to_string(window) + " wks)", "Last " + std::to_string(quiet) + " wks", "Days quiet",
                   "Times led"};
      kainjow::mustache::data missing{kainjow::mustache::data::type::list}, never{kainjow::mustache::data::type::list};
      bool any_missing = false, any_never = false;
      for (const auto* p : list) {
        const int days = static_cast<int>((as_of - day_of(p->row.last_post)).count());
        c.rows.emplace_back(p->row.name, std::vector<double>{double(p->row.window_posts), double(p->row.quiet_posts),
                                                             double(days), double(p->row.led_ever)});
        kainjow::mustache::data item;
        item.set("who", mention(p->row.user_id, p->row.name));
        item.set("last_post", date::format("%b %d", day_of(p->row.last_post)));
        if (p->missing) {
          item.set("posts", std::to_string(p->row.window_posts));
          missing.push_back(item);
          any_missing = true;
        } else {
          item.set("posts", std::to_string(p->row.window_posts + p->row.quiet_posts));
          never.push_back(item);
          any_never = true;
        }
      }
      fit_rows(c);
      auto d = base();
      if (to_user) d.set("site_q", "<@" + recipient + ">");
      d.set("where", where);
      d.set("as_of", date::format("%b %d, %Y", as_of));
      d.set("quiet_weeks", std::to_string(quiet));
      d.set("window_weeks", std::to_string(window));
      d.set("all_weeks", std::to_string(window + quiet));
      d.set("min_posts", std::to_string(k));
      d.set("missing", missing);
      d.set("never_q", never);
      d.set("has_missing", any_missing);
      d.set("has_never_q", any_never);
      deliver(report, recipient, to_user, "kotter-" + file_safe(recipient) + ".png", "Kotter — " + where, fill("kotter", d),
              std::move(c));
    };
    if (region_.kotter_channel) {
      std::vector<const Person*> all;
      for (const auto& p : people) all.push_back(&p);
      send("kotter.region", *region_.kotter_channel, false, region_.name, all);
    }
    std::map<std::string, std::vector<std::string>> aos_of;  // site Q → their AOs
    for (const auto& [ao, user] : site_qs) aos_of[user].push_back(ao);
    for (const auto& [user, aos] : aos_of) {
      std::vector<const Person*> theirs;
      std::vector<std::string> names;
      for (const auto& ao : aos) names.push_back(ao_names_.count(ao) ? ao_names_[ao] : ao);
      for (const auto& p : people)
        if (std::find(aos.begin(), aos.end(), p.row.home_ao) != aos.end()) theirs.push_back(&p);
      if (!theirs.empty()) send("kotter.site_q", user, true, join_names(names, 10), theirs);
    }
  }
};

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = {"pax_monthly", "q_counts",     "ao_trend", "ao_summary",
                                                 "fng_counts",  "leaderboards", "awards",   "kotter"};
  return names;
}

std::optional<PlannedDelivery> personal_stats(db::Database& db, std::string_view region, std::string_view user_id,
                                              std::string_view through_month) {
  rq::month(through_month);
  const auto r = db::get_region(db, region);
  const rq::Snapshot snapshot(db, region, rq::month(through_month).last);
  auto plan = Planner(db, r, std::string(through_month), {"pax_monthly"}, std::string(user_id)).run();
  if (plan.deliveries.empty()) return std::nullopt;
  return std::move(plan.deliveries.front());
}

std::string feedback_message(db::Database& db, std::string_view region, std::string_view poster,
                             std::string_view channel, const std::vector<ParseProblem>& problems,
                             std::string_view permalink) {
  const auto r = db::get_region(db, region);
  kainjow::mustache::data d;
  d.set("poster", "<@" + std::string(poster) + ">");
  d.set("channel", "<#" + std::string(channel) + ">");
  kainjow::mustache::data list{kainjow::mustache::data::type::list};
  for (const auto& p : problems) {
    kainjow::mustache::data item;
    if (p.line > 0) item.set("line", std::to_string(p.line));
    item.set("field", p.field);
    item.set("reason", p.reason);
    list.push_back(item);
  }
  d.set("problems", list);
  if (!permalink.empty()) d.set("permalink", std::string(permalink));
  return render_template(template_text(r.templates_dir, "feedback"), d);
}

std::string current_month(db::Database& db, std::string_view region, BusinessTime now) {
  const auto tz = db::get_region(db, region).tz;
  return date::format("%Y-%m", date::make_zoned(tz, now).get_local_time());
}

void check_month_is_over(db::Database& db, std::string_view region, std::string_view month, BusinessTime now,
                         bool allow_partial) {
  rq::month(month);  // throws for a malformed month
  const std::string current = current_month(db, region, now);
  const std::string m(month);
  if (m > current)
    throw UserError(m + " has not happened yet (it is " + current + " in region " + std::string(region) +
                    "'s time zone): report a month that has ended.");
  if (m == current && !allow_partial)
    throw UserError(m + " is still under way in region " + std::string(region) +
                    ": its report would be partial. Report last month, or pass --allow-partial for the month so far.");
}

std::string through_month(std::string_view current, std::string_view year) {
  if (year.empty() || year == current.substr(0, 4)) return std::string(current);
  if (year.size() != 4 || !std::all_of(year.begin(), year.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw UserError("\"" + std::string(year) + "\" is not a year: write it as YYYY, e.g. 2025");
  return std::string(year) + "-12";
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
  // Every report reads the posts up to the month's end, many times over: read them once.
  const rq::Snapshot snapshot(db, region, rq::month(month).last);
  auto plan = Planner(db, r, std::string(month), std::set<std::string>(only.begin(), only.end())).run();
  plan.beatdowns = rq::beatdown_count(db, region, rq::month(month));
  return plan;
}

}  // namespace paxstats::reports
