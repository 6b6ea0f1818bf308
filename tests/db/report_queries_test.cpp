// Report numbers against the generator's ground truth (computed here from truth.json, not with
// the same SQL), and the counting rules on hand-made cases.
#include <gtest/gtest.h>

#include "paxstats/calendar.hpp"

#include <map>
#include <tuple>

#include "paxstats/db/aliases.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"
#include "../mining/truth_support.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using namespace paxstats::db;
using json = nlohmann::json;

namespace {

const test::Identities* ids_ = nullptr;

// The person key of the posts view, from a truth.json person (typed names of users are them).
std::string key(const json& p) { return test::counted_person(p, *ids_); }

class ReportQueries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 21;
    ws_ = new test::GeneratedWorkspace(o);
    truth_ = &ws_->truth;
    ids_ = new test::Identities(ws_->path());
  }
  static void TearDownTestSuite() {
    delete ws_;
    delete ids_;
  }
  void SetUp() override {
    add_region(conn, "r", "R", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
  }
  // Truth beatdowns in a period.
  std::vector<json> in(const report::Period& p) const {
    std::vector<json> out;
    for (const auto& b : (*truth_)["beatdowns"])
      if (const auto d = test::day(b["date"].get<std::string>()); d >= p.first && d <= p.last) out.push_back(b);
    return out;
  }
  static inline test::GeneratedWorkspace* ws_ = nullptr;
  static inline const json* truth_ = nullptr;
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

TEST_F(ReportQueries, LeaderboardMatchesTheTruth) {
  for (const auto& period : {test::month_days("2026-10"), test::year_to("2026-10")}) {
    std::map<std::string, std::pair<int, std::set<std::string>>> want;  // person → (posts, AOs)
    for (const auto& b : in(period))
      for (const auto& person : test::counted_people(b, *ids_)) {
        auto& w = want[person];
        ++w.first;
        w.second.insert(b["ao"].get<std::string>());
      }
    auto got = report::Reader(conn, "r").leaderboard(period, std::nullopt, 100000);
    ASSERT_EQ(got.size(), want.size());
    for (const auto& g : got) {
      ASSERT_TRUE(want.count(g.person)) << g.person;
      EXPECT_EQ(g.posts, want[g.person].first) << g.person;
      EXPECT_EQ(g.unique_aos, static_cast<int>(want[g.person].second.size())) << g.person;
    }
    for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i - 1].posts, got[i].posts);
    EXPECT_EQ(report::Reader(conn, "r").leaderboard(period).size(), 20u);
  }
}

TEST_F(ReportQueries, OneAosLeaderboardAndAPersonsMonths) {
  const auto year = test::year_to("2026-10");
  const auto beatdowns = in(year);
  const std::string ao = beatdowns.front()["ao"];
  std::map<std::string, int> want;
  for (const auto& b : beatdowns)
    if (b["ao"] == ao)
      for (const auto& person : test::counted_people(b, *ids_)) ++want[person];
  for (const auto& g : report::Reader(conn, "r").leaderboard(year, ao, 100000))
    EXPECT_EQ(g.posts, want[g.person]) << g.person;

  const std::string top = report::Reader(conn, "r").leaderboard(year).front().person;
  std::map<std::pair<std::string, std::string>, int> months;
  for (const auto& b : beatdowns)
    for (const auto& person : test::counted_people(b, *ids_))
      if (person == top) ++months[{test::month_of(b["date"].get<std::string>()), b["ao"].get<std::string>()}];
  auto got = report::Reader(conn, "r").person_posts(top, year);
  ASSERT_EQ(got.size(), months.size());
  for (const auto& g : got)
    EXPECT_EQ(g.posts, (months[{calendar::format(g.month), g.ao_id}])) << g.month << " " << g.ao_id;
}

TEST_F(ReportQueries, QCountsMatchTheTruth) {
  const auto period = test::month_days("2026-09");
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> want;  // (person, ao) → (qs, coqs)
  for (const auto& b : in(period)) {
    ++want[{key(b["q"]), b["ao"]}].first;
    for (const auto& c : b["coqs"]) ++want[{key(c), b["ao"]}].second;
  }
  auto got = report::Reader(conn, "r").q_counts(period);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& g : got) {
    const auto& w = want[{g.person, g.ao_id}];
    EXPECT_EQ(g.qs, w.first) << g.person << " at " << g.ao_id;
    EXPECT_EQ(g.coqs, w.second) << g.person << " at " << g.ao_id;
  }
}

