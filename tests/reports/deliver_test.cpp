// Sending through the outbox against the fake Slack: exactly once, also across a kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <thread>

#include "eventually.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/draw_pool.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"
#include "../mining/truth_support.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using slack::fake::FakeSlack;

namespace {

class Deliver : public ::testing::Test {
 public:  // for the helpers below
  void SetUp() override {
    mining::GeneratorOptions o;
    o.seed = 41;
    o.pax = 40;
    o.months = 1;
    ws = std::make_unique<test::GeneratedWorkspace>(o);
    const auto& truth = ws->truth;
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    db::add_region(*conn, "r", "F3 Test", "America/Chicago");
    mining::import_export(*conn, "r", ws->path());
    db::set_region(*conn, "r", {{"firstf_channel", truth["region"]["firstf_channel"].get<std::string>()}});
    FakeSlack::Options fo;
    fo.window = 100ms;
    fake = std::make_unique<FakeSlack>(fo);
    fake->load_export(ws->path());
    fake->start();
    plan = make_plan();
    ASSERT_GT(plan.deliveries.size(), 10u);
    ASSERT_EQ(reports::queue_plan(*conn, plan), static_cast<int>(plan.deliveries.size()));
  }

  // The run a test sends: the month's F3 charts.
  virtual reports::MonthlyPlan make_plan() { return reports::plan_monthly(*conn, "r", test::ym("2026-10")); }

  std::unique_ptr<slack::Client> client() {
    auto limiter = std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), 100ms);
    return std::make_unique<slack::Client>(
        slack::ClientOptions{.token = fake->options().token, .base_url = fake->base_url(), .limiter = limiter});
  }

  // Every planned delivery arrived once: one completed file of its name in its channel.
  void expect_each_once() {
    std::map<std::pair<std::string, std::string>, int> arrived;  // (channel, file name) → count
    for (const auto& f : fake->files()) {
      EXPECT_LE(f.complete_calls, 1) << f.id << " was completed twice";
      if (f.completed) ++arrived[{f.channel_id, f.filename}];
    }
    for (const auto& d : plan.deliveries) {
      const std::string channel = d.to_user ? fake->dm_channel(d.recipient) : d.recipient;
      EXPECT_EQ((arrived[{channel, d.file}]), 1) << d.report << " → " << d.recipient;
    }
    EXPECT_EQ(arrived.size(), plan.deliveries.size());
  }

  std::unique_ptr<test::GeneratedWorkspace> ws;
  std::string url;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<FakeSlack> fake;
  reports::MonthlyPlan plan;
};

// The same tests for each kind of run that goes through the outbox: the monthly F3 run, and the
// community reports of the same month (to the same channel).
class DeliverEach : public Deliver, public ::testing::WithParamInterface<const char*> {
 protected:
  reports::MonthlyPlan make_plan() override {
    if (std::string(GetParam()) == "monthly") return Deliver::make_plan();
    db::set_region(*conn, "r", {{"community_channel", ws->truth["region"]["firstf_channel"].get<std::string>()}});
    return reports::plan_community(*conn, "r", calendar::parse_period("2026-10"));
  }
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Runs, DeliverEach, ::testing::Values("monthly", "community"));

TEST_P(DeliverEach, SendsEveryPlannedChartOnceWithItsTextAndAltText) {
  auto c = client();
  auto r = reports::deliver(*conn, "r", *c);
  EXPECT_EQ(r.sent, static_cast<int>(plan.deliveries.size()));
  EXPECT_EQ(r.failed + r.skipped, 0) << (r.reasons.empty() ? "" : r.reasons.front());
  expect_each_once();
  for (const auto& f : fake->files()) {
    EXPECT_FALSE(f.alt_txt.empty());
    EXPECT_FALSE(f.initial_comment.empty());
  }
  // Running again, or planning the same month again, sends nothing more.
  EXPECT_EQ(reports::deliver(*conn, "r", *c).sent, 0);
  EXPECT_EQ(reports::queue_plan(*conn, plan), 0);
  EXPECT_EQ(reports::deliver(*conn, "r", *c).sent, 0);
  expect_each_once();
  EXPECT_EQ(db::outbox::counts(*conn, "r").sent, static_cast<int>(plan.deliveries.size()));
}

