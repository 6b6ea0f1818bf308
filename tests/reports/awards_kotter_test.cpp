// Awards, milestones, Kotter, streaks, opt-outs and template folders of the monthly run, on a
// generated year, each number recomputed here from the generator's truth.json (not from SQL).
#include <date/date.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../mining/truth_support.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/text.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using json = nlohmann::json;

namespace {

date::sys_days day_of(const std::string& iso) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(iso.c_str(), "%d-%u-%u", &y, &m, &d);
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}
date::sys_days monday_of(date::sys_days d) { return d - (date::weekday{d} - date::Monday); }

// One person as the reports name them in a message: a mention, or the typed name escaped.
struct Person {
  std::string user_id, name;
  std::string key() const {  // as the posts view: typed names without case
    std::string n = name;
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return user_id.empty() ? "name:" + n : user_id;
  }
  std::string who() const { return user_id.empty() ? slack::escape_text(name) : "<@" + user_id + ">"; }
};
const test::Identities* ids_ = nullptr;

// A truth.json person as the reports count them: a typed name of a user is that user.
Person person_of(const json& ref) {
  if (const auto user = ids_->user_of(ref); !user.empty()) return Person{user, ""};
  return Person{"", ref["name"].get<std::string>()};
}

// The truth, as attendance rows: one per person per beatdown.
struct Post {
  std::string person, date, ao;
  bool led = false;
  int fngs = 0;   // FNGs at the beatdown, when this person led it
  size_t bd = 0;  // which beatdown (its place in truth.json)
};

class AwardsKotter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 57;
    o.pax = 120;
    o.months = 12;
    ws_ = new test::GeneratedWorkspace(o);
    ids_ = new test::Identities(ws_->path());
    for (const auto& u : test::load_json(ws_->path() / "users.json"))
      if (u["deleted"] == true) deactivated_.insert(u["id"].get<std::string>());
    size_t bd = 0;
    for (const auto& b : ws_->truth["beatdowns"]) {
      ++bd;
      std::set<std::string> leaders{person_of(b["q"]).key()};
      for (const auto& c : b["coqs"]) leaders.insert(person_of(c).key());
      std::set<std::string> counted;  // a mention and a typed alias of one user: one post
      for (const auto& p : b["pax"]) {
        const Person who = person_of(p);
        if (!counted.insert(who.key()).second) continue;
        people_[who.key()] = who;
        const bool led = leaders.count(who.key()) > 0;
        posts_.push_back({who.key(), b["date"], b["ao"], led, led ? b["fngs"]["count"].get<int>() : 0, bd});
      }
    }
  }
  static void TearDownTestSuite() { delete ws_; }
  void SetUp() override {
    db::add_region(conn, "r", "F3 Test", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
    db::set_region(conn, "r", {{"firstf_channel", ws_->truth["region"]["firstf_channel"].get<std::string>()}});
  }

  static std::vector<reports::PlannedDelivery> of(const reports::MonthlyPlan& plan, const std::string& report) {
    std::vector<reports::PlannedDelivery> out;
    for (const auto& d : plan.deliveries)
      if (d.report == report) out.push_back(d);
    return out;
  }
  // person → value, over the posts of [first, last].
  template <class F>
  static std::map<std::string, int> per_person(const std::string& first, const std::string& last, F value) {
    std::map<std::string, int> out;
    for (const auto& p : posts_)
      if (p.date >= first && p.date <= last) out[p.person] += value(p);
    return out;
  }
  // The current weekly streak of each person on `day` (see db::report::weekly_streaks); with
  // this_year, counted from the week of January 1st of day's year (the award's).
  static std::map<std::string, int> streaks(const std::string& day, bool this_year = false) {
    std::map<std::string, std::set<date::sys_days>> weeks;
    for (const auto& p : posts_)
      if (p.date <= day) weeks[p.person].insert(monday_of(day_of(p.date)));
    std::map<std::string, int> out;
    const auto this_week = monday_of(day_of(day));
    for (const auto& [person, set] : weeks) {
      auto w = set.count(this_week) ? this_week : this_week - date::days{7};
      int n = 0;
      const auto jan1 = day_of(day.substr(0, 4) + "-01-01");
      for (; set.count(w) && (!this_year || w + date::days{6} >= jan1); w -= date::days{7}) ++n;
      if (n) out[person] = n;
    }
    return out;
  }
  // The lines "• WHO …" of a message, as WHO → the rest, under each "*header*" line.
  static std::map<std::string, std::set<std::string>> bullets(const std::string& text) {
    std::map<std::string, std::set<std::string>> out;
    std::istringstream in(text);
    std::string section;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("*"))
        section = line.substr(1, line.find('*', 1) - 1);
      else if (line.starts_with("• "))
        out[section].insert(line.substr(strlen("• ")));
    }
    return out;
  }

  static inline test::GeneratedWorkspace* ws_ = nullptr;
  static inline std::vector<Post> posts_;
  static inline std::map<std::string, Person> people_;
  static inline std::set<std::string> deactivated_;
  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

