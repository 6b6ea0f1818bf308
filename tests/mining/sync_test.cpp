// Sync through the Web API (against the fake Slack serving a generated workspace) against
// importing the same workspace's export.
#include <gtest/gtest.h>

#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using slack::fake::FakeSlack;

namespace {

struct Workspace {
  test::TempDir dir;
  explicit Workspace(int pax = 30, int aos = 0) {
    mining::GeneratorOptions o;
    o.seed = 9;
    o.pax = pax;
    o.months = 1;
    o.aos = aos;
    mining::generate_workspace(o, dir.path());
  }
};

class Sync : public ::testing::Test {
 protected:
  void SetUp() override {
    db::add_region(conn, "viasync", "Via sync", "America/Chicago");
    db::add_region(conn, "viaimport", "Via import", "America/Chicago");
  }

  // A fake whose minute is `window`, and a client whose limiter knows it.
  void start_fake(const std::filesystem::path& export_dir, std::chrono::milliseconds window = 100ms,
                  bool regime = false) {
    FakeSlack::Options o;
    o.window = window;
    o.nonmarketplace_history = regime;
    fake = std::make_unique<FakeSlack>(o);
    fake->load_export(export_dir);
    fake->start();
    limiter = std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), window);
    slack::ClientOptions co;
    co.token = fake->options().token;
    co.base_url = fake->base_url();
    co.limiter = limiter;
    if (regime) {
      limiter->set_rate("conversations.history", {1, window});
      limiter->set_rate("conversations.replies", {1, window});
      co.history_limit = 15;
    }
    client = std::make_unique<slack::Client>(co);
  }

  // Every row that must be equal: messages as stored, and everything derived.
  std::vector<db::Row> rows(const std::string& schema) {
    auto q = [&](const std::string& sql) { return db::sql::query(conn, sql); };
    std::vector<db::Row> all;
    for (auto& r :
         q("SELECT 'm', channel_id, ts, coalesce(thread_ts, ''), text, coalesce(edited_ts, ''), raw::text FROM " +
           schema + ".messages ORDER BY 2, 3"))
      all.push_back(r);
    for (auto& r :
         q("SELECT 'b', channel_id, ts, bd_date::text, ao_channel_id, coalesce(q_user_id, q_name), pax_count::text, "
           "fng_count::text, parse_status FROM " +
           schema + ".beatdowns ORDER BY 2, 3"))
      all.push_back(r);
    for (auto& r :
         q("SELECT 'a', channel_id, ts, coalesce(user_id, name), role FROM " + schema + ".attendance ORDER BY 2, 3, 4"))
      all.push_back(r);
    for (auto& r : q("SELECT 'r', channel_id, ts, emoji, user_id FROM " + schema + ".reactions ORDER BY 2, 3, 4, 5"))
      all.push_back(r);
    for (auto& r : q("SELECT 'i', channel_id, ts, severity, field, reason FROM " + schema +
                     ".parse_issues ORDER BY 2, 3, 4, 5, 6"))
      all.push_back(r);
    return all;
  }

  void expect_same_as_import(const std::filesystem::path& export_dir) {
    mining::import_export(conn, "viaimport", export_dir);
    auto a = rows("viasync"), b = rows("viaimport");
    ASSERT_GT(a.size(), 100u);
    EXPECT_EQ(a.size(), b.size());
    size_t shown = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()) && shown < 3; ++i)
      if (a[i] != b[i]) {
        ++shown;
        ADD_FAILURE() << "row " << i << " differs: " << *a[i][0] << " " << *a[i][1] << " " << *a[i][2] << " vs "
                      << *b[i][1] << " " << *b[i][2];
      }
  }

  long count(const std::string& sql) { return std::stol(db::sql::value(conn, sql).value_or("0")); }

  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
  std::unique_ptr<FakeSlack> fake;
  std::shared_ptr<slack::RateLimiter> limiter;
  std::unique_ptr<slack::Client> client;
};

}  // namespace

