#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <vector>
#include <thread>

#include "paxstats/log.hpp"
#include "support.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using slack::fake::FakeSlack;
using Fault = FakeSlack::Fault;

namespace {

// Tests run on a manual clock: rate-limit pacing and backoff waits are recorded, not slept.
class ClientTest : public ::testing::Test {
 protected:
  test::SlackWorld world;
  slack::ManualClock clock;
  std::unique_ptr<slack::Client> client = world.client(clock);
};

}  // namespace

TEST_F(ClientTest, AuthTestReportsTeamBotAndScopes) {
  auto body = client->auth_test();
  EXPECT_EQ(body["team_id"], "T0FAKE0001");
  EXPECT_EQ(body["user_id"], world.bot());
  EXPECT_NE(body["scopes"].get<std::string>().find("files:write"), std::string::npos);
}

TEST_F(ClientTest, PagesThroughEveryPageUntilTheCursorIsEmpty) {
  for (int i = 0; i < 1234; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "UP%08d", i);
    world.fake.add_user({id, "pax" + std::to_string(i), "Pax", "Pax"});
  }
  auto users = client->users_list();
  EXPECT_EQ(users.size(), 1234u + 4u);           // plus the bot and the three fixture users
  EXPECT_EQ(world.fake.calls("users.list"), 7);  // 200 a page
}

TEST(ClientPaging, AShortPageIsNotTheEnd) {
  // Slack's 2025 limits for non-Marketplace apps cap pages at 15 whatever limit asks for.
  FakeSlack::Options o;
  o.nonmarketplace_history = true;
  test::SlackWorld world(o);
  world.fake.set_budget("conversations.history", 1000);
  for (int i = 0; i < 100; ++i)
    world.fake.add_message("C0000000F1", {{"type", "message"},
                                          {"user", "U0000000A1"},
                                          {"text", "m" + std::to_string(i)},
                                          {"ts", std::to_string(1700000000 + i) + ".000100"}});
  slack::ManualClock clock;
  auto client = world.client(clock);
  std::vector<std::string> seen;
  client->conversations_history("C0000000F1", "", "", false, [&](const slack::json& page) {
    EXPECT_LE(page["messages"].size(), 15u);
    for (const auto& m : page["messages"]) seen.push_back(m["ts"]);
  });
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(seen.front(), "1700000099.000100");  // newest first
  EXPECT_EQ(world.fake.calls("conversations.history"), 7);
}

TEST_F(ClientTest, WaitsRetryAfterOn429ThenSucceeds) {
  world.fake.inject({.kind = Fault::rate_limit, .method = "auth.test", .retry_after = 30});
  auto body = client->auth_test();
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(world.fake.calls("auth.test"), 2);
  EXPECT_GE(clock.total_slept(), 30s) << "did not honour Retry-After";
  EXPECT_EQ(world.limiter->throttled(), 1);
}

TEST_F(ClientTest, A429OnOneMethodDoesNotHoldUpOthers) {
  world.fake.inject({.kind = Fault::rate_limit, .method = "users.list", .retry_after = 120});
  client->call("users.list", {});  // waits 120 s on its own lane, then succeeds
  const auto before = clock.now();
  client->auth_test();
  EXPECT_LT(clock.now() - before, 2s) << "auth.test waited for users.list's Retry-After";
}

TEST_F(ClientTest, RetriesAReadWhenTheConnectionDrops) {
  world.fake.inject({.kind = Fault::drop_connection, .method = "conversations.info"});
  auto ch = client->conversations_info("C0000000F1");
  EXPECT_EQ(ch["name"], "1st-f");
  EXPECT_EQ(world.fake.calls("conversations.info"), 2);
}