TEST_F(ReportQueries, AoMonthsMatchTheTruth) {
  const auto year = test::year_to("2026-10");
  struct W {
    int beatdowns = 0, posts = 0, headcount = 0, fngs = 0;
    std::set<std::string> pax;
  };
  std::map<std::pair<std::string, std::string>, W> want;  // (ao, month)
  for (const auto& b : in(year)) {
    auto& w = want[{b["ao"], test::month_of(b["date"].get<std::string>())}];
    ++w.beatdowns;
    w.posts += static_cast<int>(test::counted_people(b, *ids_).size());
    w.headcount += b["count"].get<int>();
    w.fngs += b["fngs"]["count"].get<int>();
    for (const auto& person : test::counted_people(b, *ids_)) w.pax.insert(person);
  }
  auto got = report::Reader(conn, "r").ao_months(year);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& g : got) {
    const auto& w = want[{g.ao_id, calendar::format(g.month)}];
    EXPECT_EQ(g.beatdowns, w.beatdowns) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.posts, w.posts) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.unique_pax, static_cast<int>(w.pax.size())) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.headcount, w.headcount) << g.ao_id << " " << g.month;
    EXPECT_EQ(g.fngs, w.fngs) << g.ao_id << " " << g.month;
  }
}

// What the dashboard's memo answers (inside a PostsCache: whole months sliced from every month's
// rows, kept per version) is what the queries answer on the views themselves.
TEST_F(ReportQueries, TheDashboardsMemoAnswersAsTheQueriesDo) {
  auto ao = [](const std::vector<report::AoMonth>& v) {
    std::vector<std::tuple<std::string, std::string, date::year_month, int, int, int, int, int>> out;
    for (const auto& r : v)
      out.emplace_back(r.ao_id, r.ao_name, r.month, r.beatdowns, r.posts, r.unique_pax, r.headcount, r.fngs);
    return out;
  };
  auto region = [](const std::vector<report::RegionMonth>& v) {
    std::vector<std::tuple<date::year_month, int, int, int, int>> out;
    for (const auto& r : v) out.emplace_back(r.month, r.beatdowns, r.posts, r.unique_pax, r.fngs);
    return out;
  };
  auto names = [](const std::vector<report::PersonName>& v) {
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> out;
    for (const auto& r : v) out.emplace_back(r.person, r.user_id, r.name, r.real_name);
    return out;
  };
  const std::vector<report::Period> periods = {test::year_to("2026-10"), test::month_days("2026-09"),
                                               test::days("2026-10-05", "2026-10-20"),
                                               test::days("2025-12-01", "2026-02-28")};
  db::RowMemo memo;
  const report::Reader views(conn, "r");
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& p : periods) {
      const auto want_ao = ao(views.ao_months(p));
      const auto want_region = region(views.region_months(p));
      const db::dashboard::PostsCache cache(conn, "r", &memo);
      EXPECT_FALSE(want_ao.empty()) << calendar::format(p.first);
      EXPECT_EQ(ao(cache.reader().ao_months(p)), want_ao)
          << calendar::format(p.first) << " " << calendar::format(p.last);
      EXPECT_EQ(region(cache.reader().region_months(p)), want_region)
          << calendar::format(p.first) << " " << calendar::format(p.last);
    }
    const auto want_names = names(views.people());
    const db::dashboard::PostsCache cache(conn, "r", &memo);
    EXPECT_EQ(names(cache.reader().people()), want_names);
  }
}

TEST(CountingRules, ADoublePostedBeatdownCountsOnceAndBotsNever) {
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
  add_region(conn, "r", "R", "America/Chicago");
  db::sql::script(conn, R"sql(
    INSERT INTO r.users (user_id, user_name, is_bot) VALUES ('U1', 'Gilmore', false), ('B1', 'Slackblast', true);
    INSERT INTO r.channels (channel_id, name) VALUES ('C1', 'ao-forge');
    INSERT INTO r.messages (channel_id, ts, posted_at, raw, source) VALUES
      ('C1', '1700000000.000100', now(), '{}', 'export'), ('C1', '1700000100.000100', now(), '{}', 'export');
    INSERT INTO r.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, derived_count, pax_count,
                             parse_status) VALUES
      ('C1', '1700000000.000100', 'C1', '2023-11-14', 'U1', 3, 3, 'ok'),
      ('C1', '1700000100.000100', 'C1', '2023-11-14', 'U1', 3, 4, 'ok');
    INSERT INTO r.attendance (channel_id, ts, user_id, name, role) VALUES
      ('C1', '1700000000.000100', 'U1', NULL, 'q'), ('C1', '1700000000.000100', NULL, 'Hoss', 'pax'),
      ('C1', '1700000100.000100', 'U1', NULL, 'q'), ('C1', '1700000100.000100', NULL, 'HOSS', 'pax'),
      ('C1', '1700000100.000100', 'B1', NULL, 'pax');
  )sql");
  auto board = report::Reader(conn, "r").leaderboard(test::month_days("2023-11"));
  ASSERT_EQ(board.size(), 2u);  // Gilmore and Hoss, once each; the bot not at all
  for (const auto& p : board) EXPECT_EQ(p.posts, 1) << p.person;
  auto ao = report::Reader(conn, "r").ao_months(test::month_days("2023-11"));
  ASSERT_EQ(ao.size(), 1u);
  EXPECT_EQ(ao[0].beatdowns, 1);
  EXPECT_EQ(ao[0].headcount, 4) << "the newer message of a double post counts";
  EXPECT_THROW(calendar::parse_month("2023-13"), UserError);
  EXPECT_EQ(calendar::year_to(date::year{2024} / date::February).last, test::day("2024-02-29"));
}

