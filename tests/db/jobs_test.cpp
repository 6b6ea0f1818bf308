// The service's job queue: dedupe, claims by one worker, retries, and orphans of dead workers.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/migrate.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using json = nlohmann::json;

namespace {
class Jobs : public ::testing::Test {
 protected:
  void SetUp() override { db::migrate_all(conn); }
  std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database conn{url};
};
}  // namespace

TEST_F(Jobs, ADedupeKeyQueuesOnceAndEachJobGoesToOneWorker) {
  EXPECT_TRUE(db::jobs::enqueue(conn, "", "event", json{{"n", 1}}, "event:Ev1"));
  EXPECT_FALSE(db::jobs::enqueue(conn, "", "event", json{{"n", 2}}, "event:Ev1"));
  EXPECT_TRUE(db::jobs::enqueue(conn, "", "event", json{{"n", 3}}));
  db::Database other(url);
  auto a = db::jobs::claim(conn), b = db::jobs::claim(other);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->payload["n"], 1);
  EXPECT_FALSE(db::jobs::claim(conn));
  db::jobs::finish(conn, a->id);
  db::jobs::fail(other, b->id, "boom", 1);  // one attempt allowed: failed for good
  const auto d = db::jobs::depth(conn);
  EXPECT_EQ(d.queued + d.running, 0);
  EXPECT_EQ(d.failed, 1);
}

TEST_F(Jobs, AFailedJobComesBackLaterAndAJobDelayedWaits) {
  db::jobs::enqueue(conn, "", "x", json::object());
  auto j = db::jobs::claim(conn);
  ASSERT_TRUE(j);
  db::jobs::fail(conn, j->id, "try again", 5);
  EXPECT_FALSE(db::jobs::claim(conn)) << "retried before its backoff";
  db::sql::query(conn, "UPDATE paxstats.jobs SET run_after = now()");
  auto again = db::jobs::claim(conn);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 1);
  db::jobs::enqueue(conn, "", "later", json::object(), std::nullopt, 3600);
  db::jobs::finish(conn, again->id);
  EXPECT_FALSE(db::jobs::claim(conn));
}

TEST_F(Jobs, OnlyJobsOfAWorkerThatDiedAreTakenUpAgain) {
  db::jobs::enqueue(conn, "", "a", json::object());
  db::jobs::enqueue(conn, "", "b", json::object());
  auto live = std::make_unique<db::Database>(url), dead = std::make_unique<db::Database>(url);
  ASSERT_TRUE(db::jobs::claim(*live));
  ASSERT_TRUE(db::jobs::claim(*dead));
  EXPECT_EQ(db::jobs::requeue_stale(conn), 0);  // both workers are alive
  dead.reset();                                 // its process died: connection and lock gone
  for (int i = 0; i < 50 && db::jobs::requeue_stale(conn) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(db::jobs::depth(conn).queued, 1);
  EXPECT_EQ(db::jobs::depth(conn).running, 1);
  auto taken = db::jobs::claim(conn);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->kind, "b");
}