TEST_F(ClientTest, RetriesAReadOn5xxWithGrowingBackoff) {
  world.limiter->set_rate("conversations.list", {100000, 1s});  // no pacing: only backoff sleeps
  world.fake.inject({.kind = Fault::http_500, .method = "conversations.list", .times = 3});
  auto channels = client->conversations_list();
  EXPECT_EQ(channels.size(), 4u);  // archived and private included
  EXPECT_EQ(world.fake.calls("conversations.list"), 4);
  auto sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {  // 500 ms · 2^i, ±25% jitter
    const auto base = 500ms * (1 << i);
    EXPECT_GE(sleeps[i], base * 3 / 4) << i;
    EXPECT_LE(sleeps[i], base * 5 / 4) << i;
  }
}

TEST_F(ClientTest, DoesNotRepeatAWriteThatGot5xx) {
  world.fake.inject({.kind = Fault::http_500, .method = "chat.postMessage"});
  auto r = client->call("chat.postMessage", {{"channel", "C0000000F1"}, {"text", "hi"}}, slack::CallKind::write,
                        "C0000000F1");
  EXPECT_EQ(r.outcome, slack::Outcome::http_error);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_EQ(world.fake.calls("chat.postMessage"), 1);
}

TEST(ClientTimeouts, ACreatingCallIsNotRepeatedAfterATimeoutOnceSent) {
  test::SlackWorld world;
  slack::ManualClock clock;
  slack::ClientOptions o;
  o.timeout = 300ms;
  auto client = world.client(clock, o);
  world.fake.inject({.kind = Fault::slow, .method = "chat.postMessage", .delay = 1200ms});
  auto r = client->call("chat.postMessage", {{"channel", "C0000000F1"}, {"text", "once"}}, slack::CallKind::write,
                        "C0000000F1");
  EXPECT_EQ(r.outcome, slack::Outcome::transport_error);
  EXPECT_TRUE(r.maybe_sent);
  EXPECT_EQ(slack::diagnose(r).remedy, slack::Remedy::retry_later);
  // The fake records a call before it answers: a repeat would be in its log by now.
  EXPECT_EQ(world.fake.calls("chat.postMessage"), 1);
  EXPECT_EQ(world.fake.messages("C0000000F1").size(), 1u) << "the message was posted twice";
}

TEST(ClientTimeouts, AWriteThatNeverLeftIsRetried) {
  // A port nobody listens on: connecting fails, so nothing was sent and repeating is safe.
  int port;
  {
    FakeSlack probe;
    probe.start();
    port = probe.port();
  }
  slack::ManualClock clock;
  slack::ClientOptions o;
  o.token = "xoxb-1234-secret-token";
  o.base_url = "http://127.0.0.1:" + std::to_string(port) + "/api/";
  o.limiter = std::make_shared<slack::RateLimiter>(clock);
  o.max_attempts = 3;
  slack::Client client(o);
  auto r = client.call("chat.postMessage", {{"channel", "C1"}, {"text", "x"}}, slack::CallKind::write, "C1");
  EXPECT_EQ(r.outcome, slack::Outcome::transport_error);
  EXPECT_FALSE(r.maybe_sent);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.describe().find("secret"), std::string::npos);
}

TEST_F(ClientTest, HonoursTheFakesOwnBudgetsAsSlackWould) {
  // The fake's limit, not a scripted fault: 2 calls per window of 1 s; the client is told
  // nothing of it and must recover from the 429.
  FakeSlack::Options o;
  o.window = 1000ms;
  test::SlackWorld strict(o);
  strict.fake.set_budget("auth.test", 2);
  auto limiter = std::make_shared<slack::RateLimiter>(slack::SystemClock::instance());
  limiter->set_rate("auth.test", {1000, 1000ms});
  slack::Client c({.token = strict.fake.options().token, .base_url = strict.fake.base_url(), .limiter = limiter});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.auth_test()["ok"], true);
  EXPECT_GE(strict.fake.calls("auth.test"), 5);
  EXPECT_GE(limiter->throttled(), 1);
}

// ---- Errors, each mapped to what a person should do.

TEST_F(ClientTest, NotInAPublicChannelJoinsItAndPostsOnce) {
  auto body = client->post_message("C0000000AO", "hello");
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(world.fake.calls("conversations.join"), 1);
  EXPECT_EQ(world.fake.messages("C0000000AO").size(), 1u);
}

