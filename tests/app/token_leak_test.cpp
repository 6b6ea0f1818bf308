// Issue 29, item 6: a known bot token, app token, signing secret and client secret go into a
// whole run of paxstats (sync, the monthly report to a folder and to Slack, deliver, "stats",
// the static dashboard, the dataset export, `slack whoami`, failures of each kind, and `serve`
// with its /healthz, /metrics and dashboard pages, logging at debug level). Then everything the
// run wrote or printed is read: its output and log, every file under its home and output folders
// (PostgreSQL's own log among them), the pages and metrics served, and every message and file
// the fake Slack received. None of the secrets may appear anywhere.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "../mining/truth_support.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "command.hpp"
#include "postgres_env.hpp"
#include "serve_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Distinctive values: a leak of any of them is a match of its whole text.
const std::string kBotToken = "xoxb-1111LEAKCHECK-2222-SeCrEtBoTtOkEnValue";
const std::string kWrongToken = "xoxb-9999LEAKCHECK-WRONG-NotTheRightToken";
const std::string kSigningSecret = "leakcheck0signing0secret0abcdef01";
const std::string kClientSecret = "leakcheck-client-secret-0042";
const std::vector<std::string> kSecrets = {kBotToken, kWrongToken, kSigningSecret, kClientSecret,
                                           // the part of a token after its prefix, in case one is shown cut
                                           "LEAKCHECK-2222", "LEAKCHECK-WRONG"};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TokenLeak : public ::testing::Test {
 protected:
  void SetUp() override {
    paxstats::mining::GeneratorOptions o;
    o.seed = 29;
    o.pax = 40;
    o.months = 2;
    ws = std::make_unique<paxstats::test::GeneratedWorkspace>(o);
    paxstats::slack::fake::FakeSlack::Options fo;
    fo.token = kBotToken;
    fo.client_secret = kClientSecret;
    fo.window = 100ms;
    fake = std::make_unique<paxstats::slack::fake::FakeSlack>(fo);
    fake->load_export(ws->path());
    fake->start();
    url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  }
  void TearDown() override { fake.reset(); }

  // The environment every command of the run has: secrets set, logging at debug level.
  std::string env(const std::string& token) const {
    return "env DATABASE_URL='" + url + "' PAXSTATS_HOME='" + home.path().string() +
           "' PAXSTATS_LOG_LEVEL=debug PAXSTATS_SLACK_WINDOW_MS=100 PAXSTATS_NOW=2026-11-15T18:00:00Z "
           "SLACK_API_BASE_URL='" +
           fake->base_url() + "' PAXSTATS_TOKEN_LEAK='" + token + "' SLACK_BOT_TOKEN='" + token +
           "' SLACK_SIGNING_SECRET='" + kSigningSecret + "' SLACK_CLIENT_ID=fake-client-id SLACK_CLIENT_SECRET='" +
           kClientSecret + "'";
  }
  paxstats::test::CommandResult run(const std::string& args, const std::string& token = kBotToken) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = paxstats::test::run_command(env(token) + " '" PAXSTATS_BIN "' " + args);
    printed += "$ paxstats " + args + "\n" + r.output;
    std::cerr << args << ": " << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    return r;
  }

  std::unique_ptr<paxstats::test::GeneratedWorkspace> ws;
  std::unique_ptr<paxstats::slack::fake::FakeSlack> fake;
  std::string url;
  paxstats::test::TempDir home, out;
  std::string printed;  // everything every command printed
};

}  // namespace

