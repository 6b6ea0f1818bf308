// db::perform against a real server whose connections are killed (pg_terminate_backend) in the
// middle of a report query and in the middle of a commit (issue 32): the first is tried again on a
// new connection, the second is never repeated and stops as in doubt.
#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>

#include "eventually.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/perform.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/db/sql.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using namespace std::chrono_literals;

namespace {

class Perform : public ::testing::Test {
 protected:
  void SetUp() override {
    db::migrate_all(control);
    db::add_region(control, "r", "F3 Test", "America/Chicago");
  }
  // The server process of the one session waiting on a lock (a step blocked where the test wants it).
  std::optional<std::string> waiting_backend() {
    return db::sql::value(control,
                          "SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() "
                          "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
  }
  void kill(const std::string& pid) {
    ASSERT_EQ(db::sql::value(control, "SELECT pg_terminate_backend($1::int)", {pid}), "t");
  }
  std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database control{url};
  std::vector<db::Failure> retried;
  db::PerformOptions options{.backoff = 1ms,
                             .on_retry = [this](int, db::Failure f, const std::exception&) { retried.push_back(f); }};
};

}  // namespace

TEST_F(Perform, AReportQueryWhoseConnectionIsKilledIsTriedAgainOnANewConnection) {
  db::Database reader(url);
  const auto period = test::month_days("2026-10");
  // The test holds the posts' tables, so the report's query waits where it can be killed.
  pqxx::connection holder(url);
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("LOCK TABLE r.posts IN ACCESS EXCLUSIVE MODE");
  int tries = 0;
  auto read = std::async(std::launch::async, [&] {
    return db::perform(
        reader,
        [&](db::Database& d) {
          ++tries;
          return db::report::Reader(d, "r").leaderboard(period);
        },
        options);
  });
  ASSERT_TRUE(test::eventually([&] { return waiting_backend().has_value(); }));
  const auto first = *waiting_backend();
  kill(first);
  // The step waits again, on a new session.
  ASSERT_TRUE(test::eventually([&] {
    const auto now = waiting_backend();
    return now && *now != first;
  }));
  hold->abort();
  const auto rows = read.get();
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(tries, 2);
  EXPECT_EQ(retried, std::vector<db::Failure>{db::Failure::connection_lost});
  EXPECT_TRUE(reader.is_open()) << "the step's connection is the new one";
  db::ping(reader);
}

TEST_F(Perform, ACommitWhoseConnectionIsKilledIsInDoubtAndNeverRepeated) {
  // A write whose COMMIT waits (a deferred check that takes a lock the test holds): killed then,
  // its outcome is unknown to the writer.
  db::sql::script(control,
                  "CREATE TABLE paxstats.perform_probe (n int);"
                  "CREATE FUNCTION paxstats.perform_wait() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN PERFORM pg_advisory_xact_lock(3232); RETURN NULL; END $$;"
                  "CREATE CONSTRAINT TRIGGER perform_wait AFTER INSERT ON paxstats.perform_probe "
                  "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION paxstats.perform_wait();");
  pqxx::connection holder(url);
  auto hold = std::make_unique<pqxx::work>(holder);
  hold->exec("SELECT pg_advisory_xact_lock(3232)");
  db::Database writer(url);
  int tries = 0;
  auto write = std::async(std::launch::async, [&] {
    db::perform(
        writer,
        [&](db::Database& d) {
          ++tries;
          db::sql::script(d, "INSERT INTO paxstats.perform_probe VALUES (1)");  // one transaction
        },
        options);
  });
  ASSERT_TRUE(test::eventually([&] { return waiting_backend().has_value(); }));
  kill(*waiting_backend());
  try {
    write.get();
    FAIL() << "a commit whose outcome is unknown went by as made";
  } catch (const db::InDoubt& e) {
    EXPECT_NE(std::string(e.what()).find("may or may not have been made"), std::string::npos) << e.what();
  }
  EXPECT_EQ(tries, 1) << "an in-doubt commit was repeated";
  EXPECT_TRUE(retried.empty());
  hold->abort();
  EXPECT_EQ(db::classify(pqxx::in_doubt_error("x")), db::Failure::in_doubt);
}

TEST_F(Perform, ASerializationFailureIsTriedAgainAndAnSqlErrorIsNot) {
  int tries = 0;
  const int got = db::perform(
      control,
      [&](db::Database&) {
        if (++tries < 3) throw pqxx::serialization_failure("could not serialize access");
        return 7;
      },
      options);
  EXPECT_EQ(got, 7);
  EXPECT_EQ(retried, (std::vector<db::Failure>{db::Failure::serialization, db::Failure::serialization}));
  tries = 0;
  EXPECT_THROW(db::perform(
                   control,
                   [&](db::Database& d) {
                     ++tries;
                     return db::sql::query(d, "SELECT * FROM no_such_table");
                   },
                   options),
               std::exception);
  EXPECT_EQ(tries, 1);
  // Given up after the attempts allowed: the last failure as it was.
  tries = 0;
  EXPECT_THROW(db::perform(
                   control,
                   [&](db::Database&) -> int {
                     ++tries;
                     throw pqxx::deadlock_detected("deadlock detected");
                   },
                   options),
               pqxx::deadlock_detected);
  EXPECT_EQ(tries, options.attempts);
}
