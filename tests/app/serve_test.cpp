// paxstats serve end to end: signed HTTP requests from "Slack" (valid, forged, stale, replayed),
// events mined into the region, slash commands and "stats" DMs answered through the fake Slack,
// the trigger API with bearer tokens, and the scheduler.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "../mining/truth_support.hpp"
#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "paxstats/slack/signature.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"
#include "service.hpp"
#include "service_options.hpp"
#include "paxstats/db/sql.hpp"
#include "periods.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;
using paxstats::test::eventually;

namespace {

const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const BusinessTime kBusinessNow = *parse_iso_time("2026-11-15T18:00:00Z");

class Serve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::set_level(log::Level::warn);
    mining::GeneratorOptions o;
    o.seed = 77;
    o.pax = 40;
    o.months = 2;
    ws_ = new test::GeneratedWorkspace(o);
  }
  static void TearDownTestSuite() { delete ws_; }

  void SetUp() override {
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    team = ws_->truth["region"]["team_id"];
    db::add_region(*conn, "r", "F3 Test", "America/Chicago");
    mining::import_export(*conn, "r", ws_->path());
    db::set_region(*conn, "r",
                   {{"team_id", team},
                    {"firstf_channel", ws_->truth["region"]["firstf_channel"].get<std::string>()},
                    {"token_env", "PAXSTATS_TOKEN_SERVE_TEST"}});
    slack::fake::FakeSlack::Options fo;
    fo.window = 100ms;
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(ws_->path());
    fake->start();
    ::setenv("PAXSTATS_TOKEN_SERVE_TEST", fo.token.c_str(), 1);
    // Business time is pinned: mid-November 2026, two weeks after the generated region ends.
    serve::Options so = test::fast_service_options(url, *fake, kSecret, kBusinessNow);
    options = so;
    service = std::make_unique<serve::Service>(so);
    service->start();
    http = std::make_unique<httplib::Client>("127.0.0.1", service->port());
    // Someone who posted in the last month, and an AO channel that is open.
    for (const auto& b : ws_->truth["beatdowns"])
      if (b["date"].get<std::string>() >= "2026-10-01" && b["q"].contains("user_id")) {
        user = b["q"]["user_id"];
        ao = b["ao"];
      }
  }
  void TearDown() override { service.reset(); }

  httplib::Result post(const std::string& path, const std::string& body, const std::string& type, long ts_offset = 0,
                       const std::string& secret = kSecret, httplib::Headers extra = {}) {
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
        ts_offset);
    extra.emplace("X-Slack-Request-Timestamp", ts);
    extra.emplace("X-Slack-Signature", slack::compute_signature(secret, ts, body));
    return http->Post(path.c_str(), extra, body, type.c_str());
  }
  httplib::Result event(const json& ev, const std::string& event_id, httplib::Headers extra = {}) {
    json body{{"type", "event_callback"}, {"team_id", team}, {"event_id", event_id}, {"event", ev}};
    return post("/slack/events", body.dump(), "application/json", 0, kSecret, std::move(extra));
  }
  httplib::Result command(const std::string& text) {
    return post("/slack/commands",
                "command=%2Fpaxstats&team_id=" + team + "&user_id=" + user + "&channel_id=" + ao + "&text=" + text,
                "application/x-www-form-urlencoded");
  }
  int files_in(const std::string& channel) {
    int n = 0;
    for (const auto& f : fake->files()) n += f.completed && f.channel_id == channel;
    return n;
  }
  std::string backblast(const std::string& date, const std::string& pax) {
    return "Backblast: Live test\nDate: " + date + "\nAO: <#" + ao + ">\nQ: <@" + user + ">\nPAX: " + pax +
           "\nFNGs: 0\nCount: 3\n\nCOT: done";
  }

  static inline test::GeneratedWorkspace* ws_ = nullptr;
  std::string url, team, user, ao;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<serve::Service> service;
  serve::Options options;
  std::unique_ptr<httplib::Client> http;
  std::string job_status(const std::string& kind) {
    return db::sql::value(*conn, "SELECT string_agg(status, ',' ORDER BY id) FROM paxstats.jobs WHERE kind = $1",
                          {kind})
        .value_or("");
  }
};

}  // namespace