TEST_F(AwardsKotter, AwardCardsNameEveryoneTiedForTheBestAsTheTruthCountsThem) {
  const std::string first = "2026-10-01", last = "2026-10-31";
  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"awards"});
  std::map<std::string, std::map<std::string, int>> want;
  want["awards.most_posts"] = per_person(first, last, [](const Post&) { return 1; });
  want["awards.most_qs"] = per_person(first, last, [](const Post& p) { return p.led ? 1 : 0; });
  want["awards.most_fngs"] = per_person(first, last, [](const Post& p) { return p.fngs; });
  std::map<std::string, std::set<std::string>> aos;
  for (const auto& p : posts_)
    if (p.date >= first && p.date <= last) aos[p.person].insert(p.ao);
  for (const auto& [person, set] : aos) want["awards.most_aos"][person] = static_cast<int>(set.size());
  for (const auto& [person, weeks] : streaks(last, true))
    if (want["awards.most_posts"].count(person)) want["awards.longest_streak"][person] = weeks;

  std::string all_text;
  for (const auto& d : plan.deliveries) all_text += d.comment + "\n";
  int given = 0, not_given = 0;
  for (const auto& [report, values] : want) {
    int best = 0, tied = 0;
    for (const auto& [person, v] : values) best = std::max(best, v);
    for (const auto& [person, v] : values) tied += v == best;
    const auto cards = of(plan, report);
    if (tied > 10) {  // award_max_winners: not given, and the awards' message says why
      ++not_given;
      EXPECT_TRUE(cards.empty()) << report << " given to " << tied;
      EXPECT_NE(all_text.find(std::to_string(tied) + " PAX share it"), std::string::npos) << report << "\n" << all_text;
      continue;
    }
    ++given;
    ASSERT_EQ(cards.size(), 1u) << report;
    EXPECT_EQ(cards[0].chart.figure.substr(0, cards[0].chart.figure.find(' ')), std::to_string(best)) << report;
    const auto alt = render::alt_text(cards[0].chart);
    for (const auto& [person, v] : values) {
      const bool mentioned = cards[0].comment.find(people_[person].who()) != std::string::npos;
      EXPECT_EQ(mentioned, v == best) << report << ": " << person << " has " << v << ", best " << best << "\n"
                                      << cards[0].comment;
      // Every winner on the card and in its alt text, by name; no "& N more".
      const auto names = render::award_names(cards[0].chart.person);
      // As labelled: the name the region knows them by, told apart when shared.
      std::string name = people_[person].name;
      if (!people_[person].user_id.empty())
        for (const auto& [id, n] : db::report::Reader(conn, "r").names_of({people_[person].user_id})) name = n;
      const bool on_card = std::any_of(names.begin(), names.end(),
                                       [&](const std::string& n) { return n == name || n.starts_with(name + " ("); });
      EXPECT_EQ(on_card, v == best) << report << ": " << name << " on the card";
      if (v == best) {
        EXPECT_NE(alt.find(name), std::string::npos) << alt;
      }
    }
    EXPECT_EQ(alt.find(" more"), std::string::npos) << alt;
    EXPECT_EQ(alt.find(cards[0].chart.award + ". " + cards[0].chart.award), std::string::npos) << "said twice: " << alt;
  }
  EXPECT_GT(given, 0);
}

