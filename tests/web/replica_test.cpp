// Issue 34: the dashboard read from a hot standby (DATABASE_READ_URL). The test's cluster gets a
// streaming replica (paxstats db start --replica's code); one service reads its pages from the
// primary only, the other from the replica. Their pages are the same, byte for byte; a backblast
// edited on the primary shows on the replica-served page within 2 s; and a replica that cannot
// catch up in time is not read (the page comes from the primary, never older than its version).
#include <chrono>

#include "dashboard_support.hpp"
#include "eventually.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/replica.hpp"
#include "paxstats/mining/pipeline.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using paxstats::test::figure;

namespace paxstats::test {
// "1,234" → 1234.
inline int as_number(std::string s) {
  std::erase(s, ',');
  return std::stoi(s);
}
}  // namespace paxstats::test

namespace {

const BusinessTime kNow = *parse_iso_time("2026-12-01T18:00:00Z");

class Replica : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::set_level(log::Level::warn);
    test::PostgresEnvironment::get().cluster().start_replica();
    mining::GeneratorOptions o;
    o.seed = 61;
    o.pax = 80;
    o.months = 2;
    o.end = "2026-11-30";
    ws_ = new test::GeneratedWorkspace(o);
  }
  static void TearDownTestSuite() { delete ws_; }

  void SetUp() override {
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    db::add_region(*conn, "stl", "F3 St. Louis", "America/Chicago");
    mining::import_export(*conn, "stl", ws_->path());
    db::set_region(*conn, "stl",
                   {{"team_id", ws_->truth["region"]["team_id"].get<std::string>()}, {"dashboard", "public"}});
    primary_only = start(url, "");
    with_replica = start(url, test::PostgresEnvironment::get().replica_url_of(url));
  }
  void TearDown() override {
    primary_only.reset();
    with_replica.reset();
  }

  std::unique_ptr<serve::Service> start(const std::string& database_url, const std::string& read_url) {
    serve::Options so;
    so.database_url = database_url;
    so.database_read_url = read_url;
    so.port = 0;
    so.signing_secret = "replica-test-secret";
    so.scheduler = false;
    so.dashboard_warm_every = 0ms;  // every page is read when it is asked for
    so.business_now = fixed_business_clock(kNow);
    auto s = std::make_unique<serve::Service>(so);
    s->start();
    return s;
  }

  static std::string get(serve::Service& s, const std::string& path) {
    httplib::Client http("127.0.0.1", s.port());
    const auto r = http.Get(path.c_str());
    return r && r->status == 200 ? r->body : "(HTTP " + std::to_string(r ? r->status : 0) + ")";
  }
  static long metric(serve::Service& s, const std::string& name) {
    const std::string text = get(s, "/metrics");
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stol(text.substr(at + name.size() + 2));
  }

  // The latest backblast is deleted in Slack (a message_deleted event, mined on the primary): the
  // region's beatdowns of all time go down by one.
  void delete_latest_backblast() {
    const auto last =
        db::sql::query(*conn, "SELECT channel_id, ts FROM stl.beatdowns ORDER BY bd_date DESC, ts DESC LIMIT 1");
    ASSERT_EQ(last.size(), 1u);
    mining::ingest_message_event(*conn, "stl",
                                 {{"type", "message"},
                                  {"subtype", "message_deleted"},
                                  {"channel", *last[0][0]},
                                  {"hidden", true},
                                  {"deleted_ts", *last[0][1]}});
  }

  static test::GeneratedWorkspace* ws_;
  const std::string all_time = "/r/stl?period=all";
  std::string url;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<serve::Service> primary_only, with_replica;
};
test::GeneratedWorkspace* Replica::ws_ = nullptr;

}  // namespace

TEST_F(Replica, PagesFromTheReplicaAreThePrimarysAndAnEditShowsWithinTwoSeconds) {
  const auto latest = db::sql::query(*conn,
                                     "SELECT ao_channel_id, q_user_id FROM stl.beatdowns WHERE ao_channel_id IS NOT "
                                     "NULL AND q_user_id IS NOT NULL ORDER BY bd_date DESC, ts LIMIT 1");
  ASSERT_EQ(latest.size(), 1u);
  const std::string ao = *latest[0][0], q = *latest[0][1];
  const std::vector<std::string> pages = {"/r/stl", "/r/stl/ao/" + ao, "/r/stl/pax/" + q, "/r/stl/community",
                                          "/r/stl?period=2026-10"};
  for (const auto& page : pages) {
    const std::string from_replica = get(*with_replica, page), from_primary = get(*primary_only, page);
    EXPECT_EQ(from_replica.substr(0, 1), "<") << page << ": " << from_replica.substr(0, 200);
    EXPECT_EQ(from_replica, from_primary) << page;
  }
  EXPECT_EQ(metric(*with_replica, "paxstats_dashboard_replica_reads_total"), static_cast<long>(pages.size()));
  EXPECT_EQ(metric(*with_replica, "paxstats_dashboard_replica_fallbacks_total"), 0);
  EXPECT_EQ(metric(*primary_only, "paxstats_dashboard_replica_reads_total"), -1);  // no replica, no figure

  const std::string before = figure(get(*with_replica, all_time), "Beatdowns");
  delete_latest_backblast();
  const auto edited = std::chrono::steady_clock::now();
  std::string after;
  ASSERT_TRUE(
      test::eventually([&] { return (after = figure(get(*with_replica, all_time), "Beatdowns")) != before; }, 2s))
      << before << " → " << after;
  const auto took = std::chrono::steady_clock::now() - edited;
  EXPECT_EQ(test::as_number(after), test::as_number(before) - 1) << before << " → " << after;
  EXPECT_LT(took, 2s);
  RecordProperty("edit_to_replica_page_ms",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_EQ(get(*with_replica, all_time), get(*primary_only, all_time));
}

TEST_F(Replica, AReplicaThatCannotCatchUpIsNotReadThePrimaryIs) {
  // Replay paused on the standby: every write after this is not there. The page names the
  // primary's version, so it must come from the primary, with the write in it.
  db::Database standby(test::PostgresEnvironment::get().replica_url_of(url));
  ASSERT_TRUE(db::replica::is_standby(standby));
  db::sql::query(standby, "SELECT pg_wal_replay_pause()");
  const std::string before = figure(get(*primary_only, all_time), "Beatdowns");
  delete_latest_backblast();
  const std::string page = get(*with_replica, all_time);
  db::sql::query(standby, "SELECT pg_wal_replay_resume()");
  EXPECT_EQ(test::as_number(figure(page, "Beatdowns")), test::as_number(before) - 1);
  EXPECT_EQ(page, get(*primary_only, all_time));
  EXPECT_GE(metric(*with_replica, "paxstats_dashboard_replica_fallbacks_total"), 1);
}