// The outbox holds each chart as its spec, drawn when it is sent: what Slack receives is, byte
// for byte, the drawing of the chart that was planned, and it is kept in the outbox.
TEST_P(DeliverEach, EachChartIsQueuedAsItsSpecAndSentAsTheBytesItsChartDraws) {
  const auto queued = db::outbox::pending(*conn, "r");
  ASSERT_EQ(queued.size(), plan.deliveries.size());
  for (const auto& item : queued) {
    EXPECT_TRUE(item.bytes.empty()) << item.file_name << " was drawn when it was queued";
    EXPECT_FALSE(item.chart.empty()) << item.file_name;
    EXPECT_FALSE(item.alt_txt.empty()) << item.file_name;
  }
  auto c = client();
  ASSERT_EQ(reports::deliver(*conn, "r", *c).sent, static_cast<int>(plan.deliveries.size()));
  std::map<std::pair<std::string, std::string>, std::string> got;  // (channel, file) → bytes
  for (const auto& f : fake->files())
    if (f.completed) got[{f.channel_id, f.filename}] = f.bytes;
  for (const auto& d : plan.deliveries) {
    const std::string channel = d.to_user ? fake->dm_channel(d.recipient) : d.recipient;
    EXPECT_TRUE((got[{channel, d.file}] == render::render(d.chart))) << d.file << " is not the planned chart's drawing";
  }
  const auto stored = db::sql::query(*conn, "SELECT count(*) FROM paxstats.deliveries WHERE bytes IS NOT NULL");
  EXPECT_EQ(*stored.at(0)[0], std::to_string(plan.deliveries.size())) << "every sent chart's bytes are kept";
}

namespace {
// A sender killed at the worst moment, then a run that resumes: every file arrives exactly once.
void kill_and_resume(Deliver& t, int threads) {
  auto& fake = t.fake;
  auto& plan = t.plan;
  // The worst moment to die: Slack has shared the file, the sender has not yet recorded it.
  // One completion is acted on at once but answered late; the sender is killed while it waits.
  const int third = static_cast<int>(plan.deliveries.size() / 3);
  fake->inject(
      {.kind = FakeSlack::Fault::slow, .method = "files.completeUploadExternal", .after = third, .delay = 1500ms});
  const pid_t child = fork();
  if (child == 0) {  // the sender that gets killed
    try {
      db::Database own(t.url);
      auto c = t.client();
      reports::deliver(own, "r", *c, {}, {.threads = threads});
    } catch (...) {
    }
    _exit(0);
  }
  for (int i = 0; i < 3000 && fake->calls("files.completeUploadExternal") <= third; ++i)
    std::this_thread::sleep_for(2ms);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sender finished before it could be killed";
  size_t before = 0;
  for (const auto& f : fake->files()) before += f.completed;
  EXPECT_LT(before, plan.deliveries.size());
  // The killed session's lock goes with its connection, once the server has seen it close.
  EXPECT_TRUE(test::eventually([&] {
    db::Database probe(t.url);
    if (!db::outbox::try_lock(probe, "r")) return false;
    db::outbox::unlock(probe, "r");
    return true;
  }));
  auto c = t.client();
  auto r = reports::deliver(*t.conn, "r", *c, {}, {.threads = threads});
  EXPECT_EQ(r.failed, 0) << (r.reasons.empty() ? "" : r.reasons.front());
  t.expect_each_once();
  EXPECT_EQ(db::outbox::counts(*t.conn, "r").sent, static_cast<int>(plan.deliveries.size()));
}
}  // namespace

TEST_P(DeliverEach, AKilledRunResumedSendsEachFileExactlyOnce) { kill_and_resume(*this, 1); }
// Three messages at once: the kill may fall between any of their steps.
TEST_P(DeliverEach, AKilledRunOfThreeThreadsResumedSendsEachFileExactlyOnce) { kill_and_resume(*this, 3); }

