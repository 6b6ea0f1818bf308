// The dashboard in a real browser: headless Chromium driven through ChromeDriver (W3C WebDriver
// over HTTP), against paxstats serve and the fake Slack. Signs in through the fake, visits each
// page kind, checks figures in the DOM against the database, clicks an admin button, finds no
// JavaScript error in the console, and is refused as a visitor from another workspace.
// Screenshots go to test-artifacts/dashboard/.

#include "browser.hpp"
#include "dashboard_support.hpp"
#include "eventually.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/report_queries.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

using test::Browser;
using test::kChromium;
using test::kDriver;

const BusinessTime kNow = *parse_iso_time("2026-12-01T18:00:00Z");

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kDriver) || !std::filesystem::exists(kChromium))
      GTEST_SKIP() << "no Chromium or ChromeDriver: scripts/bootstrap installs chromium and chromium-driver";
    log::set_level(log::Level::warn);
    mining::GeneratorOptions o;
    o.seed = 21;
    o.pax = 80;  // two hostile names, <script> among them
    o.months = 2;
    o.end = "2026-11-30";
    ws = std::make_unique<test::GeneratedWorkspace>(o);
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    team = ws->truth["region"]["team_id"];
    db::add_region(*conn, "stl", "F3 St. Louis", "America/Chicago");
    mining::import_export(*conn, "stl", ws->path());
    names = test::display_names(ws->path());
    admin = ws->truth["beatdowns"][0]["q"]["user_id"];
    db::set_region(*conn, "stl",
                   {{"team_id", team},
                    {"firstf_channel", ws->truth["region"]["firstf_channel"].get<std::string>()},
                    {"token_env", "PAXSTATS_TOKEN_BROWSER_TEST"},
                    {"dashboard", "members"}});
    slack::fake::FakeSlack::Options fo;
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(ws->path());
    fake->add_user({admin, "admin", names[admin], names[admin], false, false, true});
    fake->start();
    ::setenv("PAXSTATS_TOKEN_BROWSER_TEST", fo.token.c_str(), 1);
    serve::Options so;
    so.database_url = url;
    so.port = 0;
    so.signing_secret = "browser-test-secret";
    so.slack_base_url = fake->base_url();
    so.scheduler = false;
    so.client_id = fo.client_id;
    so.client_secret = fo.client_secret;
    so.business_now = fixed_business_clock(kNow);
    service = std::make_unique<serve::Service>(so);
    service->start();
    site = "http://127.0.0.1:" + std::to_string(service->port());
  }
  std::string count(const std::string& q, const db::Params& p = {}) { return test::sql_value(*conn, q, p); }

  std::unique_ptr<test::GeneratedWorkspace> ws;
  std::string url, team, admin, site;
  std::map<std::string, std::string> names;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<serve::Service> service;
  test::TempDir profile;
  const std::filesystem::path shots = std::filesystem::path(PAXSTATS_TEST_ARTIFACTS) / "dashboard";
};