TEST_F(AwardsKotter, MilestonesAreThoseCrossedInTheMonthAndNoOthers) {
  for (const std::string month : {"2026-01", "2026-06", "2026-10"}) {
    const std::string first = month + "-01";
    const auto ym = date::year_month_day{day_of(first)}.year() / date::year_month_day{day_of(first)}.month();
    const std::string last = date::format("%F", date::sys_days{ym / date::last});
    const std::string year_start = month.substr(0, 4) + "-01-01";
    std::set<std::pair<std::string, std::string>> want;  // (who, milestone)
    const auto before = per_person(year_start, first.substr(0, 8) + "00", [](const Post&) { return 1; });
    for (const auto& [person, n] : per_person(year_start, last, [](const Post&) { return 1; })) {
      const int was = before.count(person) ? before.at(person) : 0;
      for (auto [at, name] : std::vector<std::pair<int, std::string>>{
               {25, "El Quatro"}, {50, "Golden Boy"}, {100, "Centurion"}, {150, "Karate Kid"}, {200, "Crazy Person"}})
        if (n >= at && was < at) want.insert({people_[person].who(), name});
    }
    for (const auto& [person, n] : per_person(first, last, [](const Post& p) { return p.led ? 1 : 0; })) {
      if (n >= 4) want.insert({people_[person].who(), "Leader of Men"});
      if (n >= 6) want.insert({people_[person].who(), "The Boss"});
    }
    std::map<std::string, std::set<std::string>> led_at;
    std::map<std::pair<std::string, date::sys_days>, int> week_posts;
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> at_ao;  // before, through the month
    for (const auto& p : posts_) {
      if (p.date >= first && p.date <= last && p.led) led_at[p.person].insert(p.ao);
      week_posts[{p.person, monday_of(day_of(p.date))}] += 1;
      if (p.date >= year_start && p.date < first) ++at_ao[{p.person, p.ao}].first;
      if (p.date >= year_start && p.date <= last) ++at_ao[{p.person, p.ao}].second;
    }
    for (const auto& [person, set] : led_at)
      if (set.size() >= 7) want.insert({people_[person].who(), "Cadre"});
    for (const auto& [key, n] : week_posts) {
      const auto sunday = date::format("%F", key.second + date::days{6});
      if (n >= 6 && sunday >= first && sunday <= last) want.insert({people_[key.first].who(), "6 pack"});
    }
    for (const auto& [key, n] : at_ao)
      if (n.second >= 50 && n.first < 50) want.insert({people_[key.first].who(), "Holding Down the Fort"});

    const auto plan = reports::plan_monthly(conn, "r", test::ym(month), {"awards"});
    // One card per achievement (more when many earned it), each message naming that card's people:
    // "• *Name* (rule): who, who & who". Together they name exactly those who earned it, once.
    std::map<std::string, std::set<std::string>> by_milestone;
    for (const auto& [who, milestone] : want) by_milestone[milestone].insert(who);
    std::map<std::string, std::map<std::string, int>> named;  // milestone → who → cards naming them
    for (const auto& d : plan.deliveries) {
      if (!d.report.starts_with("awards.milestone.")) continue;
      EXPECT_EQ(d.chart.kind, render::Kind::award) << d.report;
      const auto lines = bullets(d.comment)[""];
      ASSERT_EQ(lines.size(), 1u) << d.comment;
      const std::string& line = *lines.begin();
      const std::string name = line.substr(1, line.find('*', 1) - 1);
      EXPECT_EQ(d.chart.award, name);
      EXPECT_EQ(d.chart.figure, line.substr(line.find(" (") + 2, line.find("): ") - line.find(" (") - 2)) << "the rule";
      const std::string names = line.substr(line.find("): ") + 3);
      size_t length = 0, n = 0;
      for (const auto& who : by_milestone[name])
        if (names.find(who) != std::string::npos) {
          ++named[name][who];
          length += who.size();
          ++n;
        }
      EXPECT_LE(n, 16u) << "at most 16 names on a card";
      EXPECT_EQ(names.size(), length + (n > 1 ? 2 * n - 1 : 0)) << month << ": someone else in " << line;
    }
    for (const auto& [name, whos] : by_milestone) {
      EXPECT_EQ(named[name].size(), whos.size()) << month << " " << name;
      for (const auto& [who, cards] : named[name])
        EXPECT_EQ(cards, 1) << who << " on " << cards << " cards of " << name;
    }
    for (const auto& [name, whos] : named)
      EXPECT_TRUE(by_milestone.count(name)) << month << ": " << name << " not earned";
  }
}

