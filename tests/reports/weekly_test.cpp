// The weekly region report and ISO weeks: the week's figures against truth.json, counted here
// independently, its one delivery, exactly once in the outbox.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../mining/truth_support.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/weekly.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using json = nlohmann::json;

TEST(IsoWeeks, NameTheWeekByTheYearOfItsThursday) {
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2026-11-23")), "2026-W48");
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2026-11-29")), "2026-W48");
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2026-12-28")), "2026-W53");  // 2026 has 53
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2027-01-03")), "2026-W53");
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2027-01-04")), "2027-W01");
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2024-12-30")), "2025-W01");  // a Monday of 2024
  EXPECT_EQ(calendar::format_week(calendar::parse_day("2028-02-29")), "2028-W09");
  EXPECT_EQ(calendar::format(calendar::parse_week("2026-W48")), "2026-11-23");
  EXPECT_EQ(calendar::format(calendar::parse_week("2026-W53")), "2026-12-28");
  EXPECT_EQ(calendar::format(calendar::parse_week("2025-W01")), "2024-12-30");
  for (const char* bad : {"2025-W53", "2026-W00", "2026-48", "2026-W5", "W48-2026", "2026-Wxx", ""})
    EXPECT_THROW(calendar::parse_week(bad), UserError) << bad;
}

namespace {

class Weekly : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 41;
    o.months = 3;
    ws_ = new test::GeneratedWorkspace(o);
  }
  static void TearDownTestSuite() { delete ws_; }
  void SetUp() override {
    db::add_region(conn, "r", "F3 Test", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
    db::set_region(conn, "r", {{"firstf_channel", ws_->truth["region"]["firstf_channel"]}});
  }
  // The week's figures from truth.json: beatdowns, posts, unique PAX, FNGs, posts per person.
  struct Want {
    int beatdowns = 0, posts = 0, fngs = 0;
    std::set<std::string> pax;
    std::map<std::string, int> per_person;
  };
  Want want(const std::string& first, const std::string& last) {
    const test::Identities ids(ws_->path());
    Want w;
    for (const auto& b : ws_->truth["beatdowns"]) {
      const std::string date = b["date"];
      if (date < first || date > last) continue;
      ++w.beatdowns;
      w.fngs += b["fngs"]["count"].get<int>();
      for (const auto& p : test::counted_people(b, ids)) {
        ++w.posts;
        w.pax.insert(p);
        ++w.per_person[p];
      }
    }
    return w;
  }
  static inline test::GeneratedWorkspace* ws_ = nullptr;
  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

// The table's value of a row in column 0 (this week) and 1 (the week before).
double cell(const render::Chart& c, const std::string& row, size_t col) {
  for (const auto& [label, values] : c.rows)
    if (label == row && col < values.size()) return values[col];
  ADD_FAILURE() << "no row " << row;
  return -1;
}

}  // namespace

TEST_F(Weekly, TheSummaryIsTheWeekAgainstTheWeekBeforeAsTheTruthCountsIt) {
  const auto plan = reports::plan_weekly(conn, "r", test::period("2026-W42"));  // Mon 12 Oct – Sun 18 Oct 2026
  EXPECT_EQ(plan.period.name, "2026-W42");
  ASSERT_EQ(plan.deliveries.size(), 1u);
  const auto& d = plan.deliveries.front();
  EXPECT_EQ(d.report, "weekly");
  EXPECT_EQ(d.recipient, ws_->truth["region"]["firstf_channel"].get<std::string>());
  EXPECT_EQ(d.file, "weekly-2026-W42.png");
  const auto now = want("2026-10-12", "2026-10-18"), before = want("2026-10-05", "2026-10-11");
  ASSERT_GT(now.beatdowns, 0);
  EXPECT_EQ(plan.beatdowns, now.beatdowns);
  EXPECT_EQ(cell(d.chart, "Beatdowns", 0), now.beatdowns);
  EXPECT_EQ(cell(d.chart, "Beatdowns", 1), before.beatdowns);
  EXPECT_EQ(cell(d.chart, "Posts", 0), now.posts);
  EXPECT_EQ(cell(d.chart, "Posts", 1), before.posts);
  EXPECT_EQ(cell(d.chart, "Unique PAX", 0), static_cast<double>(now.pax.size()));
  EXPECT_EQ(cell(d.chart, "Unique PAX", 1), static_cast<double>(before.pax.size()));
  EXPECT_EQ(cell(d.chart, "FNGs", 0), now.fngs);
  EXPECT_EQ(cell(d.chart, "FNGs", 1), before.fngs);
  // The top poster's figure is the most anyone posted that week.
  int most = 0;
  for (const auto& [p, n] : now.per_person) most = std::max(most, n);
  size_t top = 0;
  while (top < d.chart.rows.size() && !d.chart.rows[top].first.starts_with("Top posters")) ++top;
  ASSERT_LT(top + 1, d.chart.rows.size());
  EXPECT_EQ(d.chart.rows[top + 1].second.at(0), most);
  // Issue 30: five shown; a cut inside a tie says how many more share the fifth place, as the
  // truth counts them, in the message and the table.
  std::vector<int> counts;
  for (const auto& [p, n] : now.per_person) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  ASSERT_GT(counts.size(), 5u);
  const auto more = std::count(counts.begin() + 5, counts.end(), counts[4]);
  const std::string tied = std::to_string(more) + " more tied at " + std::to_string(counts[4]) + " post";
  if (more > 0) {
    EXPECT_NE(d.comment.find(", and " + tied), std::string::npos) << d.comment;
    EXPECT_EQ(d.chart.rows[top + 6].first.rfind("… and " + tied, 0), 0u) << d.chart.rows[top + 6].first;
    EXPECT_NE(d.chart.rows[top].first.find("ties by AOs, then name"), std::string::npos);
  } else {
    EXPECT_EQ(d.comment.find("more tied at"), std::string::npos) << d.comment;
  }
  EXPECT_NE(d.comment.find("*Summary*: " + std::to_string(now.beatdowns) + " beatdown"), std::string::npos)
      << d.comment;
  EXPECT_NE(d.comment.find("F3 Test: the week of 12 Oct – 18 Oct 2026"), std::string::npos) << d.comment;
}

