// PAXminer's own chart SQL, run unchanged against a region schema (region migration 0014), held
// to the numbers of paxstats's reports on a generated region with a double-posted backblast.
// The queries are PAXminer's as its scripts send them (F3Nation-Community/PAXminer:
// PAXcharter.py, Qcharter.py, Leaderboard_Charter.py, UniquePAXCharter.py, FNGcharter.py),
// with each %s filled in as pymysql fills it: a quoted literal.
#include <gtest/gtest.h>

#include "paxstats/calendar.hpp"

#include <fstream>
#include <map>
#include <set>

#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"
#include "../mining/truth_support.hpp"

using namespace paxstats;
using namespace paxstats::db;
using json = nlohmann::json;

namespace {

// pymysql's client-side interpolation: each %s becomes the value as a quoted string literal.
std::string pymysql(std::string sql, const std::vector<std::string>& values) {
  size_t at = 0;
  for (const auto& v : values) {
    at = sql.find("%s", at);
    std::string quoted = "'";
    for (char c : v) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    quoted += "'";
    sql.replace(at, 2, quoted);
    at += quoted.size();
  }
  return sql;
}

const char* const kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

class PaxminerSql : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 31;
    o.pax = 120;
    o.years = 1;
    o.end = "2026-11-30";
    ws_ = new test::GeneratedWorkspace(o);
    // A double post: the first backblast of the truth posted again a minute later, in the same
    // channel (PAXminer's tables count both; the counting rules count it once).
    const json& first = ws_->truth["beatdowns"][0];
    std::string channel_name;
    for (const char* f : {"channels.json", "groups.json"})
      for (const auto& c : test::load_json(ws_->path() / f))
        if (c["id"] == first["channel"]) channel_name = c["name"];
    for (const auto& day : std::filesystem::directory_iterator(ws_->path() / channel_name)) {
      json messages = test::load_json(day.path());
      for (const auto& m : messages)
        if (m["ts"] == first["ts"]) {
          json again = m;
          const long secs = std::stol(m["ts"].get<std::string>());
          again["ts"] = std::to_string(secs + 60) + ".000100";
          messages.push_back(again);
          std::ofstream(day.path()) << messages.dump();
          double_post_date_ = first["date"];
          break;
        }
    }
  }
  static void TearDownTestSuite() { delete ws_; }
  void SetUp() override {
    ASSERT_FALSE(double_post_date_.empty());
    add_region(conn, "r", "R", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
    sql::autocommit(conn, "SET search_path TO r");
  }
  std::vector<Row> run(const std::string& text) { return sql::query(conn, text); }

  static inline test::GeneratedWorkspace* ws_ = nullptr;
  static inline std::string double_post_date_;
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

// The double post is stored twice and counted once: in PAXminer's views as in the reports.
TEST_F(PaxminerSql, TheViewsCountADoublePostOnce) {
  EXPECT_EQ(run("SELECT count(*) FROM beatdowns")[0][0], run("SELECT count(*) + 1 FROM counted_beatdowns")[0][0]);
  EXPECT_EQ(run("SELECT count(*) FROM beatdown_info")[0][0], run("SELECT count(*) FROM counted_beatdowns")[0][0]);
  EXPECT_EQ(run("SELECT count(*) FROM attendance_view")[0][0], run("SELECT count(*) FROM posts")[0][0]);
  EXPECT_EQ(run("SELECT count(*) FROM bd_attendance")[0][0], run("SELECT count(*) FROM posts")[0][0]);
  const report::Period all = test::days("2000-01-01", "2100-12-31");
  EXPECT_EQ(run("SELECT count(*) FROM beatdown_info")[0][0],
            std::to_string(report::Reader(conn, "r").beatdown_count(all)));
}

// PAXcharter.py: one PAX's year, by month and AO.
TEST_F(PaxminerSql, PaxCharterGivesEachPersonsChart) {
  const std::string year = "2026";
  const report::Period period = test::days("2026-01-01", "2026-12-31");
  // People whose name no one else has (PAXminer finds a PAX by name).
  auto board = report::Reader(conn, "r").leaderboard(period, std::nullopt, 8);
  ASSERT_GE(board.size(), 5u);
  int charted = 0;
  for (const auto& p : board) {
    if (p.user_id.empty()) continue;
    if (run(pymysql("SELECT count(*) FROM users WHERE user_name = (SELECT user_name FROM users WHERE user_id = %s)",
                    {p.user_id}))[0][0] != "1")
      continue;
    const auto rows = run(pymysql(
        "SELECT * FROM attendance_view WHERE PAX = (SELECT user_name FROM users WHERE user_id = %s) AND YEAR(Date) = "
        "%s ORDER BY Date",
        {p.user_id, year}));
    std::map<std::pair<std::string, std::string>, int> by_month_ao;  // PAXminer's groupby(['Month','AO'])
    for (const auto& r : rows) ++by_month_ao[{test::month_of(*r[0]), *r[4]}];
    std::map<std::pair<std::string, std::string>, int> expected;
    for (const auto& m : report::Reader(conn, "r").person_posts(p.person, period))
      expected[{calendar::format(m.month), m.ao_id}] = m.posts;
    EXPECT_EQ(by_month_ao, expected) << p.name;
    EXPECT_EQ(static_cast<int>(rows.size()), p.posts) << p.name;
    ++charted;
  }
  EXPECT_GE(charted, 3);
}

// Qcharter.py: Qs and Co-Qs by person at each AO in a month, and across all AOs.
TEST_F(PaxminerSql, QCharterGivesEachAosQCounts) {
  const std::string year = "2026", month = "10";
  const report::Period period = test::month_days("2026-10");
  const auto aos = run("SELECT ao, channel_id FROM aos WHERE backblast = 1 and archived = 0");
  ASSERT_GE(aos.size(), 3u);
  int total = 0;
  for (const auto& ao : aos) {
    const auto rows = run(pymysql(
        "SELECT * FROM beatdown_info WHERE AO = %s AND YEAR(Date) = %s AND MONTH(Date) = %s and Q_IS_App != 1 ORDER BY "
        "Date",
        {*ao[0], year, month}));
    std::map<std::string, int> qs, coqs;
    for (const auto& r : rows) {
      ++qs[r[8].value_or("name:" + *r[2])];
      if (r[3]) ++coqs[*r[3]];  // PAXminer melts Q and CoQ into one column
    }
    std::map<std::string, int> expected_qs;
    int expected_coqs = 0;
    for (const auto& q : report::Reader(conn, "r").q_counts(period, *ao[1])) {
      if (q.qs) expected_qs[q.user_id.empty() ? q.person : q.user_id] += q.qs;
      expected_coqs += q.coqs;
    }
    int coq_names = 0;
    for (const auto& [names, n] : coqs)
      coq_names += n * static_cast<int>(std::count(names.begin(), names.end(), ',') + 1);
    int led = 0;
    for (const auto& [who, n] : qs) led += n;
    int expected_led = 0;
    for (const auto& [who, n] : expected_qs) expected_led += n;
    EXPECT_EQ(led, expected_led) << *ao[0];
    EXPECT_EQ(coq_names, expected_coqs) << *ao[0];
    for (const auto& [who, n] : qs) {
      if (who.rfind("name:", 0) != 0) {
        EXPECT_EQ(n, expected_qs[who]) << *ao[0] << " " << who;
      }
    }
    total += static_cast<int>(rows.size());
  }
  const auto region = run(
      pymysql("SELECT * FROM beatdown_info WHERE YEAR(Date) = %s AND MONTH(Date) = %s and Q_IS_App != 1 ORDER BY Date",
              {year, month}));
  EXPECT_EQ(static_cast<int>(region.size()), report::Reader(conn, "r").beatdown_count(period));
  EXPECT_EQ(total, static_cast<int>(region.size()));
}

// Leaderboard_Charter.py: the month's and the year's top 20, with unique AOs.
TEST_F(PaxminerSql, LeaderboardCharterGivesTheTop20) {
  struct Case {
    std::string sql;
    std::vector<std::string> values;
    report::Period period;
  };
  const std::vector<Case> cases = {
      {"select PAX, count(distinct AO) as UniqueAOs, count(Date) as Posts        from attendance_view         where "
       "MONTH(Date) = %s         AND YEAR(Date) = %s         group by PAX         order by count(Date) desc        "
       "limit 20",
       {"10", "2026"},
       test::month_days("2026-10")},
      {"select PAX, count(distinct AO) as UniqueAOs, count(Date) as Posts        from attendance_view         WHERE "
       "YEAR(Date) = %s         group by PAX         order by count(Date) desc        limit 20",
       {"2026"},
       test::days("2026-01-01", "2026-12-31")}};
  for (const auto& c : cases) {
    const auto rows = run(pymysql(c.sql, c.values));
    ASSERT_EQ(rows.size(), 20u);
    std::map<std::string, std::vector<report::PersonTotal>> by_name;
    for (const auto& p : report::Reader(conn, "r").leaderboard(c.period, std::nullopt, 100000))
      by_name[p.name].push_back(p);
    const auto top = report::Reader(conn, "r").leaderboard(c.period, std::nullopt, 1);
    EXPECT_EQ(*rows[0][2], std::to_string(top[0].posts));
    for (const auto& r : rows) {
      const auto& same = by_name[*r[0]];
      if (same.size() != 1) continue;  // PAXminer merges people who share a name
      EXPECT_EQ(*r[2], std::to_string(same[0].posts)) << *r[0];
      EXPECT_EQ(*r[1], std::to_string(same[0].unique_aos)) << *r[0];
    }
  }
}

// UniquePAXCharter.py: unique PAX at each AO by month in a year. PAXminer tells people apart by
// name: where two people share one, it counts them once, and paxstats's unique PAX twice.
TEST_F(PaxminerSql, UniquePaxCharterGivesUniquePaxByAoAndMonth) {
  const report::Period year = test::days("2026-01-01", "2026-12-31");
  const auto rows = run(pymysql(
      "SELECT DISTINCT AO, MONTHNAME(Date) as Month, PAX FROM attendance_view WHERE YEAR(Date) = %s", {"2026"}));
  using Key = std::pair<std::string, std::string>;
  std::map<Key, int> got;  // PAXminer's groupby(['AO','Month']).size()
  for (const auto& r : rows) ++got[{*r[0], *r[1]}];
  std::map<Key, std::set<std::string>> names, people;
  for (const auto& p : report::Reader(conn, "r").posts_by_person(year)) {
    const Key k{p.ao_name, kMonthNames[static_cast<unsigned>(p.month.month()) - 1]};
    names[k].insert(p.name);
    people[k].insert(p.person);
  }
  std::map<Key, int> by_name;
  for (const auto& [k, n] : names) by_name[k] = static_cast<int>(n.size());
  EXPECT_EQ(got, by_name);
  int compared = 0;
  for (const auto& m : report::Reader(conn, "r").ao_months(year)) {
    const Key k{m.ao_name, kMonthNames[static_cast<unsigned>(m.month.month()) - 1]};
    if (!m.unique_pax || names[k].size() != people[k].size()) continue;  // a name two people share
    EXPECT_EQ(got[k], m.unique_pax) << k.first << " " << k.second;
    ++compared;
  }
  EXPECT_GT(compared, 20);
}

// FNGcharter.py: FNGs at each AO in October and November (of every year).
TEST_F(PaxminerSql, FngCharterGivesFngsByAoAndMonth) {
  std::map<std::pair<std::string, std::string>, int> got;
  for (const auto& ao : run("SELECT ao FROM aos WHERE backblast = 1"))
    for (const auto& r :
         run(pymysql("SELECT * FROM beatdown_info WHERE ao = %s AND MONTH(Date) IN (10, 11) ORDER BY Date", {*ao[0]})))
      got[{*ao[0], test::month_of(*r[0])}] += std::stoi(*r[6]);
  std::map<std::pair<std::string, std::string>, int> expected;
  for (const auto& m : report::Reader(conn, "r").ao_months(test::days("2000-01-01", "2100-12-31")))
    if (m.fngs && (m.month.month() == date::October || m.month.month() == date::November))
      expected[{m.ao_name, calendar::format(m.month)}] = m.fngs;
  std::erase_if(got, [](const auto& kv) { return kv.second == 0; });
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(got, expected);
}

// The MySQL date functions PAXminer's scripts use.
TEST_F(PaxminerSql, MysqlDateFunctionsAnswerAsMysqlDoes) {
  const auto r =
      run("SELECT YEAR(DATE '2024-02-29'), MONTH(DATE '2024-02-29'), MONTHNAME(DATE '2024-02-29'), DAYNAME(DATE "
          "'2024-02-29')");
  EXPECT_EQ(r[0], (Row{"2024", "2", "February", "Thursday"}));
}