// The dashboard keeps region-wide rows (every person's name, every AO's months) while the posts
// cache's version stands: a change to what the posts view reads shows at once, and the same
// region slug with the same version numbers in another database is never served the first one's.
TEST(RegionMemo, RowsFollowTheDataAndNeverCrossDatabases) {
  auto one_beatdown = [](Database& db, const std::string& name, int count) {
    add_region(db, "r", "R", "America/Chicago");
    db::sql::script(db, R"sql(
      INSERT INTO r.users (user_id, user_name, is_bot) VALUES ('U1', 'Gilmore', false);
      INSERT INTO r.channels (channel_id, name) VALUES ('C1', 'ao-forge');
      INSERT INTO r.messages (channel_id, ts, posted_at, raw, source) VALUES ('C1', '1700000000.000100', now(), '{}', 'export');
    )sql");
    db::sql::query(
        db,
        "INSERT INTO r.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, derived_count, "
        "pax_count, parse_status) VALUES ('C1', '1700000000.000100', 'C1', '2023-11-14', 'U1', 1, $1::int, 'ok')",
        {std::to_string(count)});
    db::sql::query(db,
                   "INSERT INTO r.attendance (channel_id, ts, user_id, name, role) VALUES ('C1', "
                   "'1700000000.000100', 'U1', NULL, 'q')");
    db::sql::query(db, "UPDATE r.users SET user_name = $1 WHERE user_id = 'U1'", {name});
  };
  db::RowMemo memo;  // one for the process, as the dashboard's
  auto seen = [&memo](Database& db) {
    const db::dashboard::PostsCache cache(db, "r", &memo);
    const auto people = cache.reader().people();
    const auto months = cache.reader().ao_months(test::month_days("2023-11"));
    return std::make_pair(people.size() == 1 ? people[0].name : "?", months.size() == 1 ? months[0].headcount : -1);
  };
  Database a{test::PostgresEnvironment::get().fresh_database_url()};
  one_beatdown(a, "Gilmore", 3);
  EXPECT_EQ(seen(a), std::make_pair(std::string("Gilmore"), 3));
  EXPECT_EQ(seen(a), std::make_pair(std::string("Gilmore"), 3)) << "the memo's answer is the query's";
  db::sql::query(a, "UPDATE r.users SET user_name = 'Gilmore Two' WHERE user_id = 'U1'");
  db::sql::query(a, "UPDATE r.beatdowns SET pax_count = 5");
  EXPECT_EQ(seen(a), std::make_pair(std::string("Gilmore Two"), 5));

  Database b{test::PostgresEnvironment::get().fresh_database_url()};
  one_beatdown(b, "Hoss", 7);
  EXPECT_EQ(seen(b), std::make_pair(std::string("Hoss"), 7));
  EXPECT_EQ(seen(a), std::make_pair(std::string("Gilmore Two"), 5));
}

TEST(Aliases, NameKeysIgnoreCaseAccentsSpacesAndPunctuation) {
  EXPECT_EQ(name_key("Señor Frío"), "senorfrio");
  EXPECT_EQ(name_key("senor-frio"), "senorfrio");
  EXPECT_EQ(name_key("SENOR  FRIO!"), "senorfrio");
  EXPECT_EQ(name_key("O’Malley (the elder)"), "omalleytheelder");
  EXPECT_EQ(name_key("Zoë"), "zoe");
  EXPECT_EQ(name_key("호랑이"), "호랑이") << "other scripts are kept as they are";
  EXPECT_EQ(name_key("  "), "");
}