TEST_F(ClientTest, NotInAPrivateChannelSaysToInviteTheBot) {
  try {
    client->post_message("C0000000PR", "hello");
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.result().error, "not_in_channel");
    EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::invite_bot);
    EXPECT_NE(std::string(e.what()).find("C0000000PR"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/invite"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(world.fake.messages("C0000000PR").empty());
}

TEST_F(ClientTest, WithoutAutoJoinNotInChannelSaysToInviteTheBot) {
  slack::ClientOptions o;
  o.auto_join = false;
  client = world.client(clock, o);
  try {
    client->post_message("C0000000AO", "hello");
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.result().error, "not_in_channel");
    EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::invite_bot);
    EXPECT_NE(std::string(e.what()).find("C0000000AO"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("/invite"), std::string::npos) << e.what();
  }
  EXPECT_EQ(client->conversations_join("C0000000AO")["channel"]["is_member"], true);
  EXPECT_NO_THROW(client->post_message("C0000000AO", "hello"));
  EXPECT_THROW(client->conversations_join("C0000000PR"), slack::SlackError);  // private: cannot join
}

TEST_F(ClientTest, MissingScopeNamesTheScope) {
  world.fake.inject(
      {.kind = Fault::slack_error, .method = "conversations.open", .error = "missing_scope", .needed = "im:write"});
  try {
    client->open_dm("U0000000A1");
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::add_scope);
    EXPECT_NE(std::string(e.what()).find("im:write"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("OAuth & Permissions"), std::string::npos) << e.what();
  }
}

TEST_F(ClientTest, BadTokensStopTheWorkspaceWithoutPrintingTheToken) {
  slack::ClientOptions o;
  o.token = "xoxb-999-wrong-token-abcdef";
  auto wrong = world.client(clock, o);
  try {
    wrong->auth_test();
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.result().error, "invalid_auth");
    EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::stop_workspace);
    EXPECT_EQ(std::string(e.what()).find("wrong-token"), std::string::npos);
  }
  world.fake.revoke_token();
  try {
    client->auth_test();
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.result().error, "token_revoked");
    EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::stop_workspace);
  }
}

TEST_F(ClientTest, GoneRecipientsAreSkippedWithTheReason) {
  struct Case {
    std::function<void()> call;
    std::string error;
  };
  std::vector<Case> cases = {
      {[&] { client->post_message("C0000000NO", "x"); }, "channel_not_found"},
      {[&] { client->open_dm("U0000000NO"); }, "user_not_found"},
      {[&] { client->open_dm("U0000000GN"); }, "user_disabled"},
      {[&] { client->post_message("C0000000AR", "x"); }, "is_archived"},
  };
  world.fake.inject(
      {.kind = Fault::slack_error, .method = "chat.postMessage", .channel = "C0000000F1", .error = "account_inactive"});
  cases.push_back({[&] { client->post_message("C0000000F1", "x"); }, "account_inactive"});
  for (auto& c : cases) {
    try {
      c.call();
      ADD_FAILURE() << "no error for " << c.error;
    } catch (const slack::SlackError& e) {
      EXPECT_EQ(e.result().error, c.error);
      EXPECT_EQ(e.diagnosis().remedy, slack::Remedy::skip_recipient) << c.error;
      EXPECT_NE(std::string(e.what()).find("skipping that recipient"), std::string::npos) << e.what();
    }
  }
}

TEST_F(ClientTest, LegacyFilesUploadIsOffAndExplainsTheRetirement) {
  auto r = client->legacy_upload({.filename = "a.png", .bytes = "x", .channel_id = "C0000000F1"});
  EXPECT_EQ(r.error, "method_deprecated");
  EXPECT_EQ(world.fake.calls("files.upload"), 0) << "called a retired method without being asked";
  EXPECT_EQ(slack::diagnose(r).remedy, slack::Remedy::switch_upload);
  slack::ClientOptions o;
  o.legacy_upload = true;
  auto legacy = world.client(clock, o);
  auto r2 = legacy->legacy_upload({.filename = "a.png", .bytes = "x", .channel_id = "C0000000F1"});
  EXPECT_EQ(r2.error, "method_deprecated");  // what Slack answers since 2025-11-12
  EXPECT_NE(slack::diagnose(r2).message.find("2025-11-12"), std::string::npos);
}