TEST_F(Deliver, GoneRecipientsAreSkippedWithTheReasonAndTheRunGoesOn) {
  std::string dm_user, ao;
  for (const auto& d : plan.deliveries) {
    if (d.to_user && dm_user.empty()) dm_user = d.recipient;
    if (d.report == "q_counts.ao" && ao.empty()) ao = d.recipient;
  }
  fake->add_user({dm_user, "gone", "Gone", "Gone", /*deleted=*/true});
  fake->set_archived(ao, true);
  auto c = client();
  auto r = reports::deliver(*conn, "r", *c);
  EXPECT_GE(r.skipped, 2);
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(r.sent + r.skipped, static_cast<int>(plan.deliveries.size()));
  bool named = false;
  for (const auto& why : r.reasons) named |= why.find("is_archived") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_EQ(db::outbox::counts(*conn, "r").skipped, r.skipped);
}

TEST_F(Deliver, OneSenderPerRegion) {
  db::Database holder(url);
  ASSERT_TRUE(db::outbox::try_lock(holder, "r"));
  auto c = client();
  EXPECT_THROW(reports::deliver(*conn, "r", *c), UserError);
}

TEST_F(Deliver, SomeoneWhoOptsOutAfterPlanningGetsNoDm) {
  std::string quitter;
  for (const auto& d : plan.deliveries)
    if (d.to_user && quitter.empty()) quitter = d.recipient;
  ASSERT_TRUE(db::set_opt_out(*conn, "r", quitter, true, "slack"));
  auto c = client();
  auto r = reports::deliver(*conn, "r", *c);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(r.sent, static_cast<int>(plan.deliveries.size()) - 1);
  ASSERT_EQ(r.reasons.size(), 1u) << r.reasons.back();
  EXPECT_NE(r.reasons[0].find("opted out"), std::string::npos);
  EXPECT_EQ(fake->calls("conversations.open"),
            static_cast<int>(std::count_if(plan.deliveries.begin(), plan.deliveries.end(),
                                           [](const auto& d) { return d.to_user; })) -
                1);
}

// What a channel reads: its top-level messages, and the replies in their threads.
struct ChannelView {
  std::vector<nlohmann::json> top, replies;
};
ChannelView view(const FakeSlack& fake, const std::string& channel) {
  ChannelView v;
  for (const auto& m : fake.messages(channel)) {
    if (m.value("user", std::string()) != fake.options().bot_user_id) continue;
    const bool reply = m.contains("thread_ts") && m["thread_ts"] != m["ts"];
    (reply ? v.replies : v.top).push_back(m);
  }
  return v;
}

int mentions_in(const std::string& text) {
  int n = 0;
  for (size_t at = 0; (at = text.find("<@", at)) != std::string::npos; ++at) ++n;
  return n;
}

// Issue 30: one post to 1st-F. The region's charts go as one message of several files, the award
// and milestone cards as replies in its thread, and a run @-mentions at most mention_budget people
// in all its channel messages.
TEST_F(Deliver, FirstFGetsOneMessageWithTheAwardsInItsThreadAndAtMostTheMentionBudget) {
  // The Kotter list to 1st-F too: its own message, its pages together.
  const std::string firstf = ws->truth["region"]["firstf_channel"];
  db::set_region(*conn, "r", {{"kotter_channel", firstf}, {"kotter_min_posts", "1"}});
  plan = reports::plan_monthly(*conn, "r", test::ym("2026-10"));
  ASSERT_GT(reports::queue_plan(*conn, plan), 0);
  ASSERT_TRUE(std::any_of(plan.deliveries.begin(), plan.deliveries.end(),
                          [](const auto& d) { return d.report.starts_with("kotter.region"); }));
  auto c = client();
  const auto r = reports::deliver(*conn, "r", *c);
  ASSERT_EQ(r.failed + r.skipped + r.in_doubt, 0) << (r.reasons.empty() ? "" : r.reasons.front());
  expect_each_once();
  const auto v = view(*fake, firstf);
  ASSERT_EQ(v.top.size(), 2u) << "1st-F gets the month's message and the Kotter list's";
  EXPECT_GE(v.top[0]["files"].size(), 5u) << "the region's charts together";
  EXPECT_FALSE(v.replies.empty()) << "the awards in its thread";
  for (const auto& reply : v.replies) EXPECT_EQ(reply["thread_ts"], v.top[0]["ts"]);
  // The Kotter message carries everyone listed as a CSV beside its chart pages.
  const auto& list_files = v.top[1]["files"];
  EXPECT_EQ(std::count_if(list_files.begin(), list_files.end(),
                          [](const auto& f) { return f["name"].template get<std::string>().ends_with(".csv"); }),
            1)
      << list_files.dump();
  size_t files = 0;
  for (const auto& m : v.top) files += m["files"].size();
  for (const auto& m : v.replies) files += m["files"].size();
  size_t planned = 0;
  for (const auto& d : plan.deliveries) planned += !d.to_user && d.recipient == firstf;
  EXPECT_EQ(files, planned) << "every file of 1st-F in one of its messages";
  // The budget counts every channel message of the run.
  int mentions = 0;
  std::set<std::string> channels;
  for (const auto& d : plan.deliveries)
    if (!d.to_user) channels.insert(d.recipient);
  for (const auto& ch : channels)
    for (const auto& m : fake->messages(ch))
      if (m.value("user", std::string()) == fake->options().bot_user_id) mentions += mentions_in(m.value("text", ""));
  EXPECT_LE(mentions, 30);
  EXPECT_GT(mentions, 0);
}

