// The service over Socket Mode: events mined and commands answered through the socket.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "../mining/truth_support.hpp"
#include "../slack/socket_server.hpp"
#include "eventually.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "postgres_env.hpp"
#include "service.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;
using paxstats::test::eventually;
using paxstats::test::hello;
using paxstats::test::SlackSocket;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

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
  const std::string text =
      "Backblast: Socket\nDate: 2026-11-06\nAO: <#" + ao + ">\nQ: <@" + q + ">\nPAX: <@" + q + ">\nCount: 1";
  json reply;  // written by the socket's thread, read once `replied` is set
  std::atomic<bool> replied{false};
  SlackSocket slack({[&](SlackSocket::Ws& s) {
    SlackSocket::send(s, hello());
    SlackSocket::send(s, {{"envelope_id", "e1"},
                          {"type", "events_api"},
                          {"payload",
                           {{"type", "event_callback"},
                            {"team_id", team},
                            {"event_id", "EvS1"},
                            {"event",
                             {{"type", "message"},
                              {"channel", ao},
                              {"user", q},
                              {"text", text},
                              {"ts", "1793001000.000100"},
                              {"channel_type", "channel"}}}}}});
    SlackSocket::receive(s);
    SlackSocket::send(s, {{"envelope_id", "e2"},
                          {"type", "slash_commands"},
                          {"accepts_response_payload", true},
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
  EXPECT_TRUE(eventually(
      [&] { return db::sql::value(conn, "SELECT count(*) FROM r.beatdowns WHERE ts = '1793001000.000100'") == "1"; }));
  EXPECT_TRUE(eventually([&] { return replied.load(); }));
  service.stop();
  EXPECT_EQ(reply["envelope_id"], "e2");
  EXPECT_NE(reply["payload"]["text"].get<std::string>().find("/paxstats me"), std::string::npos) << reply.dump();
  EXPECT_EQ(reply["payload"]["response_type"], "ephemeral");
  EXPECT_EQ(service.socket_mode_connections(), 1);
}