TEST_F(ClientTest, PostsLinksAndEphemeralMessages) {
  auto posted = client->post_message("C0000000F1", "Backblast: hills");
  const std::string ts = posted["ts"];
  const std::string link = client->permalink("C0000000F1", ts);
  std::string digits = ts;
  digits.erase(digits.find('.'), 1);
  EXPECT_EQ(link, "https://fake.slack.com/archives/C0000000F1/p" + digits);
  EXPECT_THROW(client->permalink("C0000000F1", "1.000001"), slack::SlackError);
  EXPECT_TRUE(client->post_ephemeral("C0000000F1", "U0000000A1", "only you")["message_ts"].is_string());
  try {
    client->post_ephemeral("C0000000F1", "U0000000GN", "not in the channel");
    FAIL();
  } catch (const slack::SlackError& e) {
    EXPECT_EQ(e.result().error, "user_not_in_channel");
  }
  EXPECT_EQ(world.fake.messages("C0000000F1").size(), 1u) << "an ephemeral message was stored as a post";
}

// ---- The 3-step upload.

TEST_F(ClientTest, UploadsToAChannelThroughTheThreeSteps) {
  std::vector<slack::UploadStep::Kind> steps;
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(5000, 'x');
  auto r = client->upload({.filename = "q_counts.png",
                           .bytes = png,
                           .title = "Q counts — October",
                           .alt_txt = "Bar chart of Qs",
                           .channel_id = "C0000000F1",
                           .initial_comment = "Hey 1st-F! Here are October's Q counts."},
                          [&](const slack::UploadStep& s) { steps.push_back(s.kind); });
  ASSERT_TRUE(r.ok) << r.result.describe();
  EXPECT_EQ(steps, (std::vector<slack::UploadStep::Kind>{slack::UploadStep::got_url, slack::UploadStep::bytes_sent,
                                                         slack::UploadStep::completed}));
  auto files = world.fake.files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].bytes, png);
  EXPECT_EQ(files[0].title, "Q counts — October");
  EXPECT_EQ(files[0].alt_txt, "Bar chart of Qs");
  EXPECT_EQ(files[0].initial_comment, "Hey 1st-F! Here are October's Q counts.");
  EXPECT_EQ(files[0].channel_id, "C0000000F1");
  EXPECT_EQ(files[0].complete_calls, 1);
}

TEST_F(ClientTest, UploadsToAUserByOpeningTheirDm) {
  const std::string dm = client->open_dm("U0000000A2");
  auto r = client->upload({.filename = "me.png",
                           .bytes = "PNGDATA",
                           .title = "Your October",
                           .alt_txt = "Your posts",
                           .channel_id = dm,
                           .initial_comment = "Hey Doppler! Here is your monthly posting summary."});
  ASSERT_TRUE(r.ok) << r.result.describe();
  EXPECT_EQ(world.fake.dm_channel("U0000000A2"), dm);
  auto files = world.fake.files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].channel_id, dm);
  EXPECT_EQ(files[0].initial_comment, "Hey Doppler! Here is your monthly posting summary.");
  EXPECT_EQ(client->open_dm("U0000000A2"), dm);  // the same DM again
}

TEST_F(ClientTest, AFailedBytesPostStartsOverWithANewUrl) {
  world.fake.inject({.kind = Fault::http_500, .method = "upload"});
  auto r = client->upload({.filename = "a.png", .bytes = "12345", .title = "t", .channel_id = "C0000000F1"});
  ASSERT_TRUE(r.ok) << r.result.describe();
  EXPECT_EQ(world.fake.calls("files.getUploadURLExternal"), 2);
  auto files = world.fake.files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_FALSE(files[0].completed) << "the abandoned upload was shared";
  EXPECT_TRUE(files[1].completed);
  EXPECT_EQ(files[1].complete_calls, 1);
  EXPECT_EQ(r.file_id, files[1].id);
}