// A run that sent 1st-F's message but not its thread's first reply: the next run replies under
// that message (its ts from the outbox or files.info) and never posts a second one.
TEST_F(Deliver, AResumedRunRepliesUnderTheMessageAlreadyPosted) {
  const std::string firstf = ws->truth["region"]["firstf_channel"];
  // Slack refuses the first reply once, on its side: it stays planned for the next run.
  fake->inject({.kind = FakeSlack::Fault::slack_error,
                .method = "files.completeUploadExternal",
                .after = 1,
                .channel = firstf,
                .error = "internal_error"});
  auto c = client();
  const auto first = reports::deliver(*conn, "r", *c);
  ASSERT_EQ(view(*fake, firstf).top.size(), 1u);
  ASSERT_GT(db::outbox::counts(*conn, "r").pending(), 0);
  // The next run (a fresh sender, as after a restart) finds the message posted and replies under it.
  auto again = client();
  const auto second = reports::deliver(*conn, "r", *again);
  EXPECT_EQ(second.failed + second.in_doubt, 0) << (second.reasons.empty() ? "" : second.reasons.front());
  EXPECT_EQ(db::outbox::counts(*conn, "r").pending(), 0);
  const auto v = view(*fake, firstf);
  EXPECT_EQ(v.top.size(), 1u) << "a second parent was posted";
  for (const auto& reply : v.replies) EXPECT_EQ(reply["thread_ts"], v.top[0]["ts"]);
  expect_each_once();
}

// Several messages at once (issue 34): still each file once, each recipient's messages in plan
// order (1st-F's month before its Kotter list), and the awards in the month's thread.
TEST_F(Deliver, ThreeThreadsSendEachFileOnceAndEachRecipientsMessagesInPlanOrder) {
  const std::string firstf = ws->truth["region"]["firstf_channel"];
  db::set_region(*conn, "r", {{"kotter_channel", firstf}, {"kotter_min_posts", "1"}});
  plan = reports::plan_monthly(*conn, "r", test::ym("2026-10"));
  ASSERT_GT(reports::queue_plan(*conn, plan), 0);
  auto c = client();
  reports::DrawPool pool(1);  // the three threads' charts drawn on one other, as serve's senders share it
  const auto r = reports::deliver(*conn, "r", *c, {}, {.threads = 3, .draws = &pool});
  ASSERT_EQ(r.failed + r.skipped + r.in_doubt, 0) << (r.reasons.empty() ? "" : r.reasons.front());
  EXPECT_EQ(r.sent, static_cast<int>(plan.deliveries.size()));
  expect_each_once();
  size_t charts = 0;  // every chart stored as a spec was drawn on the pool, not on a sending thread
  for (const auto& d : plan.deliveries) charts += d.is_chart();
  EXPECT_EQ(pool.drawn(), charts);
  // Per channel, its messages' first files in the order their deliveries were planned.
  std::map<std::string, std::vector<std::string>> planned;  // channel → first file of each message
  std::set<std::pair<std::string, std::string>> posts;      // (channel, post) seen
  for (const auto& d : plan.deliveries) {
    if (d.to_user || !d.thread_of.empty()) continue;
    if (d.post.empty() || posts.emplace(d.recipient, d.post).second) planned[d.recipient].push_back(d.file);
  }
  for (const auto& [channel, files] : planned) {
    std::vector<std::string> got;
    for (const auto& m : view(*fake, channel).top) got.push_back(m["files"][0]["name"]);
    EXPECT_EQ(got, files) << channel;
  }
  const auto v = view(*fake, firstf);
  ASSERT_EQ(v.top.size(), 2u);
  EXPECT_FALSE(v.replies.empty());
  for (const auto& reply : v.replies) EXPECT_EQ(reply["thread_ts"], v.top[0]["ts"]);
  EXPECT_EQ(db::outbox::counts(*conn, "r").sent, static_cast<int>(plan.deliveries.size()));
}

