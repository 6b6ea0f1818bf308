// The dashboard in a real browser: headless Chromium driven through ChromeDriver (W3C WebDriver
// over HTTP), against paxstats serve and the fake Slack. Signs in through the fake, visits each
// page kind, checks figures in the DOM against the database, clicks an admin button, finds no
// JavaScript error in the console, and is refused as a visitor from another workspace.
// Screenshots go to test-artifacts/dashboard/.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dashboard_support.hpp"
#include "eventually.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/report_queries.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const BusinessTime kNow = *parse_iso_time("2026-12-01T18:00:00Z");
const char* kDriver = "/usr/bin/chromedriver";
const char* kChromium = "/usr/bin/chromium";

std::string base64_decode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '+')
      d = 62;
    else if (c == '/')
      d = 63;
    else
      continue;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A port nobody listens on now (the kernel's choice, closed again for ChromeDriver to take).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  close(fd);
  return ntohs(a.sin_port);
}

// ChromeDriver as a child process, and one browser session through it.
class Browser {
 public:
  Browser(const std::filesystem::path& profile) : port_(free_port()) {
    pid_ = fork();
    if (pid_ == 0) {
      // Chromium keeps the wall clock even when the tests run under faketime.
      ::unsetenv("LD_PRELOAD");
      ::unsetenv("FAKETIME");
      const std::string arg = "--port=" + std::to_string(port_);
      execl(kDriver, kDriver, arg.c_str(), "--log-level=SEVERE", static_cast<char*>(nullptr));
      _exit(127);
    }
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    http_->set_read_timeout(120, 0);
    const bool up = test::eventually(
        [&] { return waitpid(pid_, nullptr, WNOHANG) != 0 || static_cast<bool>(http_->Get("/status")); }, 20s);
    if (!up || waitpid(pid_, nullptr, WNOHANG) != 0) throw std::runtime_error("chromedriver did not start");
    json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions",
                      {{"binary", kChromium},
                       {"args",
                        {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1300,1800", "--hide-scrollbars", "--user-data-dir=" + profile.string()}}}},
                     {"goog:loggingPrefs", {{"browser", "ALL"}}}}}}}};
    const json r = call("POST", "/session", caps);
    session_ = r["value"]["sessionId"];
  }
  ~Browser() {
    if (!session_.empty()) http_->Delete(("/session/" + session_).c_str());
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  json call(const std::string& method, const std::string& path, const json& body = json::object()) {
    httplib::Result r = method == "GET"      ? http_->Get(path.c_str())
                        : method == "DELETE" ? http_->Delete(path.c_str())
                                             : http_->Post(path.c_str(), body.dump(), "application/json");
    if (!r) throw std::runtime_error("chromedriver " + path + ": no answer");
    json j = json::parse(r->body, nullptr, false);
    if (r->status != 200) throw std::runtime_error("chromedriver " + path + ": " + r->body.substr(0, 400));
    return j;
  }
  json s(const std::string& method, const std::string& path, const json& body = json::object()) {
    return call(method, "/session/" + session_ + path, body);
  }
  void go(const std::string& url) { s("POST", "/url", {{"url", url}}); }
  std::string url() { return s("GET", "/url")["value"]; }
  json run(const std::string& script) {
    return s("POST", "/execute/sync", {{"script", script}, {"args", json::array()}})["value"];
  }
  std::string text(const std::string& css) {
    return run("var e = document.querySelector(" + json(css).dump() + "); return e ? e.textContent : null;")
        .get<std::string>();
  }
  std::string figure(const std::string& label) { return text("[data-figure=" + json(label).dump() + "] .value"); }
  void click(const std::string& css) {
    const json e = s("POST", "/element", {{"using", "css selector"}, {"value", css}})["value"];
    s("POST", "/element/" + e.begin().value().get<std::string>() + "/click");
  }
  void screenshot(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << base64_decode(s("GET", "/screenshot")["value"].get<std::string>());
  }
  // Console messages at SEVERE (JavaScript errors, failed loads) since the last call.
  std::vector<std::string> errors() {
    std::vector<std::string> out;
    for (const auto& e : s("POST", "/se/log", {{"type", "browser"}})["value"])
      if (e.value("level", "") == "SEVERE") out.push_back(e.value("message", ""));
    return out;
  }
  void clear_cookies() { s("DELETE", "/cookie"); }

 private:
  int port_;
  pid_t pid_ = -1;
  std::unique_ptr<httplib::Client> http_;
  std::string session_;
};

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

  const auto ao = db::report::aos(*conn, "stl").front().first;
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
  const auto ao = db::report::aos(*conn, "stl").front().first;
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
