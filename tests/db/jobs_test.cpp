// The service's job queue: dedupe, claims by one worker, retries, and orphans of dead workers.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/regions.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using json = nlohmann::json;

namespace {
using db::jobs::JobKind;
class Jobs : public ::testing::Test {
 protected:
  void SetUp() override { db::migrate_all(conn); }
  std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database conn{url};
};
}  // namespace

TEST_F(Jobs, ADedupeKeyQueuesOnceAndEachJobGoesToOneWorker) {
  EXPECT_TRUE(db::jobs::enqueue(conn, "", JobKind::event, json{{"n", 1}}, "event:Ev1"));
  EXPECT_FALSE(db::jobs::enqueue(conn, "", JobKind::event, json{{"n", 2}}, "event:Ev1"));
  EXPECT_TRUE(db::jobs::enqueue(conn, "", JobKind::event, json{{"n", 3}}));
  db::Database other(url);
  auto a = db::jobs::claim(conn, "w1"), b = db::jobs::claim(other, "w2");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->payload["n"], 1);
  EXPECT_FALSE(db::jobs::claim(conn, "w1"));
  db::jobs::finish(conn, *a);
  db::jobs::fail(other, *b, "boom", 1);  // one attempt allowed: failed for good
  const auto d = db::jobs::depth(conn);
  EXPECT_EQ(d.queued + d.running, 0);
  EXPECT_EQ(d.failed, 1);
}

