// Socket Mode against a local WebSocket server that speaks Slack's side: hello, envelopes that
// must be acked (with a slash command's reply), and "disconnect" asking for a new connection.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "eventually.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "paxstats/slack/socket_mode.hpp"
#include "socket_server.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;
using paxstats::test::eventually;
using paxstats::test::hello;
using paxstats::test::SlackSocket;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

TEST(SocketMode, AcksEveryEnvelopeRepliesToCommandsAndReconnectsWhenAsked) {
  json first_ack, command_ack, second_ack;  // written by the socket's thread, read once `acked` is set
  std::atomic<bool> acked{false};
  SlackSocket slack({
      [&](SlackSocket::Ws& ws) {
        SlackSocket::send(ws, hello());
        SlackSocket::send(ws, {{"envelope_id", "env-1"},
                               {"type", "events_api"},
                               {"accepts_response_payload", false},
                               {"payload", {{"type", "event_callback"}, {"event_id", "Ev1"}}}});
        first_ack = SlackSocket::receive(ws);
        SlackSocket::send(ws, {{"envelope_id", "env-2"},
                               {"type", "slash_commands"},
                               {"accepts_response_payload", true},
                               {"payload", {{"command", "/paxstats"}, {"text", "help"}}}});
        command_ack = SlackSocket::receive(ws);
        SlackSocket::send(ws, {{"type", "disconnect"}, {"reason", "refresh_requested"}});
        beast::error_code ec;
        beast::flat_buffer b;
        ws.read(b, ec);  // the client closes
      },
      [&](SlackSocket::Ws& ws) {
        SlackSocket::send(ws, hello());
        SlackSocket::send(ws, {{"envelope_id", "env-3"},
                               {"type", "events_api"},
                               {"retry_attempt", 1},
                               {"payload", {{"type", "event_callback"}, {"event_id", "Ev1"}}}});
        second_ack = SlackSocket::receive(ws);
        acked = true;
        beast::error_code ec;
        beast::flat_buffer b;
        ws.read(b, ec);  // until the client stops
      },
  });
  slack::fake::FakeSlack::Options fo;
  fo.socket_mode_url = slack.url();
  slack::fake::FakeSlack fake(fo);
  fake.start();

  std::vector<std::string> seen;
  std::mutex mu;
  slack::SocketModeClient client({.app_token = fo.app_token,
                                  .api_base_url = fake.base_url(),
                                  .on_envelope = [&](const json& env) -> std::optional<json> {
                                    std::lock_guard lock(mu);
                                    seen.push_back(env["envelope_id"]);
                                    if (env["type"] == "slash_commands") return json{{"text", "here is help"}};
                                    return std::nullopt;
                                  }});
  client.start();
  EXPECT_TRUE(eventually([&] { return acked.load(); }));
  client.stop();  // while blocked reading: returns (a hang would time the test out)
  EXPECT_EQ(first_ack, (json{{"envelope_id", "env-1"}}));
  EXPECT_EQ(command_ack, (json{{"envelope_id", "env-2"}, {"payload", {{"text", "here is help"}}}}));
  EXPECT_EQ(second_ack, (json{{"envelope_id", "env-3"}}));
  EXPECT_EQ(seen, (std::vector<std::string>{"env-1", "env-2", "env-3"}));
  EXPECT_EQ(client.connections(), 2);
  EXPECT_EQ(fake.calls("apps.connections.open"), 2);
  EXPECT_TRUE(slack.errors().empty()) << slack.errors().front();
}

TEST(SocketMode, TheAppTokenGoesOnlyInTheHeaderAndABadOneIsRetriedWithBackoff) {
  slack::fake::FakeSlack::Options fo;
  fo.socket_mode_url = "ws://127.0.0.1:1/never";
  slack::fake::FakeSlack fake(fo);
  fake.start();
  slack::SocketModeClient client({.app_token = "xapp-wrong",
                                  .api_base_url = fake.base_url(),
                                  .on_envelope = {},
                                  .reconnect_min = 20ms,
                                  .reconnect_max = 40ms});
  client.start();
  EXPECT_TRUE(eventually([&] { return fake.calls("apps.connections.open") >= 3; }));
  client.stop();
  EXPECT_EQ(client.connections(), 0);
  for (const auto& r : fake.requests()) EXPECT_EQ(r.error, "invalid_auth");
  EXPECT_THROW(slack::SocketModeClient({.app_token = ""}).start(), UserError);
}