TEST_F(AwardsKotter, KotterClassesThePaxWhoDriftedAsPaxVaultDoesAndNamesTheirBesties) {
  db::set_region(conn, "r",
                 {{"kotter_channel", ws_->truth["region"]["firstf_channel"].get<std::string>()},
                  {"kotter_min_posts", "3"},
                  {"kotter_window_weeks", "6"},
                  {"kotter_quiet_weeks", "3"},
                  {"kotter_veteran_min_posts", "40"},
                  {"kotter_seasonal_min_posts", "20"},
                  {"mention_budget", "1000"}});  // every name a mention, to be read back
  // A site Q for every AO: the first Slack user (not deactivated) who led there.
  std::map<std::string, std::string> site_q;
  for (const auto& b : ws_->truth["beatdowns"])
    if (b["q"].contains("user_id") && !deactivated_.count(b["q"]["user_id"]) && !site_q.count(b["ao"]))
      site_q[b["ao"]] = b["q"]["user_id"];
  for (const auto& [ao, user] : site_q) db::set_site_q(conn, "r", ao, user);

  // PAX Vault's classes, recomputed from the truth with the region's thresholds.
  const std::string day = "2026-09-30";
  const auto as_of = day_of(day);
  struct History {
    int posts = 0, recent = 0, led = 0;
    std::set<std::string> aos;
    std::string first = "9999", last, last_ao;
    std::map<size_t, bool> beatdowns;
  };
  std::map<std::string, History> h;
  for (const auto& p : posts_) {
    if (p.date > day) continue;
    auto& x = h[p.person];
    ++x.posts;
    x.led += p.led;
    x.aos.insert(p.ao);
    x.first = std::min(x.first, p.date);
    if (p.date >= x.last) x.last = p.date, x.last_ao = p.ao;
    if (day_of(p.date) > as_of - date::days{90}) ++x.recent;
    x.beatdowns[p.bd] = true;
  }
  std::map<std::string, std::set<std::string>> want;  // section → who
  std::set<std::string> listed;
  for (const auto& [person, x] : h) {
    if (deactivated_.count(person)) continue;
    const int days = static_cast<int>((as_of - day_of(x.last)).count()),
              age = static_cast<int>((as_of - day_of(x.first)).count());
    const double per_month = x.posts / std::max(1.0, age / 30.4375);
    const int aos = static_cast<int>(x.aos.size());
    std::string section;
    if (days < 14) continue;
    if (x.posts <= 6 && days <= 90 && age <= 90)
      section = "New PAX drop";
    else if (x.posts >= 40 && per_month >= 4 && days >= 21 && days <= 90)
      section = "Veteran drift";
    else if (x.posts >= 20 && per_month >= 2 && x.recent <= 1 && days >= 30 && days <= 120 && aos <= 2)
      section = "Seasonal";
    else if (x.posts >= 7 && x.posts <= 99 && days >= 21 && days <= 45)
      section = "Soft drift";
    else
      continue;
    want[section].insert(people_[person].who());
    listed.insert(person);
  }
  // The regulars who never led: 3+ posts in the last 9 weeks, none led ever, not listed above.
  const auto since = date::format("%F", as_of - date::days{7 * 9});
  for (const auto& [person, n] :
       per_person(since.substr(0, 8) + since.substr(8), day, [&](const Post& p) { return p.date > since ? 1 : 0; }))
    if (n >= 3 && !deactivated_.count(person) && h[person].led == 0 && !listed.count(person))
      want["Regulars who have never Q'd"].insert(people_[person].who());
  ASSERT_GE(want.size(), 3u) << "the generated region should drift in several ways";

  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-09"), {"kotter"}, "https://stats.example.org");
  // Who a line names; a name two people share carries what tells them apart, "Klinger (typed)".
  auto whos = [](const std::set<std::string>& lines) {
    std::set<std::string> out;
    for (const auto& l : lines) {
      std::string who = l.substr(0, l.find(':'));
      if (who.ends_with(")") && who.rfind(" (") != std::string::npos) who.erase(who.rfind(" ("));
      out.insert(who);
    }
    return out;
  };
  std::vector<reports::PlannedDelivery> region;   // the region's list: its pages, in order
  const reports::PlannedDelivery* csv = nullptr;  // everyone, as a CSV in the same message
  for (const auto& d : plan.deliveries)
    if (d.report == "kotter.region.csv")
      csv = &d;
    else if (d.report == "kotter.region" || d.report.starts_with("kotter.region."))
      region.push_back(d);
  ASSERT_GE(region.size(), 1u);
  ASSERT_TRUE(csv);
  EXPECT_FALSE(csv->is_chart());
  EXPECT_EQ(csv->post, region[0].post) << "the CSV goes in the list's first message";
  EXPECT_TRUE(csv->file.ends_with(".csv"));
  EXPECT_NE(region[0].text().find("<https://stats.example.org/r/r/kotter|the Kotter page>"), std::string::npos)
      << region[0].text();
  // Issue 30: the charts have everyone, in labelled sections (a class that goes on to the next page
  // says so), each with the most recently seen first; the message names the first of each.
  std::map<std::string, size_t> in_chart;
  std::string heading;
  double last_days = 0;
  for (const auto& page : region)
    for (const auto& [label, values] : page.chart.rows) {
      if (values.empty()) {
        heading = label.ends_with(" (continued)") ? label.substr(0, label.size() - strlen(" (continued)")) : label;
        if (!label.ends_with(" (continued)")) last_days = 0;
        continue;
      }
      ++in_chart[heading];
      EXPECT_GE(values[2], last_days) << heading << ": " << label << " out of order (days quiet)";
      last_days = values[2];
    }
  for (const auto& [title, who] : want) {
    const std::string label = title + " · " + std::to_string(who.size());
    EXPECT_EQ(in_chart[label], who.size()) << label;
  }
  EXPECT_EQ(in_chart.size(), want.size());
  // The CSV: a header, then a row for each person in the charts, named in full, with their class.
  std::map<std::string, size_t> in_csv;
  {
    std::istringstream lines(csv->attachment);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "Class,PAX,Slack user id,Posts,Per month,Days quiet,Last seen,Besties\r");
    while (std::getline(lines, line)) {
      const std::string section = line.substr(0, line.find(','));
      for (const auto& [title, who] : want) {
        if (title != section) continue;
        ++in_csv[title + " · " + std::to_string(who.size())];
        // A person is who(): their mention, or a typed name as written.
        const std::string rest = line.substr(section.size() + 1);
        std::string name = rest.starts_with("\"") ? rest.substr(1) : rest;
        bool named = false;
        for (const auto& w : who)
          named = named || name.starts_with(w) ||
                  (w.starts_with("<@") && rest.find("," + w.substr(2, w.size() - 3) + ",") != std::string::npos);
        EXPECT_TRUE(named) << line;
      }
    }
  }
  EXPECT_EQ(in_csv, in_chart);
  auto sections = bullets(region[0].comment);
  sections.erase("");
  EXPECT_EQ(region[0].comment.find("… and more"), std::string::npos) << "every section fits the message";
  for (const auto& [title, lines] : sections) {
    ASSERT_TRUE(want.count(title)) << title << "\n" << region[0].comment;
    for (const auto& who : whos(lines)) EXPECT_TRUE(want[title].count(who)) << who << " is not " << title;
    // The first of each section in the message (18 lines shared), then how many more the chart has.
    const size_t per = std::max<size_t>(2, 18 / want.size());
    EXPECT_EQ(lines.size(), std::min(per, want[title].size())) << title;
    if (want[title].size() > per) {
      EXPECT_NE(region[0].comment.find("… and " + std::to_string(want[title].size() - per) + " more in the " +
                                       (region.size() > 1 ? std::to_string(region.size()) + " charts" : "chart") +
                                       " and the CSV"),
                std::string::npos)
          << region[0].comment;
    }
  }
  EXPECT_EQ(sections.size(), want.size()) << region[0].comment;
  size_t entries = 0;

  // Each drifted PAX names where and when they were last seen, and besties who really are the
  // three they posted with most.
  for (const auto& [title, lines] : sections) {
    if (title == "Regulars who have never Q'd") continue;
    for (const auto& line : lines) {
      ++entries;
      std::string person;
      for (const auto& [k, p] : people_)
        if (line.starts_with(p.who() + ":") || line.starts_with(p.who() + " (")) person = k;
      ASSERT_FALSE(person.empty()) << line;
      const auto& x = h[person];
      EXPECT_NE(line.find("on " + date::format("%b %d", day_of(x.last))), std::string::npos) << line;
      std::map<std::string, int> together;
      for (const auto& p : posts_)
        if (p.person != person && p.date <= day && x.beatdowns.count(p.bd)) ++together[p.person];
      std::vector<int> counts;
      for (const auto& [k, n] : together) counts.push_back(n);
      std::sort(counts.rbegin(), counts.rend());
      if (counts.empty()) continue;
      const int third = counts[std::min<size_t>(2, counts.size() - 1)];
      const auto at = line.find("; besties ");
      ASSERT_NE(at, std::string::npos) << line;
      const std::string besties = line.substr(at + 10);
      int found = 0;
      for (const auto& [k, n] : together)
        if (besties.find(people_[k].who()) != std::string::npos) {
          ++found;
          EXPECT_GE(n, third) << people_[k].who() << " is not among " << line << "'s three most frequent";
        }
      EXPECT_EQ(found, std::min<int>(3, static_cast<int>(together.size()))) << line;
    }
  }

  // Each person is in exactly one site Q's DM.
  std::map<std::string, int> seen;
  for (const auto& d : of(plan, "kotter.site_q")) {
    EXPECT_TRUE(d.to_user);
    EXPECT_NE(d.comment.find("<@" + d.recipient + ">"), std::string::npos);
    for (const auto& [section, lines] : bullets(d.comment))
      for (const auto& who : whos(lines)) ++seen[who];
  }
  EXPECT_FALSE(seen.empty());
  for (const auto& [who, n] : seen) EXPECT_EQ(n, 1) << who;

  // The thresholds are the region's: a veteran bar nobody reaches empties that class.
  db::set_region(conn, "r", {{"kotter_veteran_min_posts", "10000"}});
  const auto strict =
      bullets(of(reports::plan_monthly(conn, "r", test::ym("2026-09"), {"kotter"}), "kotter.region")[0].comment);
  EXPECT_FALSE(strict.count("Veteran drift"));
  EXPECT_THROW(db::set_region(conn, "r", {{"kotter_min_days", "0"}}), UserError);
}