// The week's message shares the monthly run's mention budget: past it, people are named plainly.
TEST_F(Weekly, TheWeeksMessageMentionsAtMostTheMentionBudget) {
  auto mentions = [](const std::string& text) {
    int n = 0;
    for (size_t at = 0; (at = text.find("<@", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  const auto wide = reports::plan_weekly(conn, "r", test::period("2026-W42"));
  ASSERT_EQ(wide.deliveries.size(), 1u);
  ASSERT_GT(mentions(wide.deliveries[0].comment), 3) << wide.deliveries[0].comment;
  db::set_region(conn, "r", {{"mention_budget", "3"}});
  const auto narrow = reports::plan_weekly(conn, "r", test::period("2026-W42"));
  EXPECT_EQ(mentions(narrow.deliveries[0].comment), 3) << narrow.deliveries[0].comment;
}

TEST_F(Weekly, SectionsAreChosenAndAnUnknownOneIsRefused) {
  const auto plan = reports::plan_weekly(conn, "r", test::period("2026-W42"), {"summary"});
  ASSERT_EQ(plan.deliveries.size(), 1u);
  const auto& c = plan.deliveries.front().chart;
  EXPECT_EQ(c.rows.front().first, "Summary");
  EXPECT_EQ(c.rows.size(), 5u);  // the heading and its four figures
  EXPECT_EQ(plan.deliveries.front().comment.find("Top posters"), std::string::npos);
  EXPECT_THROW(reports::plan_weekly(conn, "r", test::period("2026-W42"), {"sumary"}), UserError);
  EXPECT_THROW(reports::plan_weekly(conn, "r", test::period("2026-W60")), UserError);
}

TEST_F(Weekly, AWeekIsPlannedIntoTheOutboxOnceAndWeeksDoNotCollide) {
  const auto plan = reports::plan_weekly(conn, "r", test::period("2026-W42"));
  EXPECT_EQ(reports::queue_plan(conn, plan), 1);
  EXPECT_EQ(reports::queue_plan(conn, plan), 0);  // the same week again: nothing new
  EXPECT_EQ(reports::queue_plan(conn, reports::plan_weekly(conn, "r", test::period("2026-W43"))), 1);
  EXPECT_EQ(db::outbox::counts(conn, "r", "2026-W42").planned, 1);
  EXPECT_EQ(db::outbox::counts(conn, "r").planned, 2);
}

TEST_F(Weekly, AWeekStillUnderWayOrToComeIsRefused) {
  // Thursday 2026-10-15 at noon in Chicago: W42 is under way, W41 is over.
  const BusinessTime now = date::sys_days{date::year{2026} / 10 / 15} + std::chrono::hours(17);
  EXPECT_EQ(reports::current_week(conn, "r", now).name, "2026-W42");
  EXPECT_NO_THROW(reports::check_week_is_over(conn, "r", test::period("2026-W41"), now, false));
  EXPECT_THROW(reports::check_week_is_over(conn, "r", test::period("2026-W42"), now, false), UserError);
  EXPECT_NO_THROW(reports::check_week_is_over(conn, "r", test::period("2026-W42"), now, true));
  EXPECT_THROW(reports::check_week_is_over(conn, "r", test::period("2026-W43"), now, true), UserError);
  // The region's time zone decides: Monday 00:30 in Chicago (05:30 UTC) is the new week.
  const BusinessTime monday_early = date::sys_days{date::year{2026} / 10 / 19} + std::chrono::minutes(5 * 60 + 30);
  EXPECT_EQ(reports::current_week(conn, "r", monday_early).name, "2026-W43");
  const BusinessTime sunday_late_local = date::sys_days{date::year{2026} / 10 / 19} + std::chrono::hours(4);
  EXPECT_EQ(reports::current_week(conn, "r", sunday_late_local).name, "2026-W42");  // 23:00 Sunday in Chicago
}

TEST_F(Weekly, ItGoesToTheChannelsAndPeopleOfWeeklyToAndHonoursOptOuts) {
  const std::string firstf = ws_->truth["region"]["firstf_channel"];
  std::string a, b;  // two people who posted
  for (const auto& bd : ws_->truth["beatdowns"])
    for (const auto& p : bd["pax"])
      if (p.contains("user_id") && a.empty()) {
        a = p["user_id"];
      } else if (p.contains("user_id") && p["user_id"] != a && b.empty()) {
        b = p["user_id"];
      }
  ASSERT_FALSE(b.empty());
  db::set_region(conn, "r", {{"weekly_to", firstf + "," + a + "," + b}});
  db::set_opt_out(conn, "r", b, true);
  const auto plan = reports::plan_weekly(conn, "r", test::period("2026-W42"));
  ASSERT_EQ(plan.deliveries.size(), 2u);
  EXPECT_EQ(plan.deliveries[0].recipient, firstf);
  EXPECT_FALSE(plan.deliveries[0].to_user);
  EXPECT_EQ(plan.deliveries[1].recipient, a);
  EXPECT_TRUE(plan.deliveries[1].to_user);
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_NE(plan.notes[0].find(b + " opted out"), std::string::npos) << plan.notes[0];
  EXPECT_THROW(db::set_region(conn, "r", {{"weekly_to", firstf + ",nobody"}}), UserError);
}