TEST_F(Serve, OnlySignedFreshRequestsGetInAndARetriedEventIsDoneOnce) {
  const std::string challenge =
      R"({"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})";
  auto ok = post("/slack/events", challenge, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  EXPECT_EQ(post("/slack/events", challenge, "application/json", 0, "not the secret")->status, 401);  // forged
  EXPECT_EQ(post("/slack/events", challenge, "application/json", -400)->status, 401);                 // stale
  EXPECT_EQ(
      post("/slack/commands", "text=help&team_id=" + team, "application/x-www-form-urlencoded", 0, "nope")->status,
      401);
  EXPECT_EQ(http->Post("/slack/interactions", "payload=%7B%7D", "application/x-www-form-urlencoded")->status, 401);

  const json ev{{"type", "message"},
                {"channel", ao},
                {"user", user},
                {"text", backblast("2026-11-03", "<@" + user + ">")},
                {"ts", "1793000000.000100"},
                {"channel_type", "channel"}};
  EXPECT_EQ(event(ev, "Ev0001")->status, 200);
  EXPECT_EQ(event(ev, "Ev0001", {{"X-Slack-Retry-Num", "1"}, {"X-Slack-Retry-Reason", "http_timeout"}})->status, 200);
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE dedupe_key = 'event:Ev0001'"), "1");
  EXPECT_TRUE(eventually(
      [&] { return db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE status = 'done'") == "1"; }));
  const auto metrics = http->Get("/metrics");
  EXPECT_NE(metrics->body.find("paxstats_duplicate_events_total 1"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("paxstats_rejected_signatures_total 4"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("paxstats_jobs{status=\"queued\"} 0"), std::string::npos) << metrics->body;
  EXPECT_EQ(http->Get("/healthz")->status, 200);
}

// Issue 29, item 3 through the Events API: in a burst of events (mined as one batch), one that
// mentions 1,500 people is stored with the others, mentions and all.
TEST_F(Serve, AnEventMentioning1500PeopleIsStoredWithTheRestOfItsBatch) {
  std::string many;
  for (int i = 0; i < 1500; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "U9%08d", i);
    many += std::string(" <@") + id + ">";
  }
  for (int i = 0; i < 5; ++i) {
    json ev{{"type", "message"},
            {"channel", ao},
            {"user", user},
            {"ts", "17930010" + std::to_string(i) + "0.000100"},
            {"channel_type", "channel"},
            {"text", i == 2 ? "Announcement for everyone:" + many : "message " + std::to_string(i)}};
    ASSERT_EQ(event(ev, "EvMany" + std::to_string(i))->status, 200);
  }
  auto stored = [&] {
    return db::sql::value(*conn, "SELECT count(*) FROM r.messages WHERE ts LIKE '17930010_0.000100'").value_or("0");
  };
  EXPECT_TRUE(eventually([&] { return stored() == "5"; })) << stored();
  EXPECT_EQ(db::sql::value(*conn, "SELECT cardinality(mentions) FROM r.messages WHERE ts = '1793001020.000100'"),
            "1500");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE status = 'failed'"), "0");
}

TEST_F(Serve, BackblastEventsAreMinedEditedAndDeletedWithinSeconds) {
  const std::string ts = "1793000100.000200";
  const std::string other = ws_->truth["beatdowns"][0]["q"].value("user_id", user);
  json ev{{"type", "message"},
          {"channel", ao},
          {"user", user},
          {"ts", ts},
          {"channel_type", "channel"},
          {"text", backblast("2026-11-04", "<@" + user + ">")}};
  ASSERT_EQ(event(ev, "EvA")->status, 200);
  auto attendance = [&] {
    return db::sql::value(*conn, "SELECT count(*) FROM r.posts WHERE channel_id = $1 AND ts = $2", {ao, ts})
        .value_or("0");
  };
  EXPECT_TRUE(eventually([&] { return attendance() == "1"; })) << attendance();

  // An edit adds a PAX: the beatdown is derived again.
  json changed{{"type", "message"},
               {"subtype", "message_changed"},
               {"channel", ao},
               {"hidden", true},
               {"message",
                {{"type", "message"},
                 {"user", user},
                 {"ts", ts},
                 {"edited", {{"user", user}, {"ts", "1793000200.000000"}}},
                 {"text", backblast("2026-11-04", "<@" + user + "> <@U0NEWGUY01> Hoss")}}}};
  ASSERT_EQ(event(changed, "EvB")->status, 200);
  EXPECT_TRUE(eventually([&] { return attendance() == "3"; })) << attendance();

  // Deleted: kept in the raw store, no longer counted.
  json deleted{{"type", "message"}, {"subtype", "message_deleted"},          {"channel", ao}, {"hidden", true},
               {"deleted_ts", ts},  {"previous_message", changed["message"]}};
  ASSERT_EQ(event(deleted, "EvC")->status, 200);
  EXPECT_TRUE(eventually([&] { return attendance() == "0"; })) << attendance();
  EXPECT_EQ(db::sql::value(*conn, "SELECT deleted FROM r.messages WHERE channel_id = $1 AND ts = $2", {ao, ts}), "t");
  EXPECT_EQ(db::sql::value(*conn, "SELECT source FROM r.messages WHERE channel_id = $1 AND ts = $2", {ao, ts}),
            "event");
}

TEST_F(Serve, ABackblastThatCannotBeReadGetsItsPosterOneDmPerVersion) {
  const std::string ts = "1793000300.000300";
  auto bad = [&](const std::string& edited) {
    json m{{"type", "message"}, {"user", user}, {"ts", ts}, {"text", backblast("someday soon", "<@" + user + ">")}};
    if (!edited.empty()) m["edited"] = {{"user", user}, {"ts", edited}};
    return m;
  };
  json ev = bad("");
  ev["channel"] = ao;
  ev["channel_type"] = "channel";
  ASSERT_EQ(event(ev, "EvF1")->status, 200);
  // The same version again (Slack's retry under another id would be deduped too): no second DM.
  ASSERT_EQ(event(ev, "EvF2")->status, 200);
  EXPECT_TRUE(
      eventually([&] { return !fake->dm_channel(user).empty() && !fake->messages(fake->dm_channel(user)).empty(); }));
  // Both events done, and the one feedback job they queued (one per version) done too.
  EXPECT_TRUE(eventually([&] { return job_status("event") == "done,done" && job_status("feedback") == "done"; }))
      << job_status("event") << " / " << job_status("feedback");
  auto dms = fake->messages(fake->dm_channel(user));
  ASSERT_EQ(dms.size(), 1u);
  const std::string text = dms[0].value("text", "");
  EXPECT_NE(text.find("date"), std::string::npos) << text;
  EXPECT_NE(text.find("line 2"), std::string::npos) << text;
  // A new version, still wrong: one more DM.
  json changed{
      {"type", "message"}, {"subtype", "message_changed"}, {"channel", ao}, {"message", bad("1793000400.000000")}};
  ASSERT_EQ(event(changed, "EvF3")->status, 200);
  EXPECT_TRUE(eventually([&] { return fake->messages(fake->dm_channel(user)).size() == 2; }));
}

// The admins' log channel hears of every unreadable backblast; with feedback DMs off, the Q gets
// no DM but the log still does.
TEST_F(Serve, ALogChannelHearsOfUnreadableBackblastsEvenWithDmsOff) {
  const std::string log = ws_->truth["region"]["firstf_channel"];
  db::set_region(*conn, "r", {{"log_channel", log}, {"send_feedback_dms", "false"}});
  const size_t before = fake->messages(log).size();
  json ev{{"type", "message"},         {"user", user},
          {"ts", "1793000500.000500"}, {"channel", ao},
          {"channel_type", "channel"}, {"text", backblast("someday soon", "<@" + user + ">")}};
  ASSERT_EQ(event(ev, "EvL1")->status, 200);
  EXPECT_TRUE(eventually([&] { return job_status("feedback") == "done"; })) << job_status("feedback");
  const auto posted = fake->messages(log);
  ASSERT_EQ(posted.size(), before + 1);
  const std::string text = posted.back().value("text", "");
  EXPECT_NE(text.find("A backblast by <@" + user + "> in <#" + ao + "> could not be read"), std::string::npos) << text;
  EXPECT_NE(text.find("No DM was sent"), std::string::npos) << text;
  EXPECT_TRUE(fake->dm_channel(user).empty() || fake->messages(fake->dm_channel(user)).empty()) << "DMs are off";
}

TEST_F(Serve, SlashCommandsAndStatsDmsAnswerEachWay) {
  auto me = command("me");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(json::parse(me->body)["response_type"], "ephemeral");
  EXPECT_TRUE(eventually([&] { return !fake->dm_channel(user).empty() && files_in(fake->dm_channel(user)) == 1; }));

  // "stats" by DM to the bot.
  json dm{{"type", "message"}, {"channel", "D0DMTEST01"}, {"channel_type", "im"},
          {"user", user},      {"text", "My stats"},      {"ts", "1793000500.000100"}};
  ASSERT_EQ(event(dm, "EvDM1")->status, 200);
  EXPECT_TRUE(eventually([&] { return files_in(fake->dm_channel(user)) == 2; }));

  // stop / start set the opt-out; while out, no chart is sent, and "me" says so at once rather
  // than "On it" (issue 30).
  EXPECT_NE(command("stop")->body.find("will not DM you"), std::string::npos);
  EXPECT_TRUE(db::is_opted_out(*conn, "r", user));
  const auto while_out = json::parse(command("me")->body)["text"].get<std::string>();
  EXPECT_NE(while_out.find("You turned paxstats DMs off"), std::string::npos) << while_out;
  EXPECT_EQ(while_out.find("On it"), std::string::npos) << while_out;
  EXPECT_TRUE(eventually([&] {
    return db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'stats' AND status = 'done'") == "2";
  }));
  EXPECT_EQ(files_in(fake->dm_channel(user)), 2);
  command("start");
  EXPECT_FALSE(db::is_opted_out(*conn, "r", user));

  // /paxstats ao: this channel's charts, by DM; unknown words get the help.
  command("ao");
  EXPECT_TRUE(eventually([&] { return files_in(fake->dm_channel(user)) >= 3; }));
  const auto unknown = json::parse(command("dance")->body)["text"].get<std::string>();
  EXPECT_NE(unknown.find("/paxstats me"), std::string::npos) << unknown;
  EXPECT_NE(json::parse(command("help")->body)["text"].get<std::string>().find("/paxstats stop"), std::string::npos);
}

TEST_F(Serve, TheTriggerApiRunsAMonthOnlyForALiveToken) {
  // Interactions too: a payload nested past any of Slack's, one that is no JSON, one of no object.
  for (const std::string& payload : {std::string(100000, '['), std::string("{not json"), std::string("[1]")}) {
    const auto r = post("/slack/interactions", "payload=" + httplib::detail::encode_query_param(payload),
                        "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << payload.substr(0, 20);
  }
  const std::string token = serve::new_token();
  db::jobs::add_token(*conn, "ci", serve::token_hash(token));
  const std::string body = R"({"report":"monthly","month":"2026-10"})";
  EXPECT_EQ(http->Post("/api/v1/regions/r/runs", body, "application/json")->status, 401);
  EXPECT_EQ(
      http->Post("/api/v1/regions/r/runs", {{"Authorization", "Bearer pxs_wrong"}}, body, "application/json")->status,
      401);
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(http->Post("/api/v1/regions/nope/runs", auth, body, "application/json")->status, 404);
  EXPECT_EQ(
      http->Post("/api/v1/regions/r/runs", auth, R"({"report":"monthly","month":"Oct"})", "application/json")->status,
      400);
  fake->inject({.kind = slack::fake::FakeSlack::Fault::slow,
                .method = "files.completeUploadExternal",
                .after = 5,
                .delay = std::chrono::milliseconds(3000)});
  auto created = http->Post("/api/v1/regions/r/runs", auth, body, "application/json");
  ASSERT_EQ(created->status, 202) << created->body;
  const long id = json::parse(created->body)["run_id"];
  json status;
  // While it works, the run shows its deliveries so far (the 6th share answers after 3 s).
  EXPECT_TRUE(eventually(
      [&] {
        status = json::parse(http->Get(("/api/v1/runs/" + std::to_string(id)).c_str(), auth)->body);
        return status["status"] == "running" && status.contains("progress") &&
               status["progress"]["sent"].get<int>() >= 5;
      },
      std::chrono::seconds(60)))
      << status.dump();
  EXPECT_GT(status["progress"]["planned"].get<int>(), status["progress"]["sent"].get<int>()) << status.dump();
  EXPECT_GT(status["progress"]["pending"].get<int>(), 0) << status.dump();
  EXPECT_TRUE(eventually(
      [&] {
        status = json::parse(http->Get(("/api/v1/runs/" + std::to_string(id)).c_str(), auth)->body);
        return status["status"] == "succeeded" || status["status"] == "failed";
      },
      std::chrono::seconds(60)));
  ASSERT_EQ(status["status"], "succeeded") << status.dump();
  EXPECT_GT(status["summary"]["sent"].get<int>(), 10);
  EXPECT_EQ(status["progress"]["sent"], status["summary"]["sent"]);
  EXPECT_EQ(status["progress"]["pending"], 0);
  EXPECT_EQ(status["summary"]["failed"], 0);
  int completed = 0;
  for (const auto& f : fake->files()) completed += f.completed;
  EXPECT_EQ(completed, status["summary"]["sent"].get<int>());
  ASSERT_TRUE(db::jobs::revoke_token(*conn, "ci"));
  EXPECT_EQ(http->Get(("/api/v1/runs/" + std::to_string(id)).c_str(), auth)->status, 401);
}

TEST_F(Serve, AMissedMonthlyScheduleRunsAtStartAndOnlyOnce) {
  // Business time is 2026-11-15; the region existed before this month's slot (the 2nd, 09:00):
  // October's run is due.
  db::sql::query(*conn, "UPDATE paxstats.regions SET created_at = '2026-08-01T00:00:00Z'");
  const std::string log = ws_->truth["region"]["firstf_channel"];  // the admins' log hears how the run went
  db::set_region(*conn, "r", {{"log_channel", log}});
  service->schedule_once();
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_monthly'"), "1");
  EXPECT_TRUE(eventually(
      [&] { return db::sql::value(*conn, "SELECT status FROM paxstats.runs WHERE kind = 'report'") == "succeeded"; }));
  // The log channel is 1st-F too, so it has the run's charts before its summary: wait for that.
  std::string summary;
  EXPECT_TRUE(eventually([&] {
    for (const auto& m : fake->messages(log))
      if (m.value("text", "").find(":bar_chart:") != std::string::npos) summary = m.value("text", "");
    return !summary.empty();
  }));
  EXPECT_NE(summary.find("the 2026-10 run"), std::string::npos) << summary;
  EXPECT_NE(summary.find(" sent, 0 skipped, 0 failed"), std::string::npos) << summary;
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.runs WHERE kind = 'report'"), "1");
  EXPECT_EQ(db::sql::value(*conn, "SELECT period FROM paxstats.runs WHERE kind = 'report'"), "2026-10");
}

TEST_F(Serve, TheWeeklyReportGoesOutOnItsWeekdayForTheWeekJustEndedOnce) {
  // Monday 2026-10-26, 10:00 in Chicago: the 08:00 Monday slot has passed, so the week of
  // 19–25 October (2026-W43) is due. The monthly slot (the 28th) is not, and September's was
  // before the region existed.
  service.reset();
  options.business_now = fixed_business_clock(*parse_iso_time("2026-10-26T15:00:00Z"));
  service = std::make_unique<serve::Service>(options);
  service->start();
  db::sql::query(*conn, "UPDATE paxstats.regions SET created_at = '2026-10-20T00:00:00Z'");
  db::set_region(*conn, "r", {{"weekly_day", "mon"}, {"weekly_time", "08:00"}, {"monthly_day", "28"}});
  const std::string firstf = ws_->truth["region"]["firstf_channel"];
  service->schedule_once();
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_weekly'"), "1");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_monthly'"), "0");
  EXPECT_TRUE(eventually(
      [&] { return db::sql::value(*conn, "SELECT status FROM paxstats.runs WHERE kind = 'weekly'") == "succeeded"; }));
  EXPECT_EQ(db::sql::value(*conn, "SELECT period FROM paxstats.runs WHERE kind = 'weekly'"), "2026-W43");
  int weekly = 0;
  for (const auto& f : fake->files())
    if (f.completed && f.channel_id == firstf && f.filename == "weekly-2026-W43.png") {
      ++weekly;
      EXPECT_NE(f.initial_comment.find("*Summary*"), std::string::npos) << f.initial_comment;
    }
  EXPECT_EQ(weekly, 1);
  service->schedule_once();  // the same slot again: nothing new
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.runs WHERE kind = 'weekly'"), "1");
  EXPECT_THROW(db::set_region(*conn, "r", {{"weekly_day", "monday"}}), UserError);
  EXPECT_THROW(db::set_region(*conn, "r", {{"weekly_sections", "summary,fngs"}}), UserError);
}

// In a community that is not F3, "/paxstats me" answers with the member's own activity.
TEST_F(Serve, MeInACommunityRegionSendsTheMembersOwnActivity) {
  db::set_region(*conn, "r", {{"scrape_backblasts", "false"}});
  ASSERT_TRUE(command("me"));
  EXPECT_TRUE(eventually([&] { return !fake->dm_channel(user).empty() && files_in(fake->dm_channel(user)) == 1; }));
  int mine = 0;
  for (const auto& f : fake->files())
    if (f.completed && f.filename == "community-me-" + user + ".png") {
      ++mine;
      EXPECT_NE(f.initial_comment.find("your 2026 in"), std::string::npos) << f.initial_comment;
    }
  EXPECT_EQ(mine, 1);
}

// The daily nudges: with nudge_quiet_days set, the scheduler queues one nudges job a day, which
// DMs the members gone quiet and records each step once.
TEST_F(Serve, TheDailyNudgesDmMembersGoneQuietOnce) {
  db::set_region(*conn, "r", {{"nudge_quiet_days", "10"}, {"nudge_min_messages", "3"}});
  service->schedule_once();
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'nudges'"), "1");
  EXPECT_TRUE(eventually([&] { return job_status("nudges") == "done"; }, 30s)) << job_status("nudges");
  const long sent = std::stol(*db::sql::value(*conn, "SELECT count(*) FROM r.nudges WHERE state = 'sent'"));
  EXPECT_GT(sent, 0);
  const std::string someone = *db::sql::value(*conn, "SELECT user_id FROM r.nudges ORDER BY user_id LIMIT 1");
  ASSERT_FALSE(fake->dm_channel(someone).empty());
  EXPECT_EQ(fake->messages(fake->dm_channel(someone)).size(), 1u);
  service->schedule_once();  // the same day: no second job
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'nudges'"), "1");
}

TEST_F(Serve, TheQuarterlyCommunityReportsGoOutAtTheSlotAfterTheQuarterOnce) {
  // 2026-10-02 12:00 in Chicago: the monthly slot (the 2nd, 09:00) for September has passed, and
  // September closes Q3. The region scrapes no backblasts: no monthly F3 run.
  service.reset();
  options.business_now = fixed_business_clock(*parse_iso_time("2026-10-02T17:00:00Z"));
  service = std::make_unique<serve::Service>(options);
  service->start();
  db::sql::query(*conn, "UPDATE paxstats.regions SET created_at = '2026-09-20T00:00:00Z'");
  const std::string channel = ws_->truth["region"]["firstf_channel"];
  db::set_region(*conn, "r",
                 {{"community_every", "quarter"}, {"community_channel", channel}, {"scrape_backblasts", "false"}});
  service->schedule_once();
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_community'"), "1");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_monthly'"), "0");
  EXPECT_TRUE(eventually(
      [&] { return db::sql::value(*conn, "SELECT status FROM paxstats.runs WHERE kind = 'community'") == "succeeded"; },
      60s));
  EXPECT_EQ(db::sql::value(*conn, "SELECT period FROM paxstats.runs WHERE kind = 'community'"), "2026-Q3");
  int sent = 0, engagement = 0;
  for (const auto& f : fake->files())
    if (f.completed && f.channel_id == channel) {
      ++sent;
      engagement += f.filename == "engagement-2026-Q3.png";
    }
  EXPECT_GE(sent, 8);
  EXPECT_EQ(engagement, 1);
  service->schedule_once();  // the same slot again: nothing new
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.runs WHERE kind = 'community'"), "1");
  EXPECT_THROW(db::set_region(*conn, "r", {{"community_every", "weekly"}}), UserError);
}

TEST_F(Serve, NoScheduledRunForASlotBeforeTheRegionExisted) {
  db::sql::query(*conn, "UPDATE paxstats.regions SET created_at = '2026-11-10T00:00:00Z'");  // after November's slot
  service->schedule_once();
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.runs WHERE kind = 'report'"), "0");
}

// Slack's failures are classed by their remedy: worth retrying, stop the workspace, skip the recipient.
TEST_F(Serve, TransientSlackFailuresAreRetriedNotFailedAfterOneTry) {
  // conversations.open answers HTTP 500 twice more than the client retries a read on its own:
  // the job fails its first attempt and succeeds on a later one.
  fake->inject({.kind = slack::fake::FakeSlack::Fault::http_500, .method = "conversations.open", .times = 7});
  command("me");
  EXPECT_TRUE(eventually([&] { return job_status("stats") == "done"; }, 30s)) << job_status("stats");
  EXPECT_GE(db::sql::value(*conn, "SELECT attempts FROM paxstats.jobs WHERE kind = 'stats'"), "2");
  EXPECT_EQ(files_in(fake->dm_channel(user)), 1);
}

TEST_F(Serve, RateLimitedAndUnavailableAreRetriedToo) {
  fake->inject({.kind = slack::fake::FakeSlack::Fault::slack_error,
                .method = "conversations.open",
                .times = 1,
                .error = "service_unavailable"});
  command("me");
  EXPECT_TRUE(eventually([&] { return job_status("stats") == "done"; }, 30s)) << job_status("stats");
  EXPECT_EQ(db::sql::value(*conn, "SELECT attempts FROM paxstats.jobs WHERE kind = 'stats'"), "2");
  EXPECT_EQ(files_in(fake->dm_channel(user)), 1);
}

TEST_F(Serve, ABadTokenFailsTheJobAtOnce) {
  fake->revoke_token();
  command("me");
  EXPECT_TRUE(eventually([&] { return job_status("stats") == "failed"; })) << job_status("stats");
  EXPECT_EQ(db::sql::value(*conn, "SELECT attempts FROM paxstats.jobs WHERE kind = 'stats'"), "1");
  EXPECT_NE(db::sql::value(*conn, "SELECT last_error FROM paxstats.jobs WHERE kind = 'stats'")->find("token_revoked"),
            std::string::npos);
}

TEST_F(Serve, AGoneRecipientIsSkippedNotRetried) {
  fake->inject({.kind = slack::fake::FakeSlack::Fault::slack_error,
                .method = "conversations.open",
                .times = 1,
                .error = "user_disabled"});
  command("me");
  EXPECT_TRUE(eventually([&] { return job_status("stats") == "done"; })) << job_status("stats");
  EXPECT_EQ(db::sql::value(*conn, "SELECT attempts FROM paxstats.jobs WHERE kind = 'stats'"), "1");
  EXPECT_EQ(fake->calls("files.getUploadURLExternal"), 0);
}

// Issue 29: a stop does not wait for a long job (systemd gives 90 s; a month's DMs take longer):
// the job in hand ends at its next wait on Slack's pacing and goes back to the queue, no attempt
// counted; the next start finishes it, and every delivery is sent exactly once.
TEST_F(Serve, StopPutsTheJobInHandBackAndTheNextStartFinishesIt) {
  fake->inject({.kind = slack::fake::FakeSlack::Fault::slow,
                .method = "files.completeUploadExternal",
                .times = 3,
                .delay = 400ms});
  const long run = db::jobs::create_run(*conn, "r", db::jobs::RunKind::monthly, test::period("2026-10"));
  db::jobs::enqueue(*conn, "r", db::jobs::JobKind::run_monthly, json{{"run_id", run}, {"month", "2026-10"}});
  EXPECT_TRUE(eventually([&] { return fake->calls("files.completeUploadExternal") > 0; }));
  const auto t0 = std::chrono::steady_clock::now();
  service->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_NE(http->Get("/healthz").error(), httplib::Error::Success);  // no longer listening
  EXPECT_EQ(db::sql::value(*conn, "SELECT status || ' ' || attempts FROM paxstats.jobs WHERE kind = 'run_monthly'"),
            "queued 0");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.deliveries WHERE status = 'failed'"), "0");

  service = std::make_unique<serve::Service>(options);
  service->start();
  EXPECT_TRUE(eventually([&] { return db::jobs::get_run(*conn, run)->status == db::jobs::RunStatus::succeeded; }, 60s));
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.deliveries WHERE status IN ('planned', 'uploading')"),
            "0");
  int shared = 0;  // every delivery's file shared once: as many shares as deliveries sent
  for (const auto& f : fake->files()) {
    shared += f.completed;
    EXPECT_LE(f.complete_calls, 1) << f.title;
  }
  EXPECT_EQ(std::to_string(shared),
            *db::sql::value(*conn, "SELECT count(*) FROM paxstats.deliveries WHERE status = 'sent'"));
}

TEST_F(Serve, AMalformedJobPayloadFailsForGoodInsteadOfRunningOnDefaults) {
  // A run_monthly job without its run id (once read as run 0) and a job of a kind no handler has.
  db::jobs::enqueue(*conn, "r", db::jobs::JobKind::run_monthly, json{{"month", "2026-10"}});
  db::sql::query(*conn, "INSERT INTO paxstats.jobs (region, kind, payload) VALUES ('r', 'no_such_kind', '{}')");
  EXPECT_TRUE(eventually([&] {
    return job_status("run_monthly") == "failed" && job_status("no_such_kind") == "failed";
  })) << job_status("run_monthly")
      << " " << job_status("no_such_kind");
  const auto why =
      db::sql::value(*conn, "SELECT last_error FROM paxstats.jobs WHERE kind = 'run_monthly'").value_or("");
  EXPECT_NE(why.find("malformed payload"), std::string::npos) << why;
  EXPECT_NE(why.find("run_id"), std::string::npos) << why;
  EXPECT_EQ(db::sql::value(*conn, "SELECT attempts FROM paxstats.jobs WHERE kind = 'run_monthly'"), "1");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.deliveries"), "0");
}

TEST_F(Serve, TwoRunsOfOneRegionTakeTurnsAndBothFinish) {
  // Two workers, two months of one region asked for at once: one waits for the other (the
  // region's delivery lock), and neither keeps the lock when done.
  const long a = db::jobs::create_run(*conn, "r", db::jobs::RunKind::monthly, test::period("2026-09"));
  const long b = db::jobs::create_run(*conn, "r", db::jobs::RunKind::monthly, test::period("2026-10"));
  db::jobs::enqueue(*conn, "r", db::jobs::JobKind::run_monthly, json{{"run_id", a}, {"month", "2026-09"}});
  db::jobs::enqueue(*conn, "r", db::jobs::JobKind::run_monthly, json{{"run_id", b}, {"month", "2026-10"}});
  db::sql::query(*conn, "UPDATE paxstats.jobs SET run_after = now() WHERE status = 'queued'");
  EXPECT_TRUE(eventually(
      [&] {
        db::sql::query(*conn,
                       "UPDATE paxstats.jobs SET run_after = now() WHERE status = 'queued'");  // skip the 30 s wait
        // The run says succeeded a moment before its job ends and gives the lock back: wait for the jobs.
        return db::jobs::get_run(*conn, a)->status == db::jobs::RunStatus::succeeded &&
               db::jobs::get_run(*conn, b)->status == db::jobs::RunStatus::succeeded &&
               db::sql::value(
                   *conn, "SELECT count(*) FROM paxstats.jobs WHERE kind = 'run_monthly' AND status = 'done'") == "2";
      },
      std::chrono::seconds(30)))  // two whole monthly runs, one after the other, on a loaded machine
      << json(db::jobs::get_run(*conn, a)->status) << " " << json(db::jobs::get_run(*conn, b)->status) << " "
      << db::jobs::get_run(*conn, b)->error;
  EXPECT_TRUE(db::outbox::try_lock(*conn, "r")) << "a worker kept the region's delivery lock";
}

TEST_F(Serve, AThreadReplyBackblastIsMinedLikeAnyOther) {
  const std::string parent = "1793000600.000100", reply = "1793000601.000200";
  ASSERT_EQ(event({{"type", "message"},
                   {"channel", ao},
                   {"user", user},
                   {"ts", parent},
                   {"channel_type", "channel"},
                   {"text", "Preblast: tomorrow 0530, bring a coupon"}},
                  "EvT1")
                ->status,
            200);
  ASSERT_EQ(event({{"type", "message"},
                   {"channel", ao},
                   {"user", user},
                   {"ts", reply},
                   {"thread_ts", parent},
                   {"parent_user_id", user},
                   {"channel_type", "channel"},
                   {"text", backblast("2026-11-07", "<@" + user + ">")}},
                  "EvT2")
                ->status,
            200);
  EXPECT_TRUE(eventually([&] {
    return db::sql::value(*conn, "SELECT count(*) FROM r.beatdowns WHERE channel_id = $1 AND ts = $2", {ao, reply}) ==
           "1";
  }));
  EXPECT_EQ(db::sql::value(*conn, "SELECT thread_ts FROM r.messages WHERE channel_id = $1 AND ts = $2", {ao, reply}),
            parent);
}

TEST_F(Serve, OddButSignedInputGets400WithAReasonNot500) {
  for (const std::string& body :
       {std::string("[1,2,3]"), std::string(R"({"type":5})"), std::string(R"({"type":"event_callback","event":"x"})"),
        std::string(R"({"type":"event_callback","team_id":["T"]})"),
        "{\"type\":\"event_callback\",\"event\":" + std::string(100000, '[') + "}"}) {
    const auto r = post("/slack/events", body, "application/json");
    ASSERT_TRUE(r) << body.substr(0, 60);
    EXPECT_EQ(r->status, 400) << body.substr(0, 60) << " → " << r->body;
    EXPECT_FALSE(r->body.empty());
  }
  // Interactions too: a payload nested past any of Slack's, one that is no JSON, one of no object.
  for (const std::string& payload : {std::string(100000, '['), std::string("{not json"), std::string("[1]")}) {
    const auto r = post("/slack/interactions", "payload=" + httplib::detail::encode_query_param(payload),
                        "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << payload.substr(0, 20);
  }
  const std::string token = serve::new_token();
  db::jobs::add_token(*conn, "ci", serve::token_hash(token));
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};
  EXPECT_EQ(
      http->Post("/api/v1/regions/r/runs", auth, R"({"report":"monthly","month":202603})", "application/json")->status,
      400);
  EXPECT_EQ(http->Post("/api/v1/regions/r/runs", auth, R"(["monthly"])", "application/json")->status, 400);
  const auto future =
      http->Post("/api/v1/regions/r/runs", auth, R"({"report":"monthly","month":"2999-01"})", "application/json");
  EXPECT_EQ(future->status, 400);
  EXPECT_NE(future->body.find("has not happened yet"), std::string::npos) << future->body;
  EXPECT_EQ(http->Get("/api/v1/runs/99999999999999999999999999", auth)->status, 400);
  EXPECT_EQ(http->Get("/healthz")->status, 200);  // and the service is still up
}

TEST_F(Serve, SlowAndIdleClientsStallNobody) {
  // 300 connections that never finish a request (half send nothing, half stop mid-headers):
  // the service still answers at once (a stall would run into the HTTP client's read timeout).
  std::vector<int> fds;
  for (int i = 0; i < 300; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(service->port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    if (i % 2) {
      const std::string part = "POST /slack/commands HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Sig";
      ASSERT_GT(::send(fd, part.data(), part.size(), MSG_NOSIGNAL), 0);
    }
    fds.push_back(fd);
  }
  http->set_read_timeout(3, 0);
  auto health = http->Get("/healthz");
  ASSERT_TRUE(health) << "no answer with 300 slow clients open";
  EXPECT_EQ(health->status, 200);
  auto help = command("help");
  ASSERT_TRUE(help);
  EXPECT_EQ(help->status, 200);
  for (int fd : fds) ::close(fd);
  // A body past the limit is refused, not read into memory.
  const auto big = post("/slack/events", std::string(2 << 20, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

namespace {

// Issue 29: the database away for a while under serve (a restart, an outage). Once, the
// scheduler's thread died on the first tick without it (std::terminate: the whole service gone).
// Now every thread says so, /healthz answers 503, and all comes back when the database does. The
// ticks are 100 ms here, so a few seconds away is dozens of ticks without a database.
TEST(ServeOutage, EveryThreadSurvivesTheDatabaseGoingAwayAndComesBack) {
  log::set_level(log::Level::error);
  test::TempDir home;
  db::EmbeddedPostgres pg(db::EmbeddedOptions{.home = home.path(), .settings = test::throwaway_settings()});
  pg.start();
  // Stopped however the test ends: a server left running holds ctest's output pipe open.
  struct StopAtEnd {
    db::EmbeddedPostgres& pg;
    ~StopAtEnd() {
      try {
        pg.stop();
      } catch (const std::exception& e) {
        ADD_FAILURE() << "the test's cluster did not stop: " << e.what();
      }
    }
  } stop_at_end{pg};
  {
    db::Database conn(pg.url());
    db::add_region(conn, "r", "F3 Outage", "America/Chicago");
  }
  serve::Options so;
  so.database_url = pg.url();
  so.port = 0;
  so.signing_secret = kSecret;
  so.scheduler = true;
  so.scheduler_every = 100ms;
  so.worker_idle = 20ms;
  // A month long after the region was made: its monthly slot is due at every tick.
  so.business_now = fixed_business_clock(*parse_iso_time("2099-01-15T18:00:00Z"));
  serve::Service service(so);
  service.start();
  httplib::Client http("127.0.0.1", service.port());
  auto health = [&] {
    auto r = http.Get("/healthz");
    return r ? r->status : 0;
  };
  ASSERT_EQ(health(), 200);
  auto runs = [&] {
    db::Database conn(pg.url());
    return db::sql::value(conn, "SELECT count(*) FROM paxstats.runs WHERE region = 'r'").value_or("0");
  };
  ASSERT_TRUE(test::eventually([&] { return runs() != "0"; }, 20s)) << "the scheduler queues the slot";
  pg.stop();
  EXPECT_TRUE(test::eventually([&] { return health() == 503; }, 20s)) << "the database is away, and /healthz says so";
  pg.start();
  EXPECT_TRUE(test::eventually([&] { return health() == 200; }, 20s)) << "back when the database is";
  // The scheduler's thread lived through it: the slot's run, removed now, is queued again.
  {
    db::Database conn(pg.url());
    db::sql::query(conn, "DELETE FROM paxstats.jobs WHERE region = 'r'");
    db::sql::query(conn, "DELETE FROM paxstats.runs WHERE region = 'r'");
  }
  EXPECT_TRUE(test::eventually([&] { return runs() != "0"; }, 20s)) << "the scheduler ticks again";
  service.stop();
}

}  // namespace

// Issue 33: a member opens the bot's Home tab and sees their year as the truth counts it, the
// next milestone, their AOs; an admin also sees what waits for them. Opening it again within the
// minute publishes nothing new (the jobs table's dedupe key).
TEST_F(Serve, TheAppHomeShowsAMembersYearAndAnAdminsWork) {
  const test::Identities ids(ws_->path());
  int year = 0;
  for (const auto& b : ws_->truth["beatdowns"])
    if (b["date"].get<std::string>() >= "2026-01-01" && test::counted_people(b, ids).count(user)) ++year;
  ASSERT_GT(year, 0);
  json opened{{"type", "app_home_opened"}, {"user", user}, {"channel", "D0HOME0001"}, {"tab", "home"}};
  ASSERT_EQ(event(opened, "EvHome1")->status, 200);
  ASSERT_TRUE(eventually([&] { return !fake->home_view(user).is_null(); }))
      << job_status("home") << " / events: " << job_status("event")
      << db::sql::value(*conn, "SELECT string_agg(coalesce(last_error, ''), ';') FROM paxstats.jobs").value_or("");
  const std::string view = fake->home_view(user).dump();
  if (std::getenv("PAXSTATS_SHOW_HOME")) std::cerr << fake->home_view(user).dump(1) << "\n";
  EXPECT_NE(view.find("Your posts at F3 Test"), std::string::npos) << view;
  EXPECT_NE(view.find("*November 2026*\\n0 posts"), std::string::npos) << view;
  EXPECT_NE(view.find("*2026 so far*\\n" + std::to_string(year) + " post"), std::string::npos) << view;
  EXPECT_NE(view.find("Next milestone"), std::string::npos) << view;
  EXPECT_NE(view.find("Your AOs in 2026"), std::string::npos) << view;
  EXPECT_EQ(view.find("For admins"), std::string::npos) << "not an admin: " << view;
  // Within the same minute: one job, one publish.
  ASSERT_EQ(event(opened, "EvHome2")->status, 200);
  EXPECT_TRUE(eventually([&] { return job_status("event") == "done,done"; })) << job_status("event");
  EXPECT_EQ(job_status("home"), "done");
  EXPECT_EQ(fake->calls("views.publish"), 1);
  // A backblast that names them: their Home is published again, with the new post (in the next
  // business minute; the service waits home_refresh_delay_seconds, 0 here).
  const std::string bb_ts = "1794900000.000100";
  json bb{{"type", "message"}, {"channel", ao}, {"channel_type", "channel"},
          {"user", user},      {"ts", bb_ts},   {"text", backblast("2026-11-14", "<@" + user + ">")}};
  ASSERT_EQ(event(bb, "EvHomeBb")->status, 200);
  ASSERT_TRUE(eventually([&] { return fake->calls("views.publish") == 2; })) << job_status("home");
  EXPECT_NE(fake->home_view(user).dump().find("*November 2026*\\n1 post"), std::string::npos)
      << fake->home_view(user).dump();
  EXPECT_NE(fake->home_view(user).dump().find("*2026 so far*\\n" + std::to_string(year + 1) + " post"),
            std::string::npos);
  // The Messages tab is no Home.
  ASSERT_EQ(event(json{{"type", "app_home_opened"}, {"user", user}, {"tab", "messages"}}, "EvHome3")->status, 200);
  EXPECT_TRUE(eventually([&] { return job_status("event") == "done,done,done,done"; }));
  EXPECT_EQ(job_status("home"), "done,done");
  // A region admin also sees what waits for them.
  std::string admin;
  for (const auto& b : ws_->truth["beatdowns"])
    for (const auto& p : b["pax"])
      if (p.contains("user_id") && p["user_id"] != user) admin = p["user_id"];
  ASSERT_FALSE(admin.empty());
  db::set_region(*conn, "r", {{"admins", admin}});
  ASSERT_EQ(event(json{{"type", "app_home_opened"}, {"user", admin}, {"tab", "home"}}, "EvHome4")->status, 200);
  ASSERT_TRUE(eventually([&] { return !fake->home_view(admin).is_null(); })) << job_status("home");
  const std::string admin_view = fake->home_view(admin).dump();
  EXPECT_NE(admin_view.find("For admins"), std::string::npos) << admin_view;
  EXPECT_NE(admin_view.find("backblast problem"), std::string::npos) << admin_view;
}
