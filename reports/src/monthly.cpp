// The monthly run, planned: which chart goes to whom with what text. Numbers come from the
// report queries (db/report_queries, through the counting rules); charts are render::Chart
// values; text comes from templates/.
#include "paxstats/reports/monthly.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <kainjow/mustache.hpp>
#include <map>
#include <regex>
#include <set>

#include "paxstats/db/aliases.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/embedded_file.hpp"
#include "paxstats/error.hpp"
#include "paxstats/slack/text.hpp"
#include "templates.hpp"

namespace paxstats::reports {


namespace {

using db::report::Period;
namespace rq = db::report;

const char* kMonthAbbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kMonthName[] = {"January", "February", "March",     "April",   "May",      "June",
                            "July",    "August",   "September", "October", "November", "December"};

// How a person is named in a message: a mention for a Slack user, else the typed name, escaped.
std::string mention(const std::string& user_id, const std::string& name) {
  return user_id.empty() ? slack::escape_text(name) : "<@" + user_id + ">";
}

// "1 post", "2 posts".
std::string plural(long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "the top 12 posters", "the top poster".
std::string top_posters(size_t n) { return n == 1 ? "top poster" : "top " + std::to_string(n) + " posters"; }

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

// The milestones (in the spirit of weaselbot's achievements), in the order they are announced.
// Each threshold is written here only; the rule's words are made from it.
enum class MilestoneRule { year_posts, month_led, month_led_aos, week_posts, year_posts_at_ao };
struct Milestone {
  const char* key;
  const char* name;
  MilestoneRule rule;
  int at;
  const char* emblem;
};
constexpr Milestone kMilestones[] = {
    {"el_quatro", "El Quatro", MilestoneRule::year_posts, 25, "star"},
    {"golden_boy", "Golden Boy", MilestoneRule::year_posts, 50, "star"},
    {"centurion", "Centurion", MilestoneRule::year_posts, 100, "trophy"},
    {"karate_kid", "Karate Kid", MilestoneRule::year_posts, 150, "trophy"},
    {"crazy_person", "Crazy Person", MilestoneRule::year_posts, 200, "trophy"},
    {"leader_of_men", "Leader of Men", MilestoneRule::month_led, 4, "medal"},
    {"the_boss", "The Boss", MilestoneRule::month_led, 6, "medal"},
    {"cadre", "Cadre", MilestoneRule::month_led_aos, 7, "medal"},
    {"six_pack", "6 pack", MilestoneRule::week_posts, 6, "flame"},
    {"holding_down_the_fort", "Holding Down the Fort", MilestoneRule::year_posts_at_ao, 50, "flame"}};

std::string rule_text(const Milestone& m) {
  const std::string n = std::to_string(m.at);
  switch (m.rule) {
    case MilestoneRule::year_posts: return n + " posts this year";
    case MilestoneRule::month_led: return "led " + n + " beatdowns in a month";
    case MilestoneRule::month_led_aos: return "led at " + n + " AOs in a month";
    case MilestoneRule::week_posts: return n + " posts in a week";
    case MilestoneRule::year_posts_at_ao: return n + " posts at one AO this year";
  }
  return n;
}

// At most this many names on one achievement card; more earners get more cards.
constexpr size_t kNamesPerCard = 16;

// One label per person in a region's charts: a person's name, and when two people share one
// (two users, or a user and a name typed without a mention that is not theirs), the shortest
// addition that tells them apart: the real name's initials, then the real name, then the end of
// the user id; typed names say "typed".
class Labels {
 public:
  explicit Labels(const std::vector<rq::PersonName>& people) {
    std::map<std::string, std::vector<const rq::PersonName*>> by_name;
    for (const auto& p : people) by_name[lower(p.name)].push_back(&p);
    for (const auto& [name, group] : by_name) {
      if (group.size() == 1) {
        label_[group[0]->person] = group[0]->name;
        continue;
      }
      for (auto suffix : {&Labels::initials, &Labels::real_name, &Labels::id_end}) {
        std::set<std::string> seen;
        bool distinct = true;
        for (const auto* p : group) distinct &= seen.insert(lower(tag(*p, suffix))).second;
        if (!distinct && suffix != &Labels::id_end) continue;
        for (const auto* p : group) label_[p->person] = p->name + " (" + tag(*p, suffix) + ")";
        break;
      }
    }
  }
  // The label of a person; `name` when the region has no such person (yet).
  std::string operator()(const std::string& person, const std::string& name) const {
    const auto it = label_.find(person);
    return it != label_.end() ? it->second : name;
  }

 private:
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string initials(const rq::PersonName& p) {
    std::string out;
    bool start = true;
    for (char c : p.real_name) {
      if (start && c != ' ') out += std::string(1, c) + ".";
      start = c == ' ';
    }
    return out;
  }
  static std::string real_name(const rq::PersonName& p) { return p.real_name; }
  static std::string id_end(const rq::PersonName& p) { return p.user_id.substr(p.user_id.size() > 4 ? p.user_id.size() - 4 : 0); }
  static std::string tag(const rq::PersonName& p, std::string (*suffix)(const rq::PersonName&)) {
    if (p.user_id.empty()) return "typed";
    const std::string t = suffix(p);
    return t.empty() ? id_end(p) : t;
  }
  std::map<std::string, std::string> label_;
};

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
    plan_.region_name = region_.name;
    plan_.month = month_;
    for (auto& g : rq::gone_recipients(db_, region_.slug)) gone_.insert(std::move(g));
    for (auto& u : db::opt_outs(db_, region_.slug)) opted_out_.insert(std::move(u));
  }