TEST(ClientUploads, ALostCompletionIsCheckedNotRepeated) {
  test::SlackWorld world;
  slack::ManualClock clock;
  slack::ClientOptions o;
  o.timeout = 300ms;
  auto client = world.client(clock, o);
  world.fake.inject({.kind = Fault::slow, .method = "files.completeUploadExternal", .delay = 800ms});
  auto r = client->upload({.filename = "a.png", .bytes = "12345", .title = "t", .channel_id = "C0000000F1"});
  EXPECT_TRUE(r.ok) << r.failed_step << ": " << r.result.describe();
  auto files = world.fake.files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].complete_calls, 1) << "completeUploadExternal was repeated";
  EXPECT_GE(world.fake.calls("files.info"), 1);
}

TEST_F(ClientTest, UploadRejectsAnEmptyFileClearly) {
  auto r = client->upload({.filename = "a.png", .bytes = "", .channel_id = "C0000000F1"});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failed_step, "getUploadURLExternal");
  EXPECT_EQ(r.result.error, "missing_argument");
}

TEST(Redaction, TokensNeverReachLogLines) {
  EXPECT_EQ(log::redact("Authorization: Bearer xoxb-123-456-abc"), "Authorization: Bearer ***");
  EXPECT_EQ(log::redact("token xoxb-1234567890-abcdef failed"), "token xoxb-1234*** failed");
  EXPECT_EQ(log::redact("app xapp-1-A0-xyz"), "app xapp-1***");
  EXPECT_EQ(log::redact("postgresql://u:hunter2@db/x"), "postgresql://u:***@db/x");
}

// A server that answers its first request with keep-alive, then closes the connection on the
// next one without a byte of answer: the case where libcurl, on a reused connection, sends the
// request again by itself. Counts the requests it read.
class ClosingServer {
 public:
  ClosingServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ClosingServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  // Reads one request (headers and a Content-Length body); false when the peer closed.
  static bool read_request(int c) {
    std::string in;
    char buf[4096];
    size_t body = std::string::npos, need = 0;
    for (;;) {
      if (body != std::string::npos && in.size() >= body + need) return true;
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      in.append(buf, static_cast<size_t>(n));
      if (body == std::string::npos) {
        const auto end = in.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        body = end + 4;
        auto cl = in.find("Content-Length: ");
        if (cl == std::string::npos) cl = in.find("content-length: ");
        need = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
      }
    }
  }
  void serve() {
    std::vector<std::thread> connections;
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) break;
      connections.emplace_back([this, c] {
        while (read_request(c)) {
          if (++requests_ == 1) {
            const std::string ok = "{\"ok\":true}";
            const std::string res =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(ok.size()) +
                "\r\nConnection: keep-alive\r\n\r\n" + ok;
            ::send(c, res.data(), res.size(), MSG_NOSIGNAL);
            continue;
          }
          break;  // acted on, and no answer at all: the connection just closes
        }
        ::close(c);
      });
    }
    for (auto& t : connections) t.join();
  }
  int fd_ = -1, port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(ClientConnections, ACreatingCallIsNeverResentByLibcurlOnAClosedConnection) {
  ClosingServer server;
  slack::ManualClock clock;
  slack::ClientOptions o;
  o.token = "xoxb-test-token";
  o.base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/api/";
  o.limiter = std::make_shared<slack::RateLimiter>(clock);
  {
    slack::Client client(o);
    ASSERT_TRUE(client.call("auth.test", {}).ok());  // a read, leaving a keep-alive connection
    auto r = client.call("chat.postMessage", {{"channel", "C1"}, {"text", "once"}}, slack::CallKind::write, "C1");
    EXPECT_EQ(r.outcome, slack::Outcome::transport_error);
    EXPECT_TRUE(r.maybe_sent);
  }  // the client's connections close: the server's connection threads end
  EXPECT_EQ(server.requests(), 2) << "the create call reached the server more than once";
}