TEST_F(Sync, YieldsTheSameRowsAsImportingTheExport) {
  Workspace w;
  start_fake(w.dir.path());
  auto r = mining::sync(conn, "viasync", *client);
  EXPECT_GT(r.messages, 200);
  EXPECT_GT(r.threads, 10);
  EXPECT_GT(r.derived.beatdowns, 100);
  EXPECT_TRUE(r.skipped.empty()) << r.skipped.front().name << ": " << r.skipped.front().reason;
  EXPECT_EQ(r.channels_read, r.channels);
  expect_same_as_import(w.dir.path());
  // A second sync reads only the look-back window and changes nothing.
  auto again = mining::sync(conn, "viasync", *client);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_LT(again.pages, r.pages);
}

TEST_F(Sync, ResumesWhereAnInterruptedSyncStopped) {
  Workspace w;
  start_fake(w.dir.path());
  client = std::make_unique<slack::Client>(slack::ClientOptions{
      .token = fake->options().token, .base_url = fake->base_url(), .limiter = limiter, .history_limit = 2});
  // Two messages a page: the fourth history call is the first channel's fourth page.
  fake->inject(
      {.kind = FakeSlack::Fault::slack_error, .method = "conversations.history", .after = 3, .error = "token_revoked"});
  EXPECT_THROW(mining::sync(conn, "viasync", *client), slack::SlackError);
  const long partial = count("SELECT count(*) FROM viasync.messages");
  EXPECT_GT(partial, 0);
  EXPECT_EQ(partial,
            6 + count("SELECT count(*) FROM viasync.messages WHERE thread_ts IS NOT NULL AND thread_ts <> ts"));
  EXPECT_EQ(count("SELECT count(*) FROM viasync.sync_state"), 1) << "a channel was left half-read with no checkpoint";
  auto r = mining::sync(conn, "viasync", *client);
  EXPECT_EQ(count("SELECT count(*) FROM viasync.sync_state"), 0);
  expect_same_as_import(w.dir.path());
}

TEST_F(Sync, PicksUpNewMessagesAndEditsInTheLookBack) {
  Workspace w;
  start_fake(w.dir.path());
  mining::sync(conn, "viasync", *client);
  const std::string channel =
      *db::sql::value(conn, "SELECT ao_channel_id FROM viasync.beatdowns ORDER BY ts DESC LIMIT 1");
  const std::string last_ts =
      *db::sql::value(conn, "SELECT max(ts) FROM viasync.messages WHERE channel_id = $1", {channel});
  const long next = std::stol(last_ts.substr(0, last_ts.find('.'))) + 3600;
  fake->add_message(channel, {{"type", "message"},
                              {"user", "U000000001"},
                              {"ts", std::to_string(next) + ".000100"},
                              {"text", "Backblast: late one\nQ: <@U000000001>\nPAX: <@U000000002>\nCount: 2"}});
  auto r = mining::sync(conn, "viasync", *client);
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(count("SELECT count(*) FROM viasync.beatdowns WHERE title = 'late one'"), 1);
  // Edited later: the same ts, a newer edit.
  fake->add_message(channel,
                    {{"type", "message"},
                     {"user", "U000000001"},
                     {"ts", std::to_string(next) + ".000100"},
                     {"edited", {{"user", "U000000001"}, {"ts", std::to_string(next + 60) + ".000000"}}},
                     {"text", "Backblast: late one\nQ: <@U000000001>\nPAX: <@U000000002> <@U000000003>\nCount: 3"}});
  r = mining::sync(conn, "viasync", *client);
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(count("SELECT pax_count FROM viasync.beatdowns WHERE title = 'late one'"), 3);
}

TEST_F(Sync, WorksUnderSlacksNonMarketplaceHistoryLimits) {
  Workspace w(8, 2);
  start_fake(w.dir.path(), 60ms, /*regime=*/true);
  std::ostringstream progress;
  auto r = mining::sync(conn, "viasync", *client, {.nonmarketplace = true, .progress = &progress});
  EXPECT_NE(progress.str().find("non-Marketplace"), std::string::npos);
  EXPECT_GT(r.pages, 5);
  expect_same_as_import(w.dir.path());
}

