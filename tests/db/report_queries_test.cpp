// Report numbers against the generator's ground truth (computed here from truth.json, not with
// the same SQL), and the counting rules on hand-made cases.
#include <gtest/gtest.h>

#include <map>

#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "postgres_env.hpp"
#include "../mining/truth_support.hpp"

using namespace paxstats;
using namespace paxstats::db;
using json = nlohmann::json;

namespace {

// The person key of the posts view, from a truth.json person.
std::string key(const json& p) {
  if (p.contains("user_id")) return p["user_id"];
  std::string n = p["name"];
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return "name:" + n;
}

class Reports : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 21;
    ws_ = new test::GeneratedWorkspace(o);
    truth_ = &ws_->truth;
  }
  static void TearDownTestSuite() { delete ws_; }
  void SetUp() override {
    add_region(conn, "r", "R", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
  }
  // Truth beatdowns in a period.
  std::vector<json> in(const report::Period& p) const {
    std::vector<json> out;
    for (const auto& b : (*truth_)["beatdowns"])
      if (b["date"] >= p.first && b["date"] <= p.last) out.push_back(b);
    return out;
  }
  static inline test::GeneratedWorkspace* ws_ = nullptr;
  static inline const json* truth_ = nullptr;
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

TEST_F(Reports, LeaderboardMatchesTheTruth) {
  for (const auto& period : {report::month("2026-10"), report::year_to_month("2026-10")}) {
    std::map<std::string, std::pair<int, std::set<std::string>>> want;  // person → (posts, AOs)
    for (const auto& b : in(period))
      for (const auto& p : b["pax"]) {
        auto& w = want[key(p)];
        ++w.first;
        w.second.insert(b["ao"].get<std::string>());
      }
    auto got = report::leaderboard(conn, "r", period, std::nullopt, 100000);
    ASSERT_EQ(got.size(), want.size());
    for (const auto& g : got) {
      ASSERT_TRUE(want.count(g.person)) << g.person;
      EXPECT_EQ(g.posts, want[g.person].first) << g.person;
      EXPECT_EQ(g.unique_aos, static_cast<int>(want[g.person].second.size())) << g.person;
    }
    for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i - 1].posts, got[i].posts);
    EXPECT_EQ(report::leaderboard(conn, "r", period).size(), 20u);
  }
}

TEST_F(Reports, OneAosLeaderboardAndAPersonsMonths) {
  const auto year = report::year_to_month("2026-10");
  const auto beatdowns = in(year);
  const std::string ao = beatdowns.front()["ao"];
  std::map<std::string, int> want;
  for (const auto& b : beatdowns)
    if (b["ao"] == ao)
      for (const auto& p : b["pax"]) ++want[key(p)];
  for (const auto& g : report::leaderboard(conn, "r", year, ao, 100000)) EXPECT_EQ(g.posts, want[g.person]) << g.person;

  const std::string top = report::leaderboard(conn, "r", year).front().person;
  std::map<std::pair<std::string, std::string>, int> months;
  for (const auto& b : beatdowns)
    for (const auto& p : b["pax"])
      if (key(p) == top) ++months[{b["date"].get<std::string>().substr(0, 7), b["ao"].get<std::string>()}];
  auto got = report::person_posts(conn, "r", top, year);
  ASSERT_EQ(got.size(), months.size());
  for (const auto& g : got) EXPECT_EQ(g.posts, (months[{g.month, g.ao_id}])) << g.month << " " << g.ao_id;
}

TEST_F(Reports, QCountsMatchTheTruth) {
  const auto period = report::month("2026-09");
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> want;  // (person, ao) → (qs, coqs)
  for (const auto& b : in(period)) {
    ++want[{key(b["q"]), b["ao"]}].first;
    for (const auto& c : b["coqs"]) ++want[{key(c), b["ao"]}].second;
  }
  auto got = report::q_counts(conn, "r", period);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& g : got) {
    const auto& w = want[{g.person, g.ao_id}];
    EXPECT_EQ(g.qs, w.first) << g.person << " at " << g.ao_id;
    EXPECT_EQ(g.coqs, w.second) << g.person << " at " << g.ao_id;
  }
}

TEST_F(Reports, AoMonthsMatchTheTruth) {
  const auto year = report::year_to_month("2026-10");
  struct W {
    int beatdowns = 0, posts = 0, headcount = 0, fngs = 0;
    std::set<std::string> pax;
  };
  std::map<std::pair<std::string, std::string>, W> want;  // (ao, month)
  for (const auto& b : in(year)) {
    auto& w = want[{b["ao"], b["date"].get<std::string>().substr(0, 7)}];
    ++w.beatdowns;
    w.posts += static_cast<int>(b["pax"].size());
    w.headcount += b["count"].get<int>();
    w.fngs += b["fngs"]["count"].get<int>();
    for (const auto& p : b["pax"]) w.pax.insert(key(p));
  }
  auto got = report::ao_months(conn, "r", year);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& g : got) {
    const auto& w = want[{g.ao_id, g.month}];
    EXPECT_EQ(g.beatdowns, w.beatdowns) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.posts, w.posts) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.unique_pax, static_cast<int>(w.pax.size())) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.headcount, w.headcount) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.fngs, w.fngs) << g.ao_id << " " << g.month;
  }
}

TEST(CountingRules, ADoublePostedBeatdownCountsOnceAndBotsNever) {
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
  add_region(conn, "r", "R", "America/Chicago");
  conn.execute_script(R"sql(
    INSERT INTO r.users (user_id, user_name, is_bot) VALUES ('U1', 'Gilmore', false), ('B1', 'Slackblast', true);
    INSERT INTO r.channels (channel_id, name) VALUES ('C1', 'ao-forge');
    INSERT INTO r.messages (channel_id, ts, posted_at, raw, source) VALUES
      ('C1', '1700000000.000100', now(), '{}', 'export'), ('C1', '1700000100.000100', now(), '{}', 'export');
    INSERT INTO r.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, derived_count, pax_count, parse_status) VALUES
      ('C1', '1700000000.000100', 'C1', '2023-11-14', 'U1', 3, 3, 'ok'),
      ('C1', '1700000100.000100', 'C1', '2023-11-14', 'U1', 3, 4, 'ok');
    INSERT INTO r.attendance (channel_id, ts, user_id, name, role) VALUES
      ('C1', '1700000000.000100', 'U1', NULL, 'q'), ('C1', '1700000000.000100', NULL, 'Hoss', 'pax'),
      ('C1', '1700000100.000100', 'U1', NULL, 'q'), ('C1', '1700000100.000100', NULL, 'HOSS', 'pax'),
      ('C1', '1700000100.000100', 'B1', NULL, 'pax');
  )sql");
  auto board = report::leaderboard(conn, "r", report::month("2023-11"));
  ASSERT_EQ(board.size(), 2u);  // Gilmore and Hoss, once each; the bot not at all
  for (const auto& p : board) EXPECT_EQ(p.posts, 1) << p.person;
  auto ao = report::ao_months(conn, "r", report::month("2023-11"));
  ASSERT_EQ(ao.size(), 1u);
  EXPECT_EQ(ao[0].beatdowns, 1);
  EXPECT_EQ(ao[0].headcount, 4) << "the newer message of a double post counts";
  EXPECT_THROW(report::month("2023-13"), UserError);
  EXPECT_EQ(report::year_to_month("2024-02").last, "2024-02-29");
}