TEST_F(BrowserTest, SignInVisitEveryPageActAndBeRefusedElsewhere) {
  Browser b(profile.path());
  // Sign in through the fake: the members-only region sends the browser to /login, Slack's
  // (fake) authorize page, the callback, and back to the page asked for.
  fake->sign_in_as(admin, team);
  b.go(site + "/r/stl");
  EXPECT_EQ(b.url(), site + "/r/stl");
  EXPECT_EQ(b.text("h1"), "F3 St. Louis");
  EXPECT_EQ(b.figure("Beatdowns"),
            count("SELECT count(*) FROM stl.counted_beatdowns WHERE bd_date BETWEEN '2026-01-01' AND '2026-12-31'"));
  EXPECT_EQ(b.figure("FNGs"), count("SELECT sum(fng_count) FROM stl.counted_beatdowns WHERE bd_date BETWEEN "
                                    "'2026-01-01' AND '2026-12-31'"));
  EXPECT_GE(b.run("return document.querySelectorAll('figure.chart svg').length;").get<int>(), 5);
  b.screenshot(shots / "region.png");

  const auto ao = db::report::Reader(*conn, "stl").aos().front().first;
  b.go(site + "/r/stl/ao/" + ao + "?period=all");
  EXPECT_EQ(b.figure("Beatdowns"), count("SELECT count(*) FROM stl.counted_beatdowns WHERE ao_channel_id = $1", {ao}));
  EXPECT_GE(b.run("return document.querySelectorAll('figure.chart svg').length;").get<int>(), 1)
      << "all time charts the latest whole month";
  // Sorting a table by clicking its header (the page's script) works without an error.
  b.click("#t-top th.n");
  b.screenshot(shots / "ao.png");

  // The hostile name renders as text: the heading is the name itself, no script ran.
  std::string hostile;
  for (const auto& [id, name] : names)
    if (name.find("<script>") != std::string::npos) hostile = id;
  ASSERT_FALSE(hostile.empty());
  b.go(site + "/r/stl/pax/" + hostile);
  EXPECT_EQ(b.text("h1"), names[hostile]);
  EXPECT_EQ(b.figure("Posts"), count("SELECT count(*) FROM stl.posts WHERE person = $1", {hostile}));
  b.screenshot(shots / "pax-hostile.png");
  b.go(site + "/r/stl/pax/" + admin);
  EXPECT_EQ(b.figure("Posts"), count("SELECT count(*) FROM stl.posts WHERE person = $1", {admin}));
  b.screenshot(shots / "pax.png");

  b.go(site + "/r/stl/community");
  EXPECT_EQ(b.text("h1"), "Community");
  b.screenshot(shots / "community.png");
  b.go(site + "/r/stl/kotter");
  EXPECT_EQ(b.text("h1"), "Kotter");
  b.screenshot(shots / "kotter.png");
  b.go(site + "/r/stl/search?q=" + names[admin].substr(0, 2));
  b.screenshot(shots / "search.png");

  // An admin action: confirm the first typed name paxstats matched.
  b.go(site + "/r/stl/admin");
  b.screenshot(shots / "admin.png");
  const std::string typed = b.run(
                                 "var f = Array.from(document.querySelectorAll('#t-aliases form')).find(function (f) {"
                                 " return f.querySelector('button').textContent === 'Confirm'; });"
                                 " if (!f) return ''; f.setAttribute('id', 'confirm-me');"
                                 " return f.querySelector('input[name=typed]').value;")
                                .get<std::string>();
  ASSERT_FALSE(typed.empty()) << "the admin page lists a typed name to confirm";
  b.click("#confirm-me button");
  // The click returns once the form is submitted; the redirect that follows may still be on its
  // way (seen on a loaded machine): wait for it, then read the page.
  test::eventually([&] { return b.url() == site + "/r/stl/admin?done=alias_confirmed"; }, 10s);
  EXPECT_EQ(b.url(), site + "/r/stl/admin?done=alias_confirmed") << b.text("h1");
  EXPECT_EQ(b.text("p.ok"), "The name is that person now.");
  bool confirmed = false;
  for (const auto& a : db::list_aliases(*conn, "stl"))
    confirmed = confirmed || (a.typed == typed && a.rule == db::AliasRule::confirmed);
  EXPECT_TRUE(confirmed) << typed;
  b.screenshot(shots / "admin-after.png");

  const auto errors = b.errors();
  EXPECT_TRUE(errors.empty()) << errors.front();

  // Someone from another workspace signs in: the region is not theirs.
  b.clear_cookies();
  fake->sign_in_as("UOTHER0001", "T0OTHER0001");
  b.go(site + "/r/stl");
  EXPECT_EQ(b.text("h1"), "Not for you");
  EXPECT_NE(b.text("p.notice").find("for members of its Slack workspace"), std::string::npos);
  EXPECT_EQ(b.run("return document.body.textContent.indexOf('Beatdowns');").get<int>(), -1);
  b.screenshot(shots / "other-workspace.png");
}

// Issue 29: on a phone (390 px wide) no page is wider than the screen: charts scale to the width,
// small multiples reflow, wide tables scroll inside their own box.
TEST_F(BrowserTest, OnAPhoneNoPageIsWiderThanTheScreen) {
  Browser b(profile.path());
  b.s("POST", "/window/rect", {{"width", 390}, {"height", 844}});
  fake->sign_in_as(admin, team);
  b.go(site + "/r/stl");
  ASSERT_EQ(b.url(), site + "/r/stl");
  ASSERT_EQ(b.run("return window.innerWidth;").get<int>(), 390);
  const auto ao = db::report::Reader(*conn, "stl").aos().front().first;
  for (const auto& [page, name] : std::vector<std::pair<std::string, std::string>>{{"/r/stl", "region"},
                                                                                   {"/r/stl?period=all", "region-all"},
                                                                                   {"/r/stl/ao/" + ao, "ao"},
                                                                                   {"/r/stl/pax/" + admin, "pax"},
                                                                                   {"/r/stl/community", "community"},
                                                                                   {"/r/stl/kotter", "kotter"},
                                                                                   {"/r/stl/admin", "admin"},
                                                                                   {"/r/stl/search?q=a", "search"}}) {
    b.go(site + page);
    EXPECT_LE(b.run("return document.documentElement.scrollWidth;").get<int>(), 390) << page;
    // What sticks out, named, when something does.
    const auto wide = b.run(
        "return Array.from(document.querySelectorAll('body *')).filter(function (e) {"
        " var r = e.getBoundingClientRect(); if (r.right <= 391) return false;"
        " for (var p = e.parentElement; p; p = p.parentElement) {"
        "   var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return false; "
        "}"
        " return true; }).slice(0, 5).map(function (e) { return e.tagName + '.' + e.className + ' ' +"
        " Math.round(e.getBoundingClientRect().right); });");
    EXPECT_TRUE(wide.empty()) << page << ": " << wide.dump();
    b.screenshot(shots / ("phone-" + name + ".png"));
  }
  const auto errors = b.errors();
  EXPECT_TRUE(errors.empty()) << errors.front();
}

}  // namespace