TEST_F(TokenLeak, NoSecretAppearsInAnythingARunWritesOrPrints) {
  const std::string firstf = ws->truth["region"]["firstf_channel"];
  const std::string team = ws->truth["region"]["team_id"];
  ASSERT_EQ(run("region add r --name 'F3 Leak' --tz America/Chicago").status, 0) << printed;
  ASSERT_EQ(run("region set r token_env=PAXSTATS_TOKEN_LEAK firstf_channel=" + firstf + " team_id=" + team +
                " dashboard=public")
                .status,
            0)
      << printed;

  // The run, as a region's admin goes through it.
  auto sync = run("sync --region r");
  ASSERT_EQ(sync.status, 0) << sync.output;
  EXPECT_EQ(run("report monthly --region r --month 2026-10 --outbox '" + (out.path() / "outbox").string() + "'").status,
            0)
      << printed;
  EXPECT_EQ(run("report monthly --region r --month 2026-10").status, 0) << printed;
  EXPECT_EQ(run("deliver --region r").status, 0) << printed;
  const std::string someone = ws->truth["beatdowns"][0]["q"].value("user_id", "");
  if (!someone.empty()) {
    EXPECT_EQ(run("stats --region r --user " + someone + " --send").status, 0) << printed;
  }
  EXPECT_EQ(run("dashboard export --region r --out '" + (out.path() / "site").string() + "'").status, 0) << printed;
  EXPECT_EQ(run("export --region r --out '" + (out.path() / "dataset").string() + "'").status, 0) << printed;
  EXPECT_EQ(run("slack whoami").status, 0) << printed;
  // Failures, whose messages are the likeliest place for a token: Slack refusing it, Slack
  // unreachable, a value that is no bot token.
  EXPECT_EQ(run("sync --region r", kWrongToken).status, 2) << printed;
  EXPECT_EQ(run("slack whoami", kWrongToken).status, 2) << printed;
  EXPECT_EQ(paxstats::test::run_command(env(kBotToken) + " SLACK_API_BASE_URL=http://127.0.0.1:9 '" PAXSTATS_BIN
                                                         "' sync --region r")
                .status,
            2);
  EXPECT_EQ(run("sync --region r", "not-a-token " + kWrongToken).status, 2) << printed;

  // The service: health, metrics and pages, then a clean stop.
  const fs::path serve_log = out.path() / "serve.log";
  std::string served;
  {
    // Add to Slack runs through it too: the token comes from oauth.v2.access and is stored sealed.
    const fs::path key = home.path() / "secret.key";
    ASSERT_EQ(run("key create '" + key.string() + "'").status, 0) << printed;
    fake->sign_in_as(someone.empty() ? std::string(ws->truth["beatdowns"][1]["q"]["user_id"]) : someone);
    paxstats::test::ServeProcess serve(
        PAXSTATS_BIN, env(kBotToken) + " PAXSTATS_SECRET_KEY_FILE='" + key.string() + "'", "--no-scheduler", serve_log);
    ASSERT_TRUE(serve.up()) << read_file(serve_log);
    httplib::Client http("127.0.0.1", serve.port());
    {
      auto begin = http.Get("/slack/install");
      ASSERT_TRUE(begin && begin->status == 302);
      const std::string cookie =
          begin->get_header_value("Set-Cookie").substr(0, begin->get_header_value("Set-Cookie").find(';'));
      const std::string at_slack = begin->get_header_value("Location");
      httplib::Client slack_site("127.0.0.1", fake->port());
      auto approved = slack_site.Get(at_slack.substr(at_slack.find('/', at_slack.find("://") + 3)).c_str());
      ASSERT_TRUE(approved && approved->status == 302);
      const std::string back = approved->get_header_value("Location");
      auto done = http.Get(back.substr(back.find('/', back.find("://") + 3)).c_str(), {{"Cookie", cookie}});
      ASSERT_TRUE(done && done->status == 303) << (done ? done->body : "no answer");
      served += "/slack/oauth/callback\n" + done->body + "\n";
      for (const auto& [k, v] : done->headers) served += k + ": " + v + "\n";
      // The CLI's region, linked; a member who installs it is no admin of it for that.
      EXPECT_EQ(done->get_header_value("Location"), "/r/r");
    }
    for (const std::string& path :
         std::vector<std::string>{"/healthz", "/metrics", "/", "/r/r", "/r/r/community", "/r/r/ao/" + firstf, "/login",
                                  "/r/r/admin", "/r/r/kotter", "/auth/slack/callback?code=x&state=y"})
      if (auto r = http.Get(path)) {
        served += path + "\n" + r->body + "\n";
        for (const auto& [k, v] : r->headers) served += k + ": " + v + "\n";
      }
    EXPECT_EQ(serve.stop().first, 0) << read_file(serve_log);
  }

  // The run did reach Slack with the token: what follows is no vacuous pass.
  int completed = 0;
  std::string slack_side;
  for (const auto& f : fake->files()) {
    completed += f.completed;
    slack_side += f.title + f.alt_txt + f.initial_comment + f.bytes;
  }
  EXPECT_GT(completed, 5);
  // Every parameter of every call (a token belongs in the Authorization header only).
  for (const auto& r : fake->requests())
    for (const auto& [k, v] : r.params) slack_side += k + "=" + v + "\n";
  EXPECT_NE(served.find("paxstats_http_requests_total"), std::string::npos) << served;

  // Everything written: the home (the private state, logs), the outbox, the site, the dataset.
  std::vector<std::pair<std::string, std::string>> written;
  for (const fs::path& root : {home.path(), out.path()})
    for (const auto& e : fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied))
      if (e.is_regular_file()) written.emplace_back(e.path().string(), read_file(e.path()));
  EXPECT_GT(written.size(), 50u);
  written.emplace_back("what the commands printed", printed);
  written.emplace_back("what serve served", served);
  written.emplace_back("what Slack received", slack_side);
  for (const auto& [where, text] : written)
    for (const auto& secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << where;
}
