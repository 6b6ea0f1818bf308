#include <gtest/gtest.h>

#include "paxstats/db/migrate.hpp"

using paxstats::db::split_sql;

TEST(SplitSql, SplitsAtTopLevelSemicolonsAndRecordsStartLines) {
  auto st = split_sql("CREATE TABLE a (x int);\n\nCREATE TABLE b (y int);\n");
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].text, "CREATE TABLE a (x int)");
  EXPECT_EQ(st[0].line, 1);
  EXPECT_EQ(st[1].text, "CREATE TABLE b (y int)");
  EXPECT_EQ(st[1].line, 3);
}

TEST(SplitSql, KeepsSemicolonsInsideQuotesIdentifiersAndDollarBodies) {
  auto st = split_sql(
      "INSERT INTO t VALUES ('a;b', 'it''s;');\n"
      "CREATE TABLE \"we;ird\" (x int);\n"
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
      "DO $$ BEGIN PERFORM 1; END $$;");
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[0].text, "INSERT INTO t VALUES ('a;b', 'it''s;')");
  EXPECT_EQ(st[1].text, "CREATE TABLE \"we;ird\" (x int)");
  EXPECT_EQ(st[2].text, "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql");
  EXPECT_EQ(st[3].text, "DO $$ BEGIN PERFORM 1; END $$");
  EXPECT_EQ(st[3].line, 4);
}

TEST(SplitSql, DropsCommentsAndEmptyStatements) {
  auto st = split_sql("-- header; with semicolon\n/* block; /* nested; */ */\n;;\nSELECT 1; -- trailing;\n");
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].text, "SELECT 1");
  EXPECT_EQ(st[0].line, 4);
}

TEST(SplitSql, LastStatementNeedsNoSemicolon) {
  auto st = split_sql("SELECT 1;\nSELECT $1::int");
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[1].text, "SELECT $1::int");
}