TEST_F(AwardsKotter, PersonalChartsCarryTheStreakAndHonourOptOutsAndTheYearAudience) {
  const auto streak = streaks("2026-10-31");
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pax_monthly"});
  ASSERT_GT(plan.deliveries.size(), 10u);
  for (const auto& d : plan.deliveries) {
    const int n = streak.count(d.recipient) ? streak.at(d.recipient) : 0;
    const std::string article = std::to_string(n)[0] == '8' || n == 11 || n == 18 ? "an " : "a ";  // "an 11-week"
    const bool says = d.comment.find("You are on " + article + std::to_string(n) + "-week streak") != std::string::npos;
    EXPECT_EQ(says, n > 1) << d.recipient << " streak " << n << ": " << d.comment;
  }
  // On demand: the year so far, not a "monthly summary"; a past year has no streak to keep alive.
  const std::string someone = plan.deliveries[0].recipient;
  const auto now = reports::personal_stats(conn, "r", someone, test::ym("2026-10"));
  ASSERT_TRUE(now);
  EXPECT_EQ(now->comment.find("monthly posting summary"), std::string::npos) << now->comment;
  EXPECT_NE(now->comment.find("Your 2026 so far: "), std::string::npos) << now->comment;
  std::optional<reports::PlannedDelivery> past;
  for (const auto& d : plan.deliveries)
    if (!past) past = reports::personal_stats(conn, "r", d.recipient, test::ym("2025-12"), true);
  ASSERT_TRUE(past) << "nobody posted in 2025";
  EXPECT_EQ(past->comment.find("keep it alive"), std::string::npos) << past->comment;
  EXPECT_EQ(past->comment.find("so far"), std::string::npos) << past->comment;
  EXPECT_EQ(past->chart.subtitle.find("streak"), std::string::npos) << past->chart.subtitle;

  const std::string quitter = plan.deliveries[3].recipient;
  EXPECT_TRUE(db::set_opt_out(conn, "r", quitter, true));
  EXPECT_FALSE(db::set_opt_out(conn, "r", quitter, true));
  auto after = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pax_monthly"});
  EXPECT_EQ(after.deliveries.size(), plan.deliveries.size() - 1);
  for (const auto& d : after.deliveries) EXPECT_NE(d.recipient, quitter);
  EXPECT_TRUE(std::any_of(after.notes.begin(), after.notes.end(), [](const std::string& n) {
    return n.find("1 person left out: they opted out") != std::string::npos;
  }));
  EXPECT_THROW(db::set_opt_out(conn, "r", "not-a-user", true), UserError);

  // Everyone who posted this year (Slack users still active), opted out or not.
  db::set_region(conn, "r", {{"pax_monthly_audience", "year"}});
  std::set<std::string> year;
  for (const auto& p : posts_)
    if (p.date >= "2026-01-01" && p.date <= "2026-10-31" && !people_[p.person].user_id.empty() &&
        !deactivated_.count(p.person))
      year.insert(p.person);
  EXPECT_EQ(reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pax_monthly"}).deliveries.size(), year.size() - 1);
  EXPECT_THROW(db::set_region(conn, "r", {{"pax_monthly_audience", "decade"}}), UserError);
}

TEST_F(AwardsKotter, ARegionsTemplateFolderReplacesTheBuiltInTextAndABrokenOneStopsTheRun) {
  test::TempDir dir;
  std::ofstream(dir.path() / "pax_monthly.mustache") << "Yo {{name}}: {{this_month}} in {{month_name}}!\n";
  db::set_region(conn, "r", {{"templates_dir", dir.path().string()}});
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pax_monthly", "ao_summary"});
  for (const auto& d : plan.deliveries) {
    if (d.report == "pax_monthly")
      EXPECT_TRUE(d.comment.starts_with("Yo ")) << d.comment;
    else
      EXPECT_TRUE(d.comment.starts_with("AO posting stats for ")) << d.comment;  // not overridden: built in
  }
  std::ofstream(dir.path() / "ao_summary.mustache") << "Broken {{#open}} section\n";
  try {
    reports::plan_monthly(conn, "r", test::ym("2026-10"), {"ao_summary"});
    FAIL() << "a broken template was used";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("ao_summary.mustache"), std::string::npos) << e.what();
  }
  EXPECT_THROW(db::set_region(conn, "r", {{"templates_dir", "relative/dir"}}), UserError);
}
