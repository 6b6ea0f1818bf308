#include <gtest/gtest.h>

#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
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