// A typed name that is one user's name counts as that user (and a beatdown naming them twice,
// once), an ambiguous one stays typed and is listed, and an admin's word is final.
TEST(Aliases, ATypedNameThatIsOneUsersNameIsThatUser) {
  Database conn{test::PostgresEnvironment::get().fresh_database_url()};
  add_region(conn, "r", "R", "America/Chicago");
  db::sql::script(conn, R"sql(
    INSERT INTO r.users (user_id, user_name, display_name, real_name, is_bot) VALUES
      ('U1', 'Dozer', 'Dozer', 'John Smith', false), ('U2', 'Señor Frío', 'Señor Frío', 'Juan Perez', false),
      ('U3', 'Twin', 'Twin', 'Tom Winters', false), ('U4', 'Twin', 'Twin', 'Tina Wu', false),
      ('B1', 'Botty', 'Botty', NULL, true);
    INSERT INTO r.channels (channel_id, name) VALUES ('C1', 'ao-forge');
    INSERT INTO r.messages (channel_id, ts, posted_at, raw, source) VALUES
      ('C1', '1790000000.000100', now(), '{}', 'export'), ('C1', '1790090000.000100', now(), '{}', 'export');
    INSERT INTO r.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, q_name, derived_count, pax_count,
                             parse_status) VALUES
      ('C1', '1790000000.000100', 'C1', '2026-10-05', 'U1', NULL, 5, 5, 'ok'),
      ('C1', '1790090000.000100', 'C1', '2026-10-06', NULL, 'dozer', 3, 3, 'ok');
    INSERT INTO r.attendance (channel_id, ts, user_id, name, role) VALUES
      ('C1', '1790000000.000100', 'U1', NULL, 'q'), ('C1', '1790000000.000100', NULL, 'senor frio', 'pax'),
      ('C1', '1790000000.000100', NULL, 'Twin', 'pax'), ('C1', '1790000000.000100', NULL, 'Stranger', 'pax'),
      ('C1', '1790000000.000100', 'U3', NULL, 'pax'),
      ('C1', '1790090000.000100', NULL, 'dozer', 'q'), ('C1', '1790090000.000100', 'U1', NULL, 'pax'),
      ('C1', '1790090000.000100', NULL, 'Botty', 'pax'), ('C1', '1790090000.000100', 'U4', NULL, 'pax');
  )sql");
  auto posts_of = [&] {
    std::map<std::string, int> out;
    for (const auto& p : report::Reader(conn, "r").leaderboard(test::month_days("2026-10"), std::nullopt, 100))
      out[p.person] = p.posts;
    return out;
  };
  EXPECT_EQ(posts_of()["name:dozer"], 1) << "before any match, typed names are their own people";

  const auto refreshed = refresh_aliases(conn, "r");
  EXPECT_EQ(refreshed.matched, 2);    // dozer → U1, senor frio → U2 (Botty is a bot's name: no match)
  EXPECT_EQ(refreshed.ambiguous, 1);  // Twin: U3 or U4
  auto posts = posts_of();
  EXPECT_EQ(posts["U1"], 2) << "the typed Q and the mention at one beatdown are one post";
  EXPECT_EQ(posts["U2"], 1);
  EXPECT_EQ(posts["name:twin"], 1) << "ambiguous: stays typed";
  EXPECT_EQ(posts["name:stranger"], 1);
  EXPECT_FALSE(posts.count("name:dozer"));
  EXPECT_FALSE(posts.count("name:senor frio"));
  const auto q = report::Reader(conn, "r").q_counts(test::month_days("2026-10"));
  int u1_qs = 0;
  for (const auto& r : q) u1_qs += r.person == "U1" ? r.qs : 0;
  EXPECT_EQ(u1_qs, 2) << "the typed Q counts as the user";

  auto list = list_aliases(conn, "r");
  std::map<std::string, Alias> by_typed;
  for (const auto& a : list) by_typed[a.typed] = a;
  EXPECT_EQ(by_typed["dozer"].user_id, "U1");
  EXPECT_EQ(by_typed["dozer"].rule, AliasRule::display_name);
  EXPECT_EQ(by_typed["dozer"].posts, 1);
  EXPECT_EQ(by_typed["senor frio"].user_id, "U2");
  EXPECT_EQ(by_typed["Twin"].rule, AliasRule::ambiguous);
  EXPECT_EQ(by_typed["Twin"].candidates, (std::vector<std::string>{"U3", "U4"}));

  // The admin's word: Twin is U3; dozer is nobody, and stays so when matched again.
  confirm_alias(conn, "r", "Twin", "U3");
  EXPECT_TRUE(remove_alias(conn, "r", "dozer"));
  refresh_aliases(conn, "r");
  posts = posts_of();
  EXPECT_EQ(posts["U3"], 1) << "U3's mention and the confirmed Twin at one beatdown: one post";
  EXPECT_EQ(posts["name:dozer"], 1);
  EXPECT_EQ(posts["U1"], 2);
  EXPECT_THROW(confirm_alias(conn, "r", "Twin", "U999"), UserError);
}