  // How charts name a person: their name, told apart from anyone else's of the same name.
  std::string label(const std::string& person, const std::string& name) {
    if (!labels_) labels_.emplace(rq::people(db_, region_.slug));
    return (*labels_)(person, name);
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
    if (wanted("year_glance")) year_glance();
    for (const auto& [report, n] : gone_skipped_)
      plan_.notes.push_back(report + ": " + plural(n, "recipient", "recipients") +
                            " left out: deactivated users or archived channels");
    for (const auto& [report, n] : opted_out_skipped_)
      plan_.notes.push_back(report + ": " + plural(n, "person", "people") + " left out: they opted out of DMs");
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
  std::optional<Labels> labels_;

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
    if (it == templates_.end()) it = templates_.emplace(name, detail::template_text(region_.templates_dir, name)).first;
    return detail::render_template(it->second, values);
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
      const std::string name = label(person, rows.front().name);
      const int streak = streaks_of.count(person) ? streaks_of[person] : 0;
      std::string subtitle = std::to_string(this_month) + " in " + month_name(month_) + " · " + std::to_string(last_month) +
                             " the month before · " + std::to_string(total) + " this year";
      if (streak > 1) subtitle += " · " + std::to_string(streak) + "-week streak";
      if (per_ao.size() == 1) {  // one series has no legend: the subtitle names the AO
        const auto& ao = per_ao.begin()->first;
        subtitle += " · all at " + (ao_names_.count(ao) ? ao_names_[ao] : ao);
      }
      auto c = chart(render::Kind::stacked_bar, "Posts by " + name + " in " + month_.substr(0, 4), subtitle);
      for (const auto& m : months) c.categories.push_back(abbr(m));
      for (auto& [ao, values] : per_ao) c.series.push_back({ao, ao_names_.count(ao) ? ao_names_[ao] : ao, values});
      c.y_title = "Posts";
      auto d = base();
      d.set("name", name);
      d.set("this_month", std::to_string(this_month));
      d.set("posts_this_month", plural(this_month, "post", "posts"));
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
        c.categories.push_back(label(r.person, r.name));
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
      totals[q.person].first = label(q.person, q.name);
      totals[q.person].second += q.qs + q.coqs;
    }
    std::vector<std::pair<std::string, std::pair<std::string, int>>> order(totals.begin(), totals.end());
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
    const size_t everyone = order.size();
    if (order.size() > 30) order.resize(30);
    auto c = chart(render::Kind::horizontal_bar, "Qs across all AOs — " + month_name(month_), "Q and Co-Q credits, by AO");
    c.cut_of = static_cast<int>(everyone);
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
    // Before an AO's first beatdown it did not exist: no data, not zero.
    std::map<std::string, std::string> first_month;
    for (auto& [ao, m] : rq::ao_first_months(db_, region_.slug)) first_month[ao] = m;
    auto existed = [&](const std::string& ao, const std::string& m) {
      auto it = first_month.find(ao);
      return it == first_month.end() || it->second <= m;
    };
    if (auto channel = firstf("ao_trend"); channel && !rows.empty()) {
      auto c = chart(render::Kind::line, "Posts per AO per month", month_name(last12.front()) + " – " + month_name(month_));
      for (const auto& m : last12) c.categories.push_back(abbr(m));
      for (const auto& [ao, months_of] : by_ao) {
        render::Series s{ao, ao_names_[ao], {}};
        for (const auto& m : last12)
          s.values.push_back(months_of.count(m) ? months_of.at(m).posts : existed(ao, m) ? 0.0 : NAN);
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
        // A month without beatdowns has 0 beatdowns (once the AO exists) and no average at all.
        beatdowns.values.push_back(it != months_of.end() ? it->second.beatdowns : existed(ao, m) ? 0.0 : NAN);
        average.values.push_back(it == months_of.end() ? NAN : std::round(it->second.average_attendance() * 10) / 10);
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
        c.categories.push_back(label(r.person, r.name));
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
      d.set("top_posters", top_posters(month_chart.categories.size()));
      deliver("leaderboards.month", *channel, false, "leaderboard-month.png", "Leaderboard — " + month_name(month_),
              fill("leaderboard_month", d), std::move(month_chart));
      auto ytd_chart = board(ytd_, "Leaderboard — " + month_.substr(0, 4) + " to date");
      d.set("count", std::to_string(ytd_chart.categories.size()));
      d.set("top_posters", top_posters(ytd_chart.categories.size()));
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
        c.categories.push_back(label(r.person, r.name));
        posts.values.push_back(r.posts);
      }
      c.series = {posts};
      auto d = base();
      d.set("ao", name);
      d.set("count", std::to_string(rows.size()));
      d.set("top_posters", top_posters(rows.size()));
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
        // Backblasts do not say who brought an FNG, only who led the beatdown they came to.
        {"most_fngs", "Most FNGs welcomed as Q", "FNGs at beatdowns they led", "medal", 1, of(&rq::PersonStats::fngs_led)},
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
          names.push_back(label(st.person, st.name));
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

  // One card per achievement reached in the month: its name, its rule, and who earned it (more
  // cards when many did). Each is earned once per period: year milestones in the month they are
  // crossed, month ones for the month, the 6 pack per week that ends in the month.
  void milestones(const std::string& channel, const std::vector<rq::PersonStats>& month_stats) {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> earned;  // key → (user id, name)
    std::map<std::string, std::set<std::string>> seen;                               // key → people
    auto earn = [&](const Milestone& m, const std::string& person, const std::string& user_id, const std::string& name) {
      if (seen[m.key].insert(person).second) earned[m.key].emplace_back(user_id, label(person, name));
    };
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
    int min_week = 1000;
    for (const auto& m : kMilestones)
      if (m.rule == MilestoneRule::week_posts) min_week = std::min(min_week, m.at);
    const auto weeks = rq::busy_weeks(db_, region_.slug, period_, min_week);
    for (const auto& m : kMilestones) {
      switch (m.rule) {
        case MilestoneRule::year_posts:
          for (const auto& [person, counts] : year)
            if (counts.second >= m.at && counts.first < m.at) earn(m, person, who[person].first, who[person].second);
          break;
        case MilestoneRule::year_posts_at_ao:
          for (const auto& [key, counts] : at_ao)
            if (counts.second >= m.at && counts.first < m.at) earn(m, key.first, who[key.first].first, who[key.first].second);
          break;
        case MilestoneRule::month_led:
        case MilestoneRule::month_led_aos:
          for (const auto& st : month_stats)
            if ((m.rule == MilestoneRule::month_led ? st.led : st.led_aos) >= m.at) earn(m, st.person, st.user_id, st.name);
          break;
        case MilestoneRule::week_posts:
          for (const auto& w : weeks)
            if (w.posts >= m.at) earn(m, w.person, w.user_id, w.name);
          break;
      }
    }
    for (const auto& m : kMilestones) {
      auto it = earned.find(m.key);
      if (it == earned.end()) continue;
      auto people = it->second;
      std::stable_sort(people.begin(), people.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
      const size_t cards = (people.size() + kNamesPerCard - 1) / kNamesPerCard;
      for (size_t k = 0; k < cards; ++k) {
        std::vector<std::string> names, mentions;
        for (size_t i = k * kNamesPerCard; i < std::min(people.size(), (k + 1) * kNamesPerCard); ++i) {
          names.push_back(people[i].second);
          mentions.push_back(mention(people[i].first, people[i].second));
        }
        render::Chart c;
        c.kind = render::Kind::award;
        c.title = c.award = m.name;
        c.person = join_names(names, names.size());
        c.figure = rule_text(m);
        c.period = month_name(month_) + (cards > 1 ? " · " + std::to_string(k + 1) + " of " + std::to_string(cards) : "");
        c.emblem = m.emblem;
        auto d = base();
        d.set("name", m.name);
        d.set("what", rule_text(m));
        d.set("who", join_names(mentions, mentions.size()));
        if (cards > 1) d.set("part", std::to_string(k + 1) + " of " + std::to_string(cards));
        const std::string suffix = cards > 1 ? "." + std::to_string(k + 1) : "";
        deliver("awards.milestone." + std::string(m.key) + suffix, channel, false,
                "award-" + std::string(m.key) + (cards > 1 ? "-" + std::to_string(k + 1) : "") + ".png",
                std::string(m.name) + " — " + month_name(month_), fill("awards_milestone", d), std::move(c));
      }
    }
  }

  // Kotter, as PAX Vault (F3 Nation's dashboard) classes it: PAX gone quiet, in four classes
  // (new PAX drop, veteran drift, seasonal, soft drift), each with where and when they were last
  // seen and their three "besties" (who they posted with most: who to ask to reach out); then the
  // regulars who have never led. To each site Q (the PAX last seen at their AOs, the regulars by
  // the AO of most posts) and the whole list to the kotter channel.
  void kotter() {
    const auto& k = region_.kotter;
    const auto as_of = day_of(period_.last);
    struct Person {
      std::string section, person, user_id, name, route_ao, last_ao_name, last_post;
      int posts = 0, days = 0, led = 0;
      double per_month = 0;
      std::vector<rq::Bestie> besties;
    };
    std::vector<Person> people;
    std::set<std::string> listed;
    const int reach = std::max({k.max_days, k.seasonal_max_days, k.soft_max_days});
    for (auto& r : rq::drift_candidates(db_, region_.slug, period_.last, k.min_days, reach)) {
      if (!r.user_id.empty() && gone_.count(r.user_id)) continue;  // deactivated: nobody to reach
      const int days = static_cast<int>((as_of - day_of(r.last_post)).count());
      const int age = static_cast<int>((as_of - day_of(r.first_post)).count());
      const double per_month = r.posts / std::max(1.0, age / 30.4375);
      std::string section;
      if (r.posts <= k.new_max_posts && days <= k.max_days && age <= k.new_first_days) section = kNewDrop;
      else if (r.posts >= k.veteran_min_posts && per_month >= k.veteran_per_month && days >= k.veteran_quiet_days &&
               days <= k.max_days)
        section = kVeteran;
      else if (r.posts >= k.seasonal_min_posts && per_month >= k.seasonal_per_month && r.recent_posts <= k.seasonal_recent_posts &&
               days >= k.seasonal_quiet_days && days <= k.seasonal_max_days && r.aos <= k.seasonal_max_aos)
        section = kSeasonal;
      else if (r.posts >= k.soft_min_posts && r.posts <= k.soft_max_posts && days >= k.soft_quiet_days && days <= k.soft_max_days)
        section = kSoft;
      else
        continue;
      listed.insert(r.person);
      people.push_back({section, r.person, r.user_id, label(r.person, r.name), r.last_ao, r.last_ao_name, r.last_post, r.posts, days,
                        r.led_ever, per_month, std::move(r.besties)});
    }
    // The regulars who have never led (posting now, or gone quiet and listed above already).
    for (auto& r : rq::kotter_candidates(db_, region_.slug, period_.last, region_.kotter_min_posts,
                                         region_.kotter_window_weeks, region_.kotter_quiet_weeks)) {
      if ((!r.user_id.empty() && gone_.count(r.user_id)) || r.led_ever > 0 || listed.count(r.person)) continue;
      Person p{kNeverLed, r.person, r.user_id, label(r.person, r.name), r.home_ao, ao_names_.count(r.home_ao) ? ao_names_[r.home_ao] : "",
               r.last_post, r.window_posts + r.quiet_posts, static_cast<int>((as_of - day_of(r.last_post)).count()), 0,
               0, {}};
      people.push_back(std::move(p));
    }
    std::vector<std::pair<std::string, std::string>> site_qs = rq::site_qs(db_, region_.slug);
    if (!region_.kotter_channel && site_qs.empty()) {
      plan_.notes.push_back("kotter: no site Qs (paxstats region site-q " + region_.slug +
                            " CHANNEL USER) and no kotter_channel: nobody to send it to");
      return;
    }
    if (people.empty()) {
      plan_.notes.push_back("kotter: nobody has drifted, and every regular has led");
      return;
    }
    const std::vector<std::string> order = {kNewDrop, kVeteran, kSeasonal, kSoft, kNeverLed};
    std::stable_sort(people.begin(), people.end(), [&](const Person& a, const Person& b) {
      const auto ia = std::find(order.begin(), order.end(), a.section), ib = std::find(order.begin(), order.end(), b.section);
      return std::tie(ia, b.posts, a.name) < std::tie(ib, a.posts, b.name);
    });
    auto send = [&](const std::string& report, const std::string& recipient, bool to_user, const std::string& where,
                    const std::vector<const Person*>& list) {
      auto c = chart(render::Kind::table, "Kotter — " + where,
                     "As of " + date::format("%b %d, %Y", as_of) + ": PAX who have drifted, by PAX Vault's classes");
      c.columns = {"Posts", "Per month", "Days quiet"};
      c.text_columns = {"Last seen", "Besties"};
      kainjow::mustache::data sections{kainjow::mustache::data::type::list};
      std::string current;
      kainjow::mustache::data entries{kainjow::mustache::data::type::list};
      // The message names the first of each section (the chart has everyone): 18 lines shared
      // by the sections fit Slack's length, and one long section cannot crowd out the others.
      std::map<std::string, int> titles;  // section → people in it
      for (const auto* p : list) ++titles[p->section];
      // The chart shows the first 15 of a section (most posts first), so a region of a thousand
      // PAX still gets an image Slack can show; its heading says how many there are.
      constexpr int kChartRows = 15;
      const int kPerSection = std::max(2, 18 / static_cast<int>(std::max<size_t>(titles.size(), 1)));
      int in_section = 0;
      auto close_section = [&] {
        if (current.empty()) return;
        kainjow::mustache::data sec;
        sec.set("title", current);
        sec.set("hint", section_hint(current));
        sec.set("people", entries);
        if (in_section > kPerSection) sec.set("more", std::to_string(in_section - kPerSection));
        sections.push_back(sec);
        entries = kainjow::mustache::data{kainjow::mustache::data::type::list};
        in_section = 0;
      };
      for (const auto* p : list) {
        if (p->section != current) {
          close_section();
          current = p->section;
          const int n = titles[current];
          c.rows.emplace_back(current + " · " + std::to_string(n) +
                                  (n > kChartRows ? ", the " + std::to_string(kChartRows) + " with most posts shown" : ""),
                              std::vector<double>{});  // a section heading
          c.row_texts.emplace_back();
        }
        const std::string seen = (p->last_ao_name.empty() ? "" : p->last_ao_name + ", ") +
                                 date::format("%b %d", day_of(p->last_post));
        std::vector<std::string> bestie_names, bestie_mentions;
        for (const auto& b : p->besties) {
          bestie_names.push_back(label(b.person, b.name));
          bestie_mentions.push_back(mention(b.user_id, b.name));
        }
        ++in_section;
        if (in_section <= kChartRows) {
          const double per_month = p->section == kNeverLed ? NAN : std::round(p->per_month * 10) / 10;
          c.rows.emplace_back(p->name, std::vector<double>{double(p->posts), per_month, double(p->days)});
          c.row_texts.push_back({seen, join_names(bestie_names, 3)});
        }
        if (in_section > kPerSection) continue;  // in the chart only
        kainjow::mustache::data item;
        item.set("who", mention(p->user_id, p->name));
        item.set("posts", std::to_string(p->posts));
        item.set("posts_text", plural(p->posts, "post", "posts"));
        item.set("last_post", date::format("%b %d", day_of(p->last_post)));
        if (!p->last_ao_name.empty()) item.set("last_ao", p->last_ao_name);
        item.set("days", plural(p->days, "day", "days"));
        if (!bestie_mentions.empty()) item.set("besties", join_names(bestie_mentions, 3));
        entries.push_back(item);
      }
      close_section();
      fit_rows(c);
      auto d = base();
      if (to_user) d.set("site_q", "<@" + recipient + ">");
      d.set("where", where);
      d.set("as_of", date::format("%b %d, %Y", as_of));
      d.set("sections", sections);
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
        if (std::find(aos.begin(), aos.end(), p.route_ao) != aos.end()) theirs.push_back(&p);
      if (!theirs.empty()) send("kotter.site_q", user, true, join_names(names, 10), theirs);
    }
  }

  // The region's year at a glance, as F3 Nation's bot sends it on the 2nd: the rolling 12 months
  // in three panels (posts, unique PAX, FNGs), each against the 12 months before (dashed).
  void year_glance() {
    auto channel = firstf("year_glance");
    if (!channel) return;
    std::string first = month_;
    for (int i = 0; i < 23; ++i) first = previous_month(first);
    const auto months = months_between(first, month_);  // 24: the year before, then this one
    std::map<std::string, rq::RegionMonth> by_month;
    for (const auto& r : rq::region_months(db_, region_.slug, {rq::month(first).first, period_.last})) by_month[r.month] = r;
    // Before the region's first beatdown there is no data (not zeros).
    std::string start;
    for (const auto& [ao, m] : rq::ao_first_months(db_, region_.slug)) start = start.empty() ? m : std::min(start, m);
    auto value = [&](const std::string& m, int rq::RegionMonth::*field) {
      if (auto it = by_month.find(m); it != by_month.end()) return double(it->second.*field);
      return !start.empty() && m >= start ? 0.0 : NAN;
    };
    const std::vector<std::string> before(months.begin(), months.begin() + 12), now(months.begin() + 12, months.end());
    const std::string now_label = abbr(now.front()) + " " + now.front().substr(0, 4) + " – " + abbr(now.back()) + " " +
                                  now.back().substr(0, 4);
    const std::string before_label = abbr(before.front()) + " " + before.front().substr(0, 4) + " – " + abbr(before.back()) +
                                     " " + before.back().substr(0, 4);
    auto c = chart(render::Kind::line, region_.name + ": the year at a glance", "The last 12 months against the 12 before");
    for (const auto& m : now) c.categories.push_back(abbr(m));
    struct Measure {
      const char* title;
      int rq::RegionMonth::*field;
    };
    auto d = base();
    for (const Measure& m : {Measure{"Posts", &rq::RegionMonth::posts}, Measure{"Unique PAX", &rq::RegionMonth::unique_pax},
                             Measure{"FNGs", &rq::RegionMonth::fngs}}) {
      render::Series a{"now", now_label, {}, false, "#0072B2"}, b{"before", before_label, {}, true, "#868C94"};
      double sum_now = 0, sum_before = 0;
      for (size_t i = 0; i < 12; ++i) {
        a.values.push_back(value(now[i], m.field));
        b.values.push_back(value(before[i], m.field));
        if (std::isfinite(a.values.back())) sum_now += a.values.back();
        if (std::isfinite(b.values.back())) sum_before += b.values.back();
      }
      c.panels.push_back({m.title, {a, b}});
      const std::string key = m.field == &rq::RegionMonth::posts ? "posts" : m.field == &rq::RegionMonth::fngs ? "fngs" : "pax";
      if (key == "pax") {  // unique PAX do not add up over months: this month against a year ago
        d.set("pax_now", std::to_string(static_cast<long>(a.values.back())));
        d.set("pax_before", std::isfinite(b.values.back()) ? std::to_string(static_cast<long>(b.values.back())) : "–");
      } else {
        d.set(key + "_now", std::to_string(static_cast<long>(sum_now)));
        d.set(key + "_before", std::to_string(static_cast<long>(sum_before)));
      }
    }
    c.height = 560;
    d.set("range", now_label);
    d.set("range_before", before_label);
    deliver("year_glance", *channel, false, "year_glance.png", region_.name + " — the year at a glance",
            fill("year_glance", d), std::move(c));
  }

  static constexpr const char* kNewDrop = "New PAX drop";
  static constexpr const char* kVeteran = "Veteran drift";
  static constexpr const char* kSeasonal = "Seasonal";
  static constexpr const char* kSoft = "Soft drift";
  static constexpr const char* kNeverLed = "Regulars who have never Q'd";

  std::string section_hint(const std::string& section) const {
    const auto& k = region_.kotter;
    if (section == kNewDrop)
      return "new this season (" + std::to_string(k.new_max_posts) + " posts or fewer), not seen for " +
             std::to_string(k.min_days) + "+ days: a call now keeps them";
    if (section == kVeteran)
      return std::to_string(k.veteran_min_posts) + "+ posts, " + std::to_string(k.veteran_per_month) +
             "+ a month, quiet " + std::to_string(k.veteran_quiet_days) + "+ days";
    if (section == kSeasonal)
      return "come and go with the seasons: " + std::to_string(k.seasonal_min_posts) + "+ posts, quiet " +
             std::to_string(k.seasonal_quiet_days) + "–" + std::to_string(k.seasonal_max_days) + " days";
    if (section == kSoft)
      return std::to_string(k.soft_min_posts) + "–" + std::to_string(k.soft_max_posts) + " posts, quiet " +
             std::to_string(k.soft_quiet_days) + "–" + std::to_string(k.soft_max_days) + " days";
    return std::to_string(region_.kotter_min_posts) + "+ posts in the last " +
           std::to_string(region_.kotter_window_weeks + region_.kotter_quiet_weeks) + " weeks: ask them to lead one";
  }
};

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = {"pax_monthly", "q_counts", "ao_trend", "ao_summary", "fng_counts",
                                                 "leaderboards", "awards", "kotter", "year_glance"};
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
  auto d = detail::parse_problem_values(poster, channel, problems, permalink);
  return detail::render_template(detail::template_text(r.templates_dir, "feedback"), d);
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
  db::refresh_aliases(db, region);  // names typed since the last import or sync count too
  // Every report reads the posts up to the month's end, many times over: read them once.
  const rq::Snapshot snapshot(db, region, rq::month(month).last);
  auto plan = Planner(db, r, std::string(month), std::set<std::string>(only.begin(), only.end())).run();
  plan.beatdowns = rq::beatdown_count(db, region, rq::month(month));
  // The names of everyone the plan sends to or mentions, read once.
  std::set<std::string> ids;
  static const std::regex mentioned(R"(<[@#]([A-Z][A-Z0-9]{2,20})(?:\|[^>]*)?>)");
  for (const auto& d : plan.deliveries) {
    ids.insert(d.recipient);
    for (std::sregex_iterator it(d.comment.begin(), d.comment.end(), mentioned), end; it != end; ++it) ids.insert((*it)[1]);
  }
  for (auto& [id, name] : rq::names_of(db, region, {ids.begin(), ids.end()})) plan.names[id] = std::move(name);
  return plan;
}

}  // namespace paxstats::reports