TEST_F(Jobs, AFailedJobComesBackLaterAndAJobDelayedWaits) {
  db::jobs::enqueue(conn, "", JobKind::sync, json::object());
  auto j = db::jobs::claim(conn, "w1");
  ASSERT_TRUE(j);
  db::jobs::fail(conn, *j, "try again", 5);
  EXPECT_FALSE(db::jobs::claim(conn, "w1")) << "retried before its backoff";
  db::sql::query(conn, "UPDATE paxstats.jobs SET run_after = now()");
  auto again = db::jobs::claim(conn, "w1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 1);
  db::jobs::enqueue(conn, "", JobKind::home, json::object(), std::nullopt, 3600);
  db::jobs::finish(conn, *again);
  EXPECT_FALSE(db::jobs::claim(conn, "w1"));
}

TEST_F(Jobs, OnlyJobsOfAWorkerThatDiedOrWentSilentAreTakenUpAgain) {
  const auto lease = std::chrono::seconds(30);
  for (const auto kind : {JobKind::stats, JobKind::ao_stats, JobKind::feedback})
    db::jobs::enqueue(conn, "", kind, json::object());
  // Three processes, each registered from the session that beats its heartbeat.
  auto live = std::make_unique<db::Database>(url), dead = std::make_unique<db::Database>(url),
       silent = std::make_unique<db::Database>(url);
  db::jobs::register_worker(*live, "live", "host-a", 1);
  db::jobs::register_worker(*dead, "dead", "host-b", 2);
  db::jobs::register_worker(*silent, "silent", "host-c", 3);
  const auto a = db::jobs::claim(*live, "live"), b = db::jobs::claim(*dead, "dead"),
             c = db::jobs::claim(*silent, "silent");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(db::jobs::requeue_stale(conn, lease), 0);  // all three are alive

  // The dead one's process went: its session with it. Its job is taken up at once.
  dead.reset();
  int requeued = 0;
  ASSERT_TRUE(test::eventually([&] { return (requeued += db::jobs::requeue_stale(conn, lease)) > 0; }));
  EXPECT_EQ(requeued, 1);
  // The silent one's session lingers (a host cut off: the server has not noticed) but its
  // heartbeat stopped a lease ago; the live one's is fresh.
  db::sql::query(conn, "UPDATE paxstats.jobs SET heartbeat_at = now() - interval '31 seconds' WHERE worker = 'silent'");
  db::jobs::heartbeat(*live, "live");
  EXPECT_EQ(db::jobs::requeue_stale(conn, lease), 1);
  EXPECT_EQ(db::jobs::depth(conn).queued, 2);
  EXPECT_EQ(db::jobs::depth(conn).running, 1);

  // The silent process comes back and finishes: its lease is gone, so nothing changes, and the
  // job's new claim is the only one that can end it.
  const auto again = db::jobs::claim(conn, "taker");
  ASSERT_TRUE(again);
  const auto other = db::jobs::claim(conn, "taker");
  ASSERT_TRUE(other);
  const auto& retaken = again->kind == JobKind::feedback ? *again : *other;
  EXPECT_FALSE(db::jobs::finish(*silent, *c));
  EXPECT_FALSE(db::jobs::fail(*silent, *c, "late", 1));
  EXPECT_FALSE(db::jobs::defer(*silent, *c, 0));
  EXPECT_TRUE(db::jobs::finish(conn, retaken));
  EXPECT_EQ(*db::sql::value(conn, "SELECT status FROM paxstats.jobs WHERE kind = 'feedback'"), "done");
}

TEST_F(Jobs, OneSchedulerAtATimeAcrossProcesses) {
  db::Database other(url);
  bool inner_ran = false;
  const bool ran = db::jobs::as_only_scheduler(conn, [&] {
    inner_ran = db::jobs::as_only_scheduler(other, [] {});  // another host's tick meanwhile
  });
  EXPECT_TRUE(ran);
  EXPECT_FALSE(inner_ran);
  EXPECT_TRUE(db::jobs::as_only_scheduler(other, [] {}));  // released after the tick
}

// Issue 34: the senders take only runs, biggest region first; the workers take everything else.
TEST_F(Jobs, SendersTakeRunsBiggestFirstAndWorkersTheRest) {
  for (const char* r : {"small", "big", "mid"}) db::add_region(conn, r, r, "America/Chicago");
  db::jobs::enqueue(conn, "small", JobKind::run_monthly, json::object(), std::nullopt, 0, 40);
  db::jobs::enqueue(conn, "", JobKind::event, json::object());
  db::jobs::enqueue(conn, "big", JobKind::run_monthly, json::object(), std::nullopt, 0, 1500);
  db::jobs::enqueue(conn, "mid", JobKind::run_weekly, json::object(), std::nullopt, 0, 300);
  const db::jobs::Kinds runs{{JobKind::run_monthly, JobKind::run_weekly}},
      rest{{JobKind::run_monthly, JobKind::run_weekly}, true};
  const auto worker = db::jobs::claim(conn, "w", rest);
  ASSERT_TRUE(worker);
  EXPECT_EQ(worker->kind, JobKind::event);
  EXPECT_FALSE(db::jobs::claim(conn, "w", rest)) << "a worker never takes a run when there are senders";
  std::vector<std::string> order;
  while (const auto j = db::jobs::claim(conn, "s", runs)) order.push_back(j->region);
  EXPECT_EQ(order, (std::vector<std::string>{"big", "mid", "small"}));
}

TEST_F(Jobs, AJobOfAKindThisBuildDoesNotKnowIsClaimedWithItsNameAndNoKind) {
  db::sql::query(conn, "INSERT INTO paxstats.jobs (kind, payload) VALUES ('from_a_newer_build', '{}')");
  const auto j = db::jobs::claim(conn, "w");
  ASSERT_TRUE(j);
  EXPECT_FALSE(j->kind);
  EXPECT_EQ(j->kind_name, "from_a_newer_build");
  for (const auto k : {JobKind::event, JobKind::run_monthly, JobKind::interaction})
    EXPECT_EQ(db::jobs::parse_job_kind(db::jobs::to_string(k)), k);
}

TEST_F(Jobs, ARunIsReadBackWithItsKindAndPeriodTyped) {
  db::add_region(conn, "r", "r", "America/Chicago");
  const auto week = paxstats::calendar::parse_period("2026-W48");
  const long id = db::jobs::create_run(conn, "r", db::jobs::RunKind::weekly, week);
  EXPECT_TRUE(db::jobs::has_run(conn, "r", db::jobs::RunKind::weekly, week));
  EXPECT_FALSE(db::jobs::has_run(conn, "r", db::jobs::RunKind::monthly, week));
  const auto run = db::jobs::get_run(conn, id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->kind, db::jobs::RunKind::weekly);
  ASSERT_TRUE(run->period);
  EXPECT_EQ(*run->period, week);
  EXPECT_EQ(*db::sql::value(conn, "SELECT kind FROM paxstats.runs WHERE id = " + std::to_string(id)), "weekly");
  db::sql::query(conn, "UPDATE paxstats.runs SET kind = 'reparse'");
  EXPECT_THROW(db::jobs::get_run(conn, id), std::logic_error)
      << "a kind this build does not know is not read as a report";
}