// The in-doubt rule: a share whose answer is lost is resolved by files.info, or left in doubt for
// a person, and never sent again on its own.
class DeliverInDoubt : public Deliver {
 protected:
  std::unique_ptr<slack::Client> quick_client() {  // backoff and look-again pauses on a clock that jumps
    auto limiter = std::make_shared<slack::RateLimiter>(clock, 100ms);
    return std::make_unique<slack::Client>(
        slack::ClientOptions{.token = fake->options().token, .base_url = fake->base_url(), .limiter = limiter});
  }
  int completed() {
    int n = 0;
    for (const auto& f : fake->files()) n += f.completed;
    return n;
  }
  // Faults of every kind before and after Slack acts, then runs until nothing is pending.
  void storm(int threads);
  slack::ManualClock clock;
};

TEST_F(DeliverInDoubt, ALostShareAnswerIsSettledByFilesInfo) {
  fake->inject({.kind = FakeSlack::Fault::drop_connection, .method = "files.completeUploadExternal", .times = 3});
  auto c = quick_client();
  const auto r = reports::deliver(*conn, "r", *c);
  EXPECT_EQ(r.in_doubt, 0);
  EXPECT_EQ(r.sent, static_cast<int>(plan.deliveries.size()));
  expect_each_once();
}

// The files of one message (a post): every one in doubt when the message is.
size_t files_in_message(db::Database& conn, const db::outbox::Item& item) {
  size_t n = 0;
  for (const auto& i : db::outbox::in_doubt(conn, "r"))
    n += i.recipient == item.recipient && i.post == item.post && !item.post.empty();
  return item.post.empty() ? 1 : n;
}

TEST_F(DeliverInDoubt, WhenFilesInfoCannotTellTheDeliveryStaysInDoubtAndIsNotResent) {
  // The share of the first message is made but its answer is lost; files.info then fails every time.
  fake->inject({.kind = FakeSlack::Fault::drop_connection, .method = "files.completeUploadExternal", .times = 1});
  fake->inject({.kind = FakeSlack::Fault::http_500, .method = "files.info", .times = 100000});
  auto c = quick_client();
  const auto r = reports::deliver(*conn, "r", *c);
  const auto doubted = db::outbox::in_doubt(*conn, "r");
  ASSERT_GE(doubted.size(), 1u);
  EXPECT_EQ(r.in_doubt, static_cast<int>(doubted.size()));
  EXPECT_EQ(doubted.size(), files_in_message(*conn, doubted.front())) << "one message's files, no other";
  EXPECT_NE(doubted.front().error.find("files.info"), std::string::npos);
  EXPECT_EQ(completed(), r.sent + r.in_doubt);  // the lost one did go out
  // What is neither sent nor in doubt is a reply waiting for files.info to show its thread.
  for (const auto& i : db::outbox::pending(*conn, "r")) EXPECT_FALSE(i.thread_of.empty()) << i.report;
  // Running again sends nothing: the ones in doubt wait for a person.
  const auto again = reports::deliver(*conn, "r", *c);
  EXPECT_EQ(again.sent + again.in_doubt, 0);
  const int before = completed();
  // A person looked and wants it sent anyway: it goes out again, as asked.
  EXPECT_EQ(db::outbox::resend_in_doubt(*conn, "r"), static_cast<int>(doubted.size()));
  EXPECT_EQ(reports::deliver(*conn, "r", *c).sent, static_cast<int>(doubted.size()));
  EXPECT_EQ(completed(), before + static_cast<int>(doubted.size()));
  for (const auto& f : fake->files()) EXPECT_LE(f.complete_calls, 1) << f.id << " was completed twice";
}