TEST_F(Sync, JoinsPublicAoChannelsAndNotesOthers) {
  Workspace w(8, 2);
  start_fake(w.dir.path());
  auto channels = client->conversations_list();
  std::string ao, priv;
  for (const auto& c : channels) {
    if (c["name"].get<std::string>().rfind("ao-", 0) == 0 && ao.empty()) ao = c["id"];
    if (c["is_private"] == true) priv = c["id"];
  }
  ASSERT_FALSE(ao.empty());
  ASSERT_FALSE(priv.empty());
  fake->set_member(ao, fake->options().bot_user_id, false);
  fake->set_member(priv, fake->options().bot_user_id, false);
  auto r = mining::sync(conn, "viasync", *client);
  EXPECT_EQ(fake->calls("conversations.join"), 1);
  EXPECT_GT(count("SELECT count(*) FROM viasync.messages WHERE channel_id = '" + ao + "'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM viasync.messages WHERE channel_id = '" + priv + "'"), 0);
  // Every channel not read is named, with why and what to do.
  std::string priv_name;
  for (const auto& c : channels)
    if (c["id"] == priv) priv_name = "#" + c["name"].get<std::string>();
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].name, priv_name);
  EXPECT_NE(r.skipped[0].reason.find("not a member"), std::string::npos) << r.skipped[0].reason;
  EXPECT_NE(r.skipped[0].reason.find("/invite @paxstats"), std::string::npos) << r.skipped[0].reason;
  EXPECT_EQ(r.channels_read + static_cast<long>(r.skipped.size()) + r.channels_up_to_date, r.channels);
}

TEST_F(Sync, StoresTheWorkspacesTeamIdAndRefusesAnotherWorkspacesToken) {
  Workspace w(8, 2);
  start_fake(w.dir.path());
  ASSERT_FALSE(db::get_region(conn, "viasync").team_id.has_value());
  std::ostringstream progress;
  auto r = mining::sync(conn, "viasync", *client, {.progress = &progress});
  EXPECT_EQ(r.team_id, fake->options().team_id);
  EXPECT_TRUE(r.team_id_stored);
  EXPECT_EQ(db::get_region(conn, "viasync").team_id, fake->options().team_id) << "serve needs it to match events";
  EXPECT_NE(progress.str().find("stored the region's team_id"), std::string::npos) << progress.str();
  EXPECT_FALSE(mining::sync(conn, "viasync", *client).team_id_stored) << "stored once";

  db::set_region(conn, "viaimport", {{"team_id", "T0OTHER001"}});
  const long before = count("SELECT count(*) FROM viaimport.messages");
  try {
    mining::sync(conn, "viaimport", *client);
    FAIL() << "another workspace's token was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("T0OTHER001"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fake->options().team_id), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("SELECT count(*) FROM viaimport.messages"), before) << "nothing read with the wrong token";
}

TEST_F(Sync, ShowsProgressOnATerminalAndPlainLinesInALog) {
  Workspace w(8, 2);
  start_fake(w.dir.path());
  std::ostringstream tty, log;
  mining::sync(conn, "viasync", *client, {.progress = &tty, .progress_is_tty = true});
  EXPECT_NE(tty.str().find("\r\x1b[2Ksync: ["), std::string::npos);
  EXPECT_NE(tty.str().find(" channels"), std::string::npos);
  db::set_region(conn, "viasync", {{"team_id", ""}});  // one workspace is one region
  db::add_region(conn, "viasync2", "Via sync 2", "America/Chicago");
  mining::sync(conn, "viasync2", *client, {.progress = &log});
  EXPECT_EQ(log.str().find('\r'), std::string::npos) << "no carriage returns in a log";
  EXPECT_NE(log.str().find("messages in"), std::string::npos) << log.str();
}
