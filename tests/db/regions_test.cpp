#include <gtest/gtest.h>

#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/regions.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using paxstats::test::PostgresEnvironment;

namespace {

std::vector<std::string> relations(db::Database& conn, const std::string& schema, const std::string& kind) {
  std::vector<std::string> out;
  for (auto& r : db::sql::query(conn,
                                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = $1 AND c.relkind = $2 ORDER BY 1",
                                {schema, kind}))
    out.push_back(*r[0]);
  return out;
}

class Regions : public ::testing::Test {
 protected:
  db::Database conn{PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

TEST_F(Regions, AddCreatesSchemaNamedAsSlugWithEveryTableAndBothViews) {
  auto r = db::add_region(conn, "stl", "F3 St. Louis", "America/Chicago");
  EXPECT_EQ(r.slug, "stl");
  EXPECT_EQ(r.tz, "America/Chicago");
  EXPECT_TRUE(r.flags.send_pax_monthly);
  EXPECT_EQ(relations(conn, "stl", "r"),
            (std::vector<std::string>{"aliases", "app_home_users", "attendance", "beatdowns", "channels",
                                      "count_choices", "counted_beatdowns_cache", "files", "mentor_asks", "messages",
                                      "nudges", "opt_outs", "parse_issues", "posts_cache", "posts_cache_version",
                                      "reactions", "schema_migrations", "sync_state", "users"}));
  EXPECT_EQ(relations(conn, "stl", "v"),
            (std::vector<std::string>{"aos", "attendance_view", "bd_attendance", "beatdown_info", "counted_beatdowns",
                                      "member_mentions", "member_messages", "member_threads", "members",
                                      "message_facts", "message_reactions", "posts"}));
}

TEST_F(Regions, RejectsBadSlugsAndCreatesNothing) {
  for (const char* slug : {"", "Stl", "1stl", "st-l", "st l", "public", "paxstats", "information_schema", "pg_stl",
                           "a23456789012345678901234567890123456789012", "stl;drop", "ſtl"}) {
    EXPECT_THROW(db::add_region(conn, slug, "x", "UTC"), UserError) << slug;
  }
  EXPECT_TRUE(db::list_regions(conn).empty());
  EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%stl%'"), "0");
}

TEST_F(Regions, AcceptsLongestAllowedSlug) {
  const std::string slug = "a" + std::string(39, 'b');
  EXPECT_NO_THROW(db::add_region(conn, slug, "x", "UTC"));
}

TEST_F(Regions, RejectsUnknownTimeZoneAndCreatesNothing) {
  for (const char* tz : {"Mars/Base", "America/Chicag", "", "CST6CDT;", "../etc/passwd"})
    EXPECT_THROW(db::add_region(conn, "stl", "x", tz), UserError) << tz;
  EXPECT_TRUE(db::list_regions(conn).empty());
  EXPECT_FALSE(db::sql::value(conn, "SELECT 1 FROM pg_namespace WHERE nspname = 'stl'"));
}

TEST_F(Regions, RefusesDuplicateRegionAndForeignSchema) {
  db::add_region(conn, "stl", "F3 St. Louis", "America/Chicago");
  EXPECT_THROW(db::add_region(conn, "stl", "again", "UTC"), UserError);
  db::sql::query(conn, "CREATE SCHEMA accounting");
  EXPECT_THROW(db::add_region(conn, "accounting", "x", "UTC"), UserError);
  EXPECT_EQ(db::list_regions(conn).size(), 1u);
}

TEST_F(Regions, SetValidatesEveryValueAndAppliesAllOrNothing) {
  db::add_region(conn, "stl", "F3 St. Louis", "America/Chicago");
  auto r = db::set_region(conn, "stl", {{"firstf_channel", "C01ABCDEF"}, {"send_kotter", "false"}, {"tz", "UTC"}});
  EXPECT_EQ(r.firstf_channel, "C01ABCDEF");
  EXPECT_FALSE(r.flags.send_kotter);
  EXPECT_EQ(r.tz, "UTC");
  EXPECT_THROW(db::set_region(conn, "stl", {{"name", "Changed"}, {"active", "maybe"}}), UserError);
  EXPECT_THROW(db::set_region(conn, "stl", {{"name", "Changed"}, {"firstf_channel", "#1st-f"}}), UserError);
  EXPECT_THROW(db::set_region(conn, "stl", {{"name", "Changed"}, {"tz", "Nowhere/Land"}}), UserError);
  EXPECT_THROW(db::set_region(conn, "stl", {{"name", "Changed"}, {"slug; DROP TABLE x", "1"}}), UserError);
  EXPECT_EQ(db::get_region(conn, "stl").name, "F3 St. Louis");  // nothing half-applied
  EXPECT_FALSE(db::set_region(conn, "stl", {{"firstf_channel", ""}}).firstf_channel.has_value());
  EXPECT_THROW(db::set_region(conn, "nope", {{"name", "x"}}), UserError);
  // token_env may only name a bot-token variable: never the signing secret or the database URL.
  for (const char* var : {"SLACK_SIGNING_SECRET", "DATABASE_URL", "HOME", "slack_bot_token"})
    EXPECT_THROW(db::set_region(conn, "stl", {{"token_env", var}}), UserError) << var;
  EXPECT_EQ(db::set_region(conn, "stl", {{"token_env", "SLACK_BOT_TOKEN_STL"}}).token_env, "SLACK_BOT_TOKEN_STL");
  EXPECT_EQ(db::set_region(conn, "stl", {{"token_env", "PAXSTATS_TOKEN_STL"}}).token_env, "PAXSTATS_TOKEN_STL");
  // One workspace is one region: a team_id already taken is refused, naming the region.
  db::add_region(conn, "kc", "F3 KC", "America/Chicago");
  db::set_region(conn, "stl", {{"team_id", "T0000000A1"}});
  try {
    db::set_region(conn, "kc", {{"team_id", "T0000000A1"}});
    ADD_FAILURE() << "a second region took the same team_id";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("region stl's already"), std::string::npos) << e.what();
  }
}

TEST_F(Regions, MigrateAllUpgradesEveryRegion) {
  db::add_region(conn, "stl", "F3 St. Louis", "America/Chicago");
  db::add_region(conn, "kc", "F3 Kansas City", "America/Chicago");
  EXPECT_TRUE(db::migrate_all(conn).empty());
  EXPECT_EQ(db::sql::value(conn, "SELECT count(*) FROM kc.schema_migrations"),
            std::to_string(db::region_migrations().files.size()));
  EXPECT_GE(db::region_migrations().files.size(), 10u);
}

TEST_F(Regions, PaxminerViewsAnswerPaxminerStyleQueries) {
  db::add_region(conn, "stl", "F3 St. Louis", "America/Chicago");
  db::sql::script(conn, R"sql(
    INSERT INTO stl.users (user_id, user_name) VALUES ('U1', 'Gilmore'), ('U2', 'Green Thumb'), ('U3', 'Zoë');
    INSERT INTO stl.channels (channel_id, name, is_backblast_channel) VALUES ('C1', 'ao-the-forge', true);
    INSERT INTO stl.messages (channel_id, ts, text, posted_at, raw, source)
      VALUES ('C1', '1700000000.000100', 'Backblast!', to_timestamp(1700000000), '{}', 'export');
    INSERT INTO stl.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, coq_user_ids, pax_count,
                               derived_count, fng_count, fng_names, parse_status)
      VALUES ('C1', '1700000000.000100', 'C1', '2023-11-14', 'U1', '{U3}', 5, 4, 1, '{Snickle}', 'ok');
    INSERT INTO stl.attendance (channel_id, ts, user_id, name, role) VALUES
      ('C1', '1700000000.000100', 'U1', NULL, 'q'),
      ('C1', '1700000000.000100', 'U3', NULL, 'coq'),
      ('C1', '1700000000.000100', 'U2', NULL, 'pax'),
      ('C1', '1700000000.000100', NULL, 'Snickle', 'fng');
  )sql");
  // PAXminer's own SQL, unquoted, as regions wrote it for dashboards.
  auto pax = db::sql::query(conn, "SELECT PAX, AO, Date FROM stl.attendance_view ORDER BY PAX");
  ASSERT_EQ(pax.size(), 4u);
  EXPECT_EQ(pax[0][0], "Gilmore");
  EXPECT_EQ(pax[1][0], "Green Thumb");
  EXPECT_EQ(pax[2][0], "Snickle");  // untagged attendees are kept, unlike PAXminer
  EXPECT_EQ(pax[0][1], "ao-the-forge");
  EXPECT_EQ(pax[0][2], "2023-11-14");
  auto bd = db::sql::query(conn, "SELECT Date, AO, Q, CoQ, pax_count, fngs, fng_count FROM stl.beatdown_info");
  ASSERT_EQ(bd.size(), 1u);
  EXPECT_EQ(bd[0], (db::Row{"2023-11-14", "ao-the-forge", "Gilmore", "Zoë", "5", "1 Snickle", "1"}));
}

// Issue 29: a connection lost mid-command (the server terminated it) is the environment's
// problem, which the CLI reports with exit 2, not a bug; other errors are not taken for one.
TEST(ConnectionLoss, ATerminatedConnectionIsALossAndASqlErrorIsNot) {
  const std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database victim(url), admin(url);
  const auto pid = db::sql::value(victim, "SELECT pg_backend_pid()").value_or("");
  db::sql::query(admin, "SELECT pg_terminate_backend($1::int)", {pid});
  try {
    db::sql::query(victim, "SELECT 1");
    FAIL() << "the terminated connection answered";
  } catch (const std::exception& e) {
    EXPECT_TRUE(db::is_connection_loss(e)) << e.what();
  }
  EXPECT_FALSE(victim.is_open());
  try {
    db::sql::query(admin, "SELECT * FROM no_such_table");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_FALSE(db::is_connection_loss(e)) << e.what();
  }
  EXPECT_FALSE(db::is_connection_loss(std::runtime_error("x")));
}