TEST_F(DeliverInDoubt, AResumedDeliveryWhoseFilesInfoFailsIsNotSharedAgain) {
  // A run was killed after the bytes of one delivery were stored and its share went out, before
  // the outbox heard of it; on resume files.info fails.
  auto c = quick_client();
  auto item = db::outbox::pending(*conn, "r").front();
  item.bytes = render::render(render::chart_from_json(nlohmann::json::parse(item.chart)));  // as the sender draws it
  db::outbox::store_bytes(*conn, item.id, item.bytes);
  const auto up = c->upload({.filename = item.file_name,
                             .bytes = item.bytes,
                             .title = item.title,
                             .channel_id = item.recipient,
                             .initial_comment = item.comment});
  ASSERT_TRUE(up.ok);
  db::outbox::record(*conn, item.id, db::outbox::Status::uploaded, item.recipient, up.file_id, "");
  fake->inject(
      {.kind = FakeSlack::Fault::slack_error, .method = "files.info", .times = 100000, .error = "fatal_error"});
  const int before = completed();
  const auto r = reports::deliver(*conn, "r", *c);
  EXPECT_GE(r.in_doubt, 1);
  EXPECT_EQ(static_cast<size_t>(r.in_doubt), files_in_message(*conn, item)) << "the message of the resumed file";
  EXPECT_EQ(completed(), before + r.sent) << "the resumed one was shared again";
  for (const auto& f : fake->files()) EXPECT_LE(f.complete_calls, 1) << f.id << " was completed twice";
}

TEST(DeliverScopes, ATokenWithoutFilesReadIsRefusedBeforeSendingAnything) {
  FakeSlack::Options fo;
  fo.scopes = "chat:write,files:write,im:write,users:read";
  FakeSlack fake(fo);
  fake.start();
  const std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database conn(url);
  db::add_region(conn, "r", "F3 Test", "America/Chicago");
  db::outbox::Item item;
  item.region = "r";
  item.report = "leaderboards.month";
  item.period = "2026-10";
  item.recipient = "C0000000F1";
  item.file_name = "x.png";
  item.bytes = "12345";
  db::outbox::plan(conn, {item});
  slack::Client client({.token = fo.token, .base_url = fake.base_url()});
  try {
    reports::deliver(conn, "r", client);
    FAIL() << "delivered without files:read";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("files:read"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fake.calls("files.getUploadURLExternal"), 0);
}

// A chart whose spec would not read back as the same chart (here: taller than a spec may ask
// for) is queued drawn, as before; the others as their spec.
TEST(DeliverSpecs, AChartBeyondTheSpecsLimitsIsQueuedDrawn) {
  db::Database conn(test::PostgresEnvironment::get().fresh_database_url());
  db::add_region(conn, "r", "F3 Test", "America/Chicago");
  reports::MonthlyPlan plan;
  plan.region = "r";
  plan.period = test::period("2026-10");
  render::Chart tall;
  tall.kind = render::Kind::table;
  tall.title = "Everyone";
  tall.columns = {"Posts"};
  for (int k = 0; k < 200; ++k) tall.rows.emplace_back("PAX " + std::to_string(k), std::vector<double>{double(k)});
  tall.scale = 1;
  tall.height = 110 + 22 * 200;  // 4,510 points: a spec stops at 4,000
  render::Chart card;
  card.kind = render::Kind::award;
  card.award = "Most posts";
  card.person = "Zephyr";
  plan.deliveries.push_back({"kotter", "C0000000F1", false, "tall.png", "Tall", "", tall});
  plan.deliveries.push_back({"awards", "C0000000F1", false, "card.png", "Card", "", card});
  ASSERT_EQ(reports::queue_plan(conn, plan), 2);
  for (const auto& item : db::outbox::pending(conn, "r")) {
    if (item.file_name == "tall.png") {
      EXPECT_TRUE(item.chart.empty());
      EXPECT_TRUE(item.bytes == render::render(tall)) << "drawn when queued";
    } else {
      EXPECT_TRUE(item.bytes.empty());
      EXPECT_FALSE(item.chart.empty());
    }
  }
}

TEST(DeliverSpecs, AChartThatCannotBeDrawnFailsWithTheReasonAndTheRunGoesOn) {
  FakeSlack fake;
  fake.add_channel({.id = "C0000000F1", .name = "1st-f", .members = {fake.options().bot_user_id}});
  fake.start();
  db::Database conn(test::PostgresEnvironment::get().fresh_database_url());
  db::add_region(conn, "r", "F3 Test", "America/Chicago");
  db::outbox::Item bad, good;
  bad.region = good.region = "r";
  bad.period = good.period = "2026-10";
  bad.recipient = good.recipient = "C0000000F1";
  bad.report = "ao_trend";
  bad.file_name = "bad.png";
  bad.chart = R"({"kind": "pie", "title": "edited by hand"})";
  good.report = "q_counts";
  good.file_name = "good.png";
  good.chart =
      render::to_json(render::chart_from_json({{"kind", "award"}, {"award", "Q"}, {"person", "Zephyr"}})).dump();
  ASSERT_EQ(db::outbox::plan(conn, {bad, good}), 2);
  slack::Client client({.token = fake.options().token, .base_url = fake.base_url()});
  const auto r = reports::deliver(conn, "r", client);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.failed, 1);
  ASSERT_EQ(r.reasons.size(), 1u) << r.reasons.back();
  EXPECT_NE(r.reasons[0].find("cannot draw the chart: chart spec: kind"), std::string::npos) << r.reasons[0];
  EXPECT_EQ(fake.calls("files.getUploadURLExternal"), 1) << "nothing of the bad one reached Slack";
}

