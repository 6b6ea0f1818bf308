// Add to Slack in a real browser (headless Chromium through ChromeDriver), against paxstats serve
// and the fake Slack: a new workspace installs paxstats, its region is made from what Slack says
// (slug from the domain, time zone from the installer), its first sync runs, 1st-F is chosen from
// a list on the admin page and the month's report goes out — with no `region set`. Slack then
// takes the token back mid-run and uninstalls the app: the run's work is held, not failed; a
// reinstall resumes it, and nothing is sent twice. The token is never stored in plain text.
#include "browser.hpp"
#include "dashboard_support.hpp"
#include "eventually.hpp"
#include "service_options.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/secret_box.hpp"
#include "paxstats/slack/app_manifest.hpp"
#include "paxstats/slack/signature.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const BusinessTime kNow = *parse_iso_time("2026-12-03T15:00:00Z");
const char* kSigningSecret = "install-test-signing-secret";

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::have_browser())
      GTEST_SKIP() << "no Chromium or ChromeDriver: scripts/bootstrap installs chromium and chromium-driver";
    log::set_level(log::Level::warn);
    mining::GeneratorOptions o;
    o.seed = 88;
    o.pax = 60;
    o.months = 2;
    o.end = "2026-11-30";
    ws = std::make_unique<test::GeneratedWorkspace>(o);
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    db::migrate_all(*conn);  // as the CLI does before it serves
    key_file = keys.path() / "secret.key";
    secrets::create_key(key_file);
    ::setenv("PAXSTATS_SECRET_KEY_FILE", key_file.c_str(), 1);
    installer = ws->truth["beatdowns"][0]["q"]["user_id"];
    firstf = ws->truth["region"]["firstf_channel"];
    slack::fake::FakeSlack::Options fo;
    fo.window = 100ms;
    fo.team_domain = "f3-testville";
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(ws->path());
    fake->add_user({installer, "installer", "Installer", "Installer", false, false, true});
    fake->sign_in_as(installer);
    fake->start();
    team = fake->options().team_id;
    const serve::Options so = test::fast_service_options(url, *fake, kSigningSecret, kNow);
    service = std::make_unique<serve::Service>(so);
    service->start();
    site = "http://127.0.0.1:" + std::to_string(service->port());
  }
  void TearDown() override {
    service.reset();
    ::unsetenv("PAXSTATS_SECRET_KEY_FILE");
  }
  std::string value(const std::string& q, const db::Params& p = {}) { return test::sql_value(*conn, q, p); }
  // A signed event from "Slack", as its Events API posts it.
  int event(const json& ev, const std::string& id) {
    const json body{{"type", "event_callback"}, {"team_id", team}, {"event_id", id}, {"event", ev}};
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    httplib::Client http("127.0.0.1", service->port());
    const auto r = http.Post("/slack/events",
                             {{"X-Slack-Request-Timestamp", ts},
                              {"X-Slack-Signature", slack::compute_signature(kSigningSecret, ts, body.dump())}},
                             body.dump(), "application/json");
    return r ? r->status : -1;
  }
  int completed_files() {
    int n = 0;
    for (const auto& f : fake->files()) n += f.completed;
    return n;
  }

  std::unique_ptr<test::GeneratedWorkspace> ws;
  test::TempDir keys, profile;
  std::filesystem::path key_file;
  std::string url, team, installer, firstf, site;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<serve::Service> service;
  const std::filesystem::path shots = std::filesystem::path(PAXSTATS_TEST_ARTIFACTS) / "install";
};

