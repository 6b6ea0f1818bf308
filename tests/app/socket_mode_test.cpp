// Socket Mode against a local WebSocket server that speaks Slack's side: hello, envelopes that
// must be acked (with a slash command's reply), and "disconnect" asking for a new connection.
#include <gtest/gtest.h>

#include <atomic>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>
#include <thread>

#include "../mining/truth_support.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"
#include "paxstats/slack/socket_mode.hpp"
#include "service.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;
using paxstats::test::eventually;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Slack's end of Socket Mode: each accepted connection runs the next script.
class SlackSocket {
 public:
  using Ws = websocket::stream<tcp::socket>;
  using Script = std::function<void(Ws&)>;
  explicit SlackSocket(std::vector<Script> scripts) : scripts_(std::move(scripts)) {
    thread_ = std::thread([this] {
      for (auto& script : scripts_) {
        tcp::socket s(ioc_);
        beast::error_code ec;
        acceptor_.accept(s, ec);
        if (ec) return;
        Ws ws(std::move(s));
        try {
          ws.accept();
          script(ws);
        } catch (const std::exception& e) {
          std::lock_guard lock(mu_);
          errors_.push_back(e.what());
        }
      }
    });
  }
  ~SlackSocket() {
    beast::error_code ec;
    acceptor_.close(ec);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/link/?ticket=t"; }
  std::vector<std::string> errors() {
    std::lock_guard lock(mu_);
    return errors_;
  }
  static void send(Ws& ws, const json& j) {
    ws.text(true);
    ws.write(asio::buffer(j.dump()));
  }
  static json receive(Ws& ws) {
    beast::flat_buffer b;
    ws.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<Script> scripts_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> errors_;
};

json hello() { return {{"type", "hello"}, {"num_connections", 1}, {"connection_info", {{"app_id", "A0FAKE"}}}}; }

}  // namespace

TEST(SocketMode, AcksEveryEnvelopeRepliesToCommandsAndReconnectsWhenAsked) {
  json first_ack, command_ack, second_ack;  // written by the socket's thread, read once `acked` is set
  std::atomic<bool> acked{false};
  SlackSocket slack({
      [&](SlackSocket::Ws& ws) {
        SlackSocket::send(ws, hello());
        SlackSocket::send(ws, {{"envelope_id", "env-1"}, {"type", "events_api"}, {"accepts_response_payload", false},
                               {"payload", {{"type", "event_callback"}, {"event_id", "Ev1"}}}});
        first_ack = SlackSocket::receive(ws);
        SlackSocket::send(ws, {{"envelope_id", "env-2"}, {"type", "slash_commands"}, {"accepts_response_payload", true},
                               {"payload", {{"command", "/paxstats"}, {"text", "help"}}}});
        command_ack = SlackSocket::receive(ws);
        SlackSocket::send(ws, {{"type", "disconnect"}, {"reason", "refresh_requested"}});
        beast::error_code ec;
        beast::flat_buffer b;
        ws.read(b, ec);  // the client closes
      },
      [&](SlackSocket::Ws& ws) {
        SlackSocket::send(ws, hello());
        SlackSocket::send(ws, {{"envelope_id", "env-3"}, {"type", "events_api"}, {"retry_attempt", 1},
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
  slack::SocketModeClient client({.app_token = fo.app_token, .api_base_url = fake.base_url(),
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
  slack::SocketModeClient client({.app_token = "xapp-wrong", .api_base_url = fake.base_url(), .on_envelope = {},
                                  .reconnect_min = 20ms, .reconnect_max = 40ms});
  client.start();
  EXPECT_TRUE(eventually([&] { return fake.calls("apps.connections.open") >= 3; }));
  client.stop();
  EXPECT_EQ(client.connections(), 0);
  for (const auto& r : fake.requests()) EXPECT_EQ(r.error, "invalid_auth");
  EXPECT_THROW(slack::SocketModeClient({.app_token = ""}).start(), UserError);
}

TEST(SocketMode, TheServiceMinesEventsAndAnswersCommandsOverTheSocket) {
  log::set_level(log::Level::warn);
  mining::GeneratorOptions g;
  g.seed = 5;
  g.pax = 30;
  g.months = 1;
  test::GeneratedWorkspace ws(g);
  const std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database conn(url);
  const std::string team = ws.truth["region"]["team_id"];
  db::add_region(conn, "r", "F3 Test", "America/Chicago");
  mining::import_export(conn, "r", ws.path());
  db::set_region(conn, "r", {{"team_id", team}});
  const json& b = ws.truth["beatdowns"].back();
  const std::string ao = b["ao"], q = b["q"].value("user_id", "U0NOBODY01");
  const std::string text = "Backblast: Socket\nDate: 2026-11-06\nAO: <#" + ao + ">\nQ: <@" + q + ">\nPAX: <@" + q + ">\nCount: 1";
  json reply;  // written by the socket's thread, read once `replied` is set
  std::atomic<bool> replied{false};
  SlackSocket slack({[&](SlackSocket::Ws& s) {
    SlackSocket::send(s, hello());
    SlackSocket::send(s, {{"envelope_id", "e1"}, {"type", "events_api"},
                          {"payload", {{"type", "event_callback"}, {"team_id", team}, {"event_id", "EvS1"},
                                       {"event", {{"type", "message"}, {"channel", ao}, {"user", q}, {"text", text},
                                                  {"ts", "1793001000.000100"}, {"channel_type", "channel"}}}}}});
    SlackSocket::receive(s);
    SlackSocket::send(s, {{"envelope_id", "e2"}, {"type", "slash_commands"}, {"accepts_response_payload", true},
                          {"payload", {{"team_id", team}, {"user_id", q}, {"channel_id", ao}, {"text", "nonsense"}}}});
    reply = SlackSocket::receive(s);
    replied = true;
    beast::error_code ec;
    beast::flat_buffer buf;
    s.read(buf, ec);
  }});
  slack::fake::FakeSlack::Options fo;
  fo.socket_mode_url = slack.url();
  slack::fake::FakeSlack fake(fo);
  fake.start();
  serve::Options so;
  so.database_url = url;
  so.port = 0;
  so.signing_secret = "unused-here";
  so.app_token = fo.app_token;
  so.slack_base_url = fake.base_url();
  so.scheduler = false;
  so.worker_idle = 20ms;
  serve::Service service(so);
  service.start();
  EXPECT_TRUE(eventually([&] {
    return db::sql::value(conn, "SELECT count(*) FROM r.beatdowns WHERE ts = '1793001000.000100'") == "1";
  }));
  EXPECT_TRUE(eventually([&] { return replied.load(); }));
  service.stop();
  EXPECT_EQ(reply["envelope_id"], "e2");
  EXPECT_NE(reply["payload"]["text"].get<std::string>().find("/paxstats me"), std::string::npos) << reply.dump();
  EXPECT_EQ(reply["payload"]["response_type"], "ephemeral");
  EXPECT_EQ(service.socket_mode_connections(), 1);
}
