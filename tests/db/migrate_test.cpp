#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/regions.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using paxstats::test::PostgresEnvironment;

namespace {

const EmbeddedFile kGood[] = {
    {"0001_first.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n"},
    {"0002_second.sql", "CREATE TABLE b (y int);\n-- a comment\nINSERT INTO b VALUES (2);\n"},
};
const EmbeddedFile kBadSecond[] = {
    {"0001_first.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n"},
    {"0002_second.sql", "CREATE TABLE b (y int);\n-- a comment\nINSERT INTO nowhere VALUES (2);\n"},
};
const EmbeddedFile kEditedFirst[] = {
    {"0001_first.sql", "CREATE TABLE a (x bigint);\nINSERT INTO a VALUES (1);\n"},
};

bool table_exists(db::Database& conn, const std::string& qualified) {
  return db::sql::value(conn, "SELECT to_regclass($1)::text", {qualified}).has_value();
}

}  // namespace

TEST(Migrations, ApplyInOrderAndRecordEach) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  auto applied = db::apply_migrations(conn, {"test", kGood}, "t1");
  EXPECT_EQ(applied, (std::vector<std::string>{"0001_first.sql", "0002_second.sql"}));
  EXPECT_EQ(db::sql::value(conn, "SELECT y FROM t1.b"), "2");
  auto rows = db::sql::query(conn, "SELECT version, name FROM t1.schema_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "0002_second.sql");
}

TEST(Migrations, SecondRunIsANoOp) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  db::apply_migrations(conn, {"test", kGood}, "t1");
  EXPECT_TRUE(db::apply_migrations(conn, {"test", kGood}, "t1").empty());
  EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM t1.a"), "1");  // not run twice
}

TEST(Migrations, FailingMigrationRollsBackAndNamesFileStatementAndLine) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  try {
    db::apply_migrations(conn, {"test", kBadSecond}, "t1");
    FAIL() << "expected MigrationError";
  } catch (const db::MigrationError& e) {
    EXPECT_EQ(e.file(), "test/0002_second.sql");
    EXPECT_EQ(e.statement_number(), 2);
    EXPECT_EQ(e.line(), 3);
    std::string what = e.what();
    EXPECT_NE(what.find("nowhere"), std::string::npos) << what;
    EXPECT_NE(what.find("INSERT INTO nowhere"), std::string::npos) << what;
  }
  // The first migration stays; nothing of the second (not even its first statement) remains.
  EXPECT_TRUE(table_exists(conn, "t1.a"));
  EXPECT_FALSE(table_exists(conn, "t1.b"));
  EXPECT_EQ(db::sql::value(conn, "SELECT max(version) FROM t1.schema_migrations"), "1");
  // Once fixed, the run picks up where it stopped.
  EXPECT_EQ(db::apply_migrations(conn, {"test", kGood}, "t1"), std::vector<std::string>{"0002_second.sql"});
}

TEST(Migrations, RefusesAnAppliedMigrationThatWasEdited) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  db::apply_migrations(conn, {"test", kGood}, "t1");
  EXPECT_THROW(db::apply_migrations(conn, {"test", kEditedFirst}, "t1"), UserError);
}

TEST(Migrations, MigrateAllCreatesTheControlSchemaAndIsIdempotent) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  auto first = db::migrate_all(conn);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.front(), "control: 0001_control.sql");
  for (const char* t : {"paxstats.regions", "paxstats.runs", "paxstats.deliveries", "paxstats.jobs"})
    EXPECT_TRUE(table_exists(conn, t)) << t;
  EXPECT_TRUE(db::migrate_all(conn).empty());
}

TEST(Migrations, ConcurrentRunsApplyEachMigrationOnce) {
  const std::string url = PostgresEnvironment::get().fresh_database_url();
  std::vector<std::thread> threads;
  std::atomic<int> applied{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      db::Database conn(url);
      applied += static_cast<int>(db::apply_migrations(conn, {"test", kGood}, "t1").size());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied.load(), 2);
  db::Database conn(url);
  EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM t1.a"), "1");
}

// Issue 34: a new region migration over many regions at once. One region whose migration fails
// is named and left exactly as it was; the others are migrated; progress is told per region.
TEST(Migrations, ARegionWhoseMigrationFailsIsNamedAndLeftAsItWasWhileTheOthersAreMigrated) {
  db::Database conn(PostgresEnvironment::get().fresh_database_url());
  db::migrate_all(conn);
  const std::vector<std::string> slugs = {"ra", "rb", "rc", "rd", "re"};
  for (const auto& s : slugs) db::add_region(conn, s, "Region " + s, "America/Chicago");
  EXPECT_EQ(db::migrate_regions(conn, {}).pending, 0) << "an up-to-date nation is not touched";

  // As if 0016 were new: its tables and its ledger row gone everywhere; rc has a table of that
  // name already (made by hand), so 0016's second statement fails there.
  for (const auto& s : slugs)
    db::sql::script(conn, "DROP TABLE " + s + ".app_home_users; DROP TABLE " + s + ".count_choices; DELETE FROM " + s +
                              ".schema_migrations WHERE version = 16");
  db::sql::script(conn, "CREATE TABLE rc.count_choices (by_hand int)");
  // (A new file changes the set's fingerprint, which every region records: none matches now.)
  db::sql::query(conn, "UPDATE paxstats.regions SET migrated = 'an older set'");

  std::vector<std::pair<int, int>> progress;
  const auto report = db::migrate_regions(
      conn, {.connections = 3, .progress = [&](int done, int of) { progress.emplace_back(done, of); }});
  EXPECT_EQ(report.regions, 5);
  EXPECT_EQ(report.pending, 5);
  EXPECT_EQ(report.migrated, 4);
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].region, "rc");
  EXPECT_NE(report.failed[0].message.find("0016_slack_app.sql"), std::string::npos) << report.failed[0].message;
  EXPECT_NE(report.failed[0].message.find("already exists"), std::string::npos) << report.failed[0].message;
  ASSERT_EQ(progress.size(), 5u);
  EXPECT_EQ(progress.back(), std::make_pair(5, 5));
  for (const auto& s : slugs) {
    const bool failed = s == "rc";
    EXPECT_EQ(table_exists(conn, s + ".app_home_users"), !failed) << s;
    EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM " + s + ".schema_migrations WHERE version = 16"),
              failed ? "0" : "1")
        << s;
  }
  EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM rc.count_choices"), "0");  // the hand-made table, untouched
  try {
    db::migrate_all(conn);
    ADD_FAILURE() << "a failed region must fail the command";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("(rc)"), std::string::npos) << e.what();
  }
  db::sql::script(conn, "DROP TABLE rc.count_choices");
  const auto again = db::migrate_regions(conn, {});
  EXPECT_EQ(again.pending, 1);
  EXPECT_EQ(again.migrated, 1);
  EXPECT_TRUE(again.failed.empty());
}