TEST_F(InstallTest, ANewWorkspaceInstallsGetsItsMonthIsHeldWhenUninstalledAndResumesOnce) {
  test::Browser b(profile.path());

  // Add to Slack: Slack's authorize page (the fake approves as the installer) and back.
  b.go(site + "/slack/install");
  ASSERT_TRUE(test::eventually([&] { return b.url().find("/r/f3_testville/admin") != std::string::npos; }, 20s))
      << b.url();
  EXPECT_EQ(fake->requested_scopes(), slack::bot_scope_list());
  const auto region = db::get_region(*conn, "f3_testville");
  EXPECT_EQ(region.team_id.value_or(""), team);
  EXPECT_EQ(region.tz, "America/Chicago");  // the installer's, from users.info
  EXPECT_TRUE(db::is_listed_admin(region, installer));
  EXPECT_NE(b.text("main").find("is in your workspace"), std::string::npos) << b.text("main");

  // The token is stored sealed: no table of the control schema holds it in plain text.
  const std::string token = fake->options().token;
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.secrets WHERE region = 'f3_testville'"), "1");
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.secrets WHERE sealed LIKE 'v1.%'"), "1");
  for (const char* table : {"secrets", "regions", "installs", "web_actions", "jobs", "web_sessions"})
    EXPECT_EQ(
        value("SELECT count(*) FROM paxstats." + std::string(table) + " t WHERE strpos(t::text, $1) > 0", {token}), "0")
        << table;

  // Its first sync runs by itself; then 1st-F is chosen from the list of its channels.
  ASSERT_TRUE(test::eventually(
      [&] { return value("SELECT string_agg(status, ',') FROM paxstats.jobs WHERE kind = 'sync'") == "done"; }, 120s))
      << value("SELECT string_agg(status || ' ' || coalesce(last_error, ''), ',') FROM paxstats.jobs");
  b.go(site + "/r/f3_testville/admin");
  ASSERT_EQ(b.run("return document.querySelectorAll('#firstf_channel option').length;").get<int>() > 3, true);
  b.run("document.getElementById('firstf_channel').value = " + json(firstf).dump() +
        "; document.querySelector('form.settings').submit(); return 0;");
  ASSERT_TRUE(test::eventually([&] { return b.url().find("done=channels_set") != std::string::npos; }, 10s));
  EXPECT_EQ(db::get_region(*conn, "f3_testville").firstf_channel.value_or(""), firstf);
  b.screenshot(shots / "admin-after-install.png");

  // The November report from the admin page's button. Slack takes the token back after three
  // files: the run stops there.
  fake->inject({.kind = slack::fake::FakeSlack::Fault::slack_error,
                .method = "files.completeUploadExternal",
                .times = 1,
                .after = 3,
                .error = "token_revoked"});
  b.run(
      "[...document.querySelectorAll('form button')].find(x => x.textContent.includes('2026-11')).click(); return 0;");
  ASSERT_TRUE(test::eventually(
      [&] { return value("SELECT status FROM paxstats.jobs WHERE kind = 'run_monthly'") == "failed"; }, 60s));
  const int before = completed_files();
  EXPECT_GE(before, 1);

  // Slack says so: app_uninstalled and tokens_revoked. The work is held (queued, not failed),
  // the token deleted, the data kept; the admin page says what happened.
  fake->revoke_token();
  EXPECT_EQ(event({{"type", "tokens_revoked"}, {"tokens", {{"oauth", json::array()}, {"bot", {"UBOT000001"}}}}},
                  "Ev-revoked"),
            200);
  EXPECT_EQ(event({{"type", "app_uninstalled"}}, "Ev-uninstalled"), 200);
  EXPECT_TRUE(db::is_held(*conn, "f3_testville"));
  EXPECT_EQ(value("SELECT status FROM paxstats.jobs WHERE kind = 'run_monthly'"), "queued");
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.secrets"), "0");
  EXPECT_NE(value("SELECT count(*) FROM f3_testville.beatdowns"), "0");
  b.go(site + "/r/f3_testville/admin");
  EXPECT_NE(b.text("main").find("tokens"), std::string::npos) << b.text("main");
  EXPECT_NE(value("SELECT count(*) FROM paxstats.web_actions WHERE action = 'tokens_revoked' AND via = 'service'"),
            "0");
  // A job queued after the held one, of a kind no handler has: once the workers have taken it (and
  // failed it), they have passed over the held run, which comes first in their order.
  db::sql::query(*conn, "INSERT INTO paxstats.jobs (kind, payload) VALUES ('probe_after_hold', '{}')");
  ASSERT_TRUE(test::eventually(
      [&] { return value("SELECT status FROM paxstats.jobs WHERE kind = 'probe_after_hold'") == "failed"; }, 20s));
  EXPECT_EQ(value("SELECT status FROM paxstats.jobs WHERE kind = 'run_monthly'"), "queued");
  EXPECT_EQ(completed_files(), before);

  // Installed again: the held run resumes and finishes, and no file goes out twice.
  b.go(site + "/slack/install");
  ASSERT_TRUE(test::eventually([&] { return b.url().find("done=reinstalled") != std::string::npos; }, 20s)) << b.url();
  EXPECT_FALSE(db::is_held(*conn, "f3_testville"));
  ASSERT_TRUE(test::eventually(
      [&] { return value("SELECT status FROM paxstats.runs WHERE kind = 'report'") == "succeeded"; }, 120s))
      << value("SELECT coalesce(error, '') FROM paxstats.runs");
  int completed = 0;
  for (const auto& f : fake->files()) {
    EXPECT_LE(f.complete_calls, 1) << f.filename;
    completed += f.completed;
  }
  EXPECT_GT(completed, before);
  EXPECT_EQ(std::to_string(completed),
            value("SELECT count(*) FROM paxstats.deliveries WHERE region = 'f3_testville' AND status = 'sent'"));
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.web_actions WHERE action = 'reinstalled'"), "1");
  b.go(site + "/r/f3_testville/admin");
  b.screenshot(shots / "admin-after-reinstall.png");
}

}  // namespace