void DeliverInDoubt::storm(int threads) {
  using K = FakeSlack::Fault;
  const int n = static_cast<int>(plan.deliveries.size());
  for (int k = 0; k < 4; ++k) {
    fake->inject(
        {.kind = K::drop_connection, .method = "files.completeUploadExternal", .times = 1, .after = k * n / 5});
    fake->inject(
        {.kind = K::drop_before, .method = "files.completeUploadExternal", .times = 1, .after = k * n / 4 + 1});
    fake->inject({.kind = K::http_500, .method = "files.completeUploadExternal", .times = 1, .after = k * n / 3 + 2});
    fake->inject({.kind = K::rate_limit, .method = "files.completeUploadExternal", .times = 1, .after = k * n / 6 + 3});
    fake->inject({.kind = K::http_500, .method = "files.getUploadURLExternal", .times = 2, .after = k * n / 4});
    fake->inject({.kind = K::rate_limit, .method = "files.getUploadURLExternal", .times = 1, .after = k * n / 5});
    fake->inject({.kind = K::drop_before, .method = "files.info", .times = 1, .after = k});
    fake->inject({.kind = K::http_500, .method = "upload", .times = 1, .after = k * n / 4});
    fake->inject({.kind = K::http_500, .method = "conversations.open", .times = 2, .after = k * 5});
  }
  auto c = quick_client();
  int rounds = 0;
  for (; rounds < 10 && (rounds == 0 || db::outbox::counts(*conn, "r").pending() > 0); ++rounds)
    reports::deliver(*conn, "r", *c, {}, {.threads = threads});
  const auto counts = db::outbox::counts(*conn, "r");
  EXPECT_EQ(counts.pending(), 0) << "after " << rounds << " rounds";
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(counts.sent + counts.in_doubt, n);
  // Nothing arrived twice; everything arrived, but for what is listed in doubt (which arrived at
  // most once).
  std::map<std::pair<std::string, std::string>, int> arrived;
  for (const auto& f : fake->files())
    if (f.completed) ++arrived[{f.channel_id, f.filename}];
  std::set<std::string> doubtful;
  for (const auto& i : db::outbox::in_doubt(*conn, "r")) doubtful.insert(i.file_name);
  for (const auto& d : plan.deliveries) {
    const std::string channel = d.to_user ? fake->dm_channel(d.recipient) : d.recipient;
    const int got = arrived[{channel, d.file}];
    EXPECT_LE(got, 1) << d.report << " → " << d.recipient << " arrived twice";
    if (!doubtful.count(d.file)) {
      EXPECT_EQ(got, 1) << d.report << " → " << d.recipient << " was lost";
    }
  }
}

TEST_F(DeliverInDoubt, AStormOf429s5xxAndDropsBeforeAndAfterActingDuplicatesNothing) { storm(1); }
TEST_F(DeliverInDoubt, AStormMetByThreeThreadsDuplicatesNothing) { storm(3); }
