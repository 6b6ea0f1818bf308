// The dashboard over HTTP, end to end: paxstats serve with the dashboard on, a generated region
// in PostgreSQL, Sign in with Slack through the fake's OpenID endpoints. Pages against the
// database; ETags; access (public, members, admins, another workspace); and the attacks the
// issue names: forged and replayed state, open redirects through next, session fixation, XSS
// with every hostile generated name, CSRF, region isolation by URL.
#include <regex>

#include "dashboard_support.hpp"
#include "periods.hpp"
#include "eventually.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "site.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/web/dashboard.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using paxstats::test::figure;
using paxstats::test::path_of;
using paxstats::test::Visitor;

namespace {

// Business time: the first of December 2026, the day after the generated region ends.
const BusinessTime kNow = *parse_iso_time("2026-12-01T18:00:00Z");
const char* kOtherTeam = "T0OTHER0001";

class Dashboard : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log::set_level(log::Level::warn);
    mining::GeneratorOptions o;
    o.seed = 16;
    o.pax = 320;  // 320 / 40: every one of the generator's eight hostile names is someone's
    o.months = 2;
    o.end = "2026-11-30";
    ws_ = new test::GeneratedWorkspace(o);
    mining::GeneratorOptions small;
    small.seed = 17;
    small.pax = 30;
    small.months = 1;
    small.end = "2026-11-30";
    other_ = new test::GeneratedWorkspace(small);
  }
  static void TearDownTestSuite() {
    delete ws_;
    delete other_;
  }

  void SetUp() override {
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    team = ws_->truth["region"]["team_id"];
    db::add_region(*conn, "stl", "F3 St. Louis", "America/Chicago");
    mining::import_export(*conn, "stl", ws_->path());
    db::add_region(*conn, "other", "F3 Elsewhere", "America/Chicago");
    mining::import_export(*conn, "other", other_->path());
    names = test::display_names(ws_->path());
    // The admin: a workspace admin in Slack (users.info says so), by the first beatdown's Q.
    admin = ws_->truth["beatdowns"][0]["q"]["user_id"];
    for (const auto& [id, name] : names)
      if (id != admin && member.empty()) member = id;
    db::set_region(*conn, "stl",
                   {{"team_id", team},
                    {"firstf_channel", ws_->truth["region"]["firstf_channel"].get<std::string>()},
                    {"token_env", "PAXSTATS_TOKEN_WEB_TEST"},
                    {"dashboard", "members"}});
    db::set_region(*conn, "other", {{"team_id", kOtherTeam}, {"dashboard", "members"}});

    slack::fake::FakeSlack::Options fo;
    fo.window = 100ms;
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(ws_->path());
    fake->add_user({admin, "admin", names[admin], names[admin], false, false, true});
    fake->start();
    ::setenv("PAXSTATS_TOKEN_WEB_TEST", fo.token.c_str(), 1);
    serve::Options so;
    so.database_url = url;
    so.port = 0;
    so.signing_secret = "web-test-secret";
    so.slack_base_url = fake->base_url();
    so.slack_window = 100ms;  // the run the admin test queues delivers at test speed
    so.slack_backoff = 5ms;
    so.scheduler = false;
    so.worker_idle = 20ms;
    so.dashboard_warm_every = 0ms;  // the warmer's own tests turn it on
    so.client_id = fo.client_id;
    so.client_secret = fo.client_secret;
    so.business_now = fixed_business_clock(kNow);
    service = std::make_unique<serve::Service>(so);
    service->start();
  }
  void TearDown() override { service.reset(); }

  // Signs a visitor in as `user` of `team` through /login, the fake's authorize page and the
  // callback; returns where the callback sent them.
  std::string sign_in(Visitor& v, const std::string& user, const std::string& team_id, const std::string& next) {
    fake->sign_in_as(user, team_id);
    auto login = v.get("/login?next=" + next);
    EXPECT_EQ(login->status, 302);
    httplib::Client slack("127.0.0.1", fake->port());
    auto authorize = slack.Get(path_of(login->get_header_value("Location")).c_str());
    EXPECT_EQ(authorize->status, 302) << authorize->body;
    callback_path = path_of(authorize->get_header_value("Location"));
    auto back = v.get(callback_path);
    EXPECT_EQ(back->status, 302) << back->body;
    return back->get_header_value("Location");
  }

  std::string count(const std::string& q, const db::Params& p = {}) { return test::sql_value(*conn, q, p); }

  static test::GeneratedWorkspace* ws_;
  static test::GeneratedWorkspace* other_;
  std::string url, team, admin, member, callback_path;
  std::map<std::string, std::string> names;
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<serve::Service> service;
};
test::GeneratedWorkspace* Dashboard::ws_ = nullptr;
test::GeneratedWorkspace* Dashboard::other_ = nullptr;

TEST_F(Dashboard, MembersOnlyPagesSendVisitorsToSignInAndBack) {
  Visitor v(service->port());
  auto r = v.get("/r/stl?period=2026");
  ASSERT_EQ(r->status, 302);
  // (httplib's client hands the Location header over decoded; curl shows /r/stl%3Fperiod%3D2026)
  EXPECT_EQ(r->get_header_value("Location"), "/login?next=/r/stl?period=2026");
  EXPECT_EQ(sign_in(v, member, team, "/r/stl%3Fperiod%3D2026"), "/r/stl?period=2026");
  // The session cookie: HttpOnly, SameSite=Lax, not Secure over plain http.
  r = v.get("/r/stl?period=2026");
  ASSERT_EQ(r->status, 200) << r->body;
  // The figures are the database's, through the counting views.
  EXPECT_EQ(figure(r->body, "Beatdowns"),
            count("SELECT count(*) FROM stl.counted_beatdowns WHERE bd_date BETWEEN '2026-01-01' AND '2026-12-31'"));
  EXPECT_EQ(figure(r->body, "Unique PAX"),
            count("SELECT count(DISTINCT person) FROM stl.posts WHERE bd_date BETWEEN '2026-01-01' AND '2026-12-31'"));
  EXPECT_EQ(figure(r->body, "Active PAX, last 30 days"),
            count("SELECT count(DISTINCT person) FROM stl.posts WHERE bd_date BETWEEN '2026-11-02' AND '2026-12-01'"));
  EXPECT_NE(r->body.find("<svg"), std::string::npos) << "the charts are inline SVG";
  // Issue 29: a period before 1900, or one holding a NUL or bytes that are not UTF-8, is a 400
  // that repeats it safely, never a 500.
  for (const std::string bad : {"0000-01", "0000", "1899-12", "%00abc", "20%FF6", "2026-13", "2026-Q9"}) {
    auto b = v.get("/r/stl?period=" + bad);
    EXPECT_EQ(b->status, 400) << bad << "\n" << b->body.substr(0, 300);
    EXPECT_EQ(b->body.find('\0'), std::string::npos) << bad;
    EXPECT_EQ(b->body.find("\xFF"), std::string::npos) << bad;
  }
  // Not an admin: no admin pages.
  EXPECT_EQ(v.get("/r/stl/admin")->status, 403);
  EXPECT_EQ(v.get("/r/stl/kotter")->status, 403);
  // Issue 30: a site Q reads the Kotter page his DM links to (and still no admin page).
  {
    const auto ao = db::report::Reader(*conn, "stl").aos().front().first;
    db::set_site_q(*conn, "stl", ao, member);
    EXPECT_EQ(v.get("/r/stl/kotter")->status, 200);
    EXPECT_EQ(v.get("/r/stl/admin")->status, 403);
    db::set_site_q(*conn, "stl", ao, "");
  }
  // Sign out ends the session: the same cookie is nobody's now.
  const auto cookie = v.cookies.at("pxs_session");
  // Issue 29: a link (GET) or a form from another site (no CSRF token) signs nobody out.
  auto page = v.get("/logout");
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Sign out of paxstats"), std::string::npos) << page->body;
  EXPECT_EQ(v.post("/logout", "")->status, 403);
  EXPECT_EQ(v.post("/logout", "csrf=forged")->status, 403);
  EXPECT_EQ(v.get("/r/stl?period=2026")->status, 200) << "still signed in";
  const std::string field = "name=\"csrf\" value=\"";
  const auto at = page->body.find(field) + field.size();
  const std::string csrf = page->body.substr(at, page->body.find('"', at) - at);
  EXPECT_EQ(v.post("/logout", "csrf=" + csrf)->status, 303);
  Visitor stale(service->port());
  stale.cookies["pxs_session"] = cookie;
  EXPECT_EQ(stale.get("/r/stl")->status, 302);
}

TEST_F(Dashboard, SessionCookieIsHttpOnlyLaxAndNewAtEverySignIn) {
  Visitor v(service->port());
  sign_in(v, member, team, "/");
  const std::string first = v.cookies.at("pxs_session");
  // Session fixation: whatever id the browser brings, signing in gives a new one, and the
  // old one ends.
  sign_in(v, member, team, "/");
  const std::string second = v.cookies.at("pxs_session");
  EXPECT_NE(first, second);
  Visitor attacker(service->port());
  attacker.cookies["pxs_session"] = first;
  EXPECT_EQ(attacker.get("/r/stl")->status, 302) << "the id from before sign-in must not be a session";
  // An id an attacker planted (not one paxstats gave out) is never adopted either.
  Visitor planted(service->port());
  planted.cookies["pxs_session"] = std::string(64, 'a');
  EXPECT_EQ(sign_in(planted, member, team, "/"), "/");
  EXPECT_NE(planted.cookies.at("pxs_session"), std::string(64, 'a'));
  // The cookie's attributes.
  fake->sign_in_as(member, team);
  Visitor w(service->port());
  auto login = w.get("/login?next=/");
  httplib::Client slack("127.0.0.1", fake->port());
  auto authorize = slack.Get(path_of(login->get_header_value("Location")).c_str());
  auto back = w.get(path_of(authorize->get_header_value("Location")));
  std::string set_cookie;
  for (const auto& [k, val] : back->headers)
    if (k == "Set-Cookie" && val.rfind("pxs_session=", 0) == 0) set_cookie = val;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain http here: " << set_cookie;
  EXPECT_NE(set_cookie.find("Max-Age=43200"), std::string::npos) << set_cookie;
}

TEST_F(Dashboard, ForgedOrReplayedStateIsRefused) {
  Visitor v(service->port());
  sign_in(v, member, team, "/");
  // Replayed: the same callback (code and state) again, with the same login cookie.
  Visitor replay(service->port());
  const auto state_start = callback_path.find("state=") + 6;
  replay.cookies["pxs_login"] = callback_path.substr(state_start, 64);
  auto r = replay.get(callback_path);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(replay.cookies.find("pxs_session") == replay.cookies.end());
  // Forged: a state paxstats never gave out, even with a matching cookie.
  Visitor forged(service->port());
  const std::string state(64, 'f');
  forged.cookies["pxs_login"] = state;
  r = forged.get("/auth/slack/callback?code=code-1-" + member + "&state=" + state);
  EXPECT_EQ(r->status, 400);
  // A real state, but from another browser (no login cookie: login CSRF).
  fake->sign_in_as(member, team);
  Visitor victim(service->port()), thief(service->port());
  auto login = thief.get("/login?next=/");
  httplib::Client slack("127.0.0.1", fake->port());
  auto authorize = slack.Get(path_of(login->get_header_value("Location")).c_str());
  r = victim.get(path_of(authorize->get_header_value("Location")));
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(victim.cookies.find("pxs_session") == victim.cookies.end());
}

TEST_F(Dashboard, NextIsOnlyEverALocalPath) {
  for (const std::string evil : {"//evil.example/x", "https://evil.example/", "/%5Cevil.example", "%2F%2Fevil.example",
                                 "/%09/evil.example", "javascript:alert(1)"}) {
    Visitor v(service->port());
    EXPECT_EQ(sign_in(v, member, team, evil), "/") << evil;
  }
  Visitor v(service->port());
  EXPECT_EQ(sign_in(v, member, team, "/r/stl/community"), "/r/stl/community");
}

TEST_F(Dashboard, AnotherWorkspaceCannotReadARegionByUrl) {
  Visitor v(service->port());
  sign_in(v, member, team, "/");
  auto own = v.get("/r/stl");
  EXPECT_EQ(own->status, 200);
  for (const std::string path : {"/r/other", "/r/other/community", "/r/other/admin", "/r/other/search?q=a"}) {
    auto r = v.get(path);
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(r->body.find("F3 Elsewhere"), std::string::npos) << path;
  }
  auto index = v.get("/");
  EXPECT_NE(index->body.find("/r/stl"), std::string::npos);
  EXPECT_EQ(index->body.find("/r/other"), std::string::npos);
  // A member of the other workspace, the other way round; an admin of theirs is not ours.
  Visitor them(service->port());
  sign_in(them, "UOTHER0001", kOtherTeam, "/");
  EXPECT_EQ(them.get("/r/other")->status, 200);
  EXPECT_EQ(them.get("/r/stl")->status, 403);
  EXPECT_EQ(them.get("/r/stl/pax/" + admin)->status, 403);
  // A region whose dashboard is off is not there at all.
  db::set_region(*conn, "other", {{"dashboard", "off"}});
  EXPECT_EQ(them.get("/r/other")->status, 404);
  EXPECT_EQ(them.get("/r/nosuch")->status, 404);
}

TEST_F(Dashboard, PublicPagesNeedNoSignInButAdminPagesDo) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  Visitor v(service->port());
  auto r = v.get("/r/stl");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=60");
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  // ETag: the same page while nothing changed, 304 on If-None-Match; a write moves it.
  const std::string etag = r->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = v.get("/r/stl", {{"If-None-Match", etag}});
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  db::sql::query(*conn, "UPDATE stl.users SET user_name = user_name || ' Jr' WHERE user_id = $1", {admin});
  auto moved = v.get("/r/stl", {{"If-None-Match", etag}});
  EXPECT_EQ(moved->status, 200);
  EXPECT_NE(moved->get_header_value("ETag"), etag);
  EXPECT_EQ(v.get("/r/stl/kotter")->status, 302);
  EXPECT_EQ(v.get("/r/stl/admin")->status, 302);
  // Every AO of the region has its page, linked from the region's.
  for (const auto& [id, name] : db::report::Reader(*conn, "stl").aos()) {
    EXPECT_NE(r->body.find("/r/stl/ao/" + id), std::string::npos) << name;
  }
  const auto ao = db::report::Reader(*conn, "stl").aos().front().first;
  auto ao_page = v.get("/r/stl/ao/" + ao + "?period=all");
  ASSERT_EQ(ao_page->status, 200);
  EXPECT_EQ(figure(ao_page->body, "Beatdowns"),
            count("SELECT count(*) FROM stl.counted_beatdowns WHERE ao_channel_id = $1", {ao}));
  EXPECT_NE(ao_page->body.find("https://slack.com/archives/"), std::string::npos) << "beatdowns link to Slack";
  // All time charts the latest whole month (November: the month under way has nothing yet); a
  // month nobody posted in says so instead of an empty heading.
  EXPECT_NE(ao_page->body.find("<figure class=\"chart\"><svg"), std::string::npos);
  const auto quiet = v.get("/r/stl/ao/" + ao + "?period=2025-01");
  ASSERT_EQ(quiet->status, 200);
  EXPECT_EQ(quiet->body.find("<figure class=\"chart\">"), std::string::npos);
  EXPECT_NE(quiet->body.find("No charts for January 2025: nobody posted at this AO that month."), std::string::npos);
  EXPECT_EQ(v.get("/r/stl/ao/CNOSUCH01")->status, 404);
  EXPECT_EQ(v.get("/r/stl/pax/UNOSUCH01")->status, 404);
  // The PAX page against the posts view.
  auto pax = v.get("/r/stl/pax/" + admin);
  ASSERT_EQ(pax->status, 200);
  EXPECT_EQ(figure(pax->body, "Posts"), count("SELECT count(*) FROM stl.posts WHERE person = $1", {admin}));
  EXPECT_EQ(figure(pax->body, "Qs"), count("SELECT count(*) FROM stl.posts WHERE person = $1 AND role = 'q'", {admin}));
  EXPECT_EQ(figure(pax->body, "Unique PAX met"),
            count("SELECT count(DISTINCT o.person) FROM stl.posts m JOIN stl.posts o USING (channel_id, ts) "
                  "WHERE m.person = $1 AND o.person <> $1",
                  {admin}));
  EXPECT_EQ(figure(pax->body, "Last seen"), count("SELECT max(bd_date) FROM stl.posts WHERE person = $1", {admin}));
  // CSV of a table.
  auto csv = v.get("/r/stl?csv=leaderboard");
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv->body.substr(0, 17), "#,PAX,Posts,AOs\r\n");
  // Search by name.
  auto found = v.get("/r/stl/search?q=" + httplib::detail::encode_query_param(names[admin].substr(0, 3)));
  EXPECT_NE(found->body.find("/r/stl/pax/" + admin), std::string::npos);
}

// Issue 29: F3 goes by F3 names. A page anyone can see (a public dashboard, the static export)
// shows no real name, finds nobody by one, and tells two PAX of one name apart by their user ids,
// until the region's public_real_names says otherwise; members signed in see real names.
TEST_F(Dashboard, PublicPagesShowF3NamesOnlyUnlessTheRegionSaysSo) {
  // Two posters who share a shown name, with real names of their own.
  const auto two = db::sql::query(*conn,
                                  "SELECT u.user_id, u.real_name FROM stl.users u WHERE u.real_name <> '' AND "
                                  "u.real_name <> u.user_name AND u.user_id IN (SELECT person FROM stl.posts) "
                                  "AND u.user_name !~ '[<>&\"'']' ORDER BY (SELECT count(*) FROM stl.posts p WHERE "
                                  "p.person = u.user_id) DESC, u.user_id LIMIT 2");
  ASSERT_EQ(two.size(), 2u);
  const std::string pax = *two[0][0], real = *two[0][1], twin = *two[1][0], twin_real = *two[1][1];
  db::sql::query(*conn, "UPDATE stl.users SET user_name = 'Twin Name' WHERE user_id IN ($1, $2)", {pax, twin});
  const std::string shown_real = test::html_escape(real);
  auto has = [](const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; };

  // Members signed in: the real name under the F3 name, and search by it.
  {
    Visitor v(service->port());
    sign_in(v, member, team, "/r/stl");
    EXPECT_TRUE(has(v.get("/r/stl/pax/" + pax)->body, shown_real));
    EXPECT_TRUE(has(v.get("/r/stl/search?q=" + httplib::detail::encode_query_param(real))->body, "/r/stl/pax/" + pax));
  }
  // Public: nothing of the real name, anywhere a visitor looks.
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  Visitor v(service->port());
  const auto page = v.get("/r/stl/pax/" + pax);
  ASSERT_EQ(page->status, 200);
  EXPECT_TRUE(has(page->body, "<h1>Twin Name</h1>"));
  EXPECT_FALSE(has(page->body, shown_real)) << "a public page shows " << real;
  const auto search = v.get("/r/stl/search?q=" + httplib::detail::encode_query_param(real));
  EXPECT_FALSE(has(search->body, "/r/stl/pax/" + pax)) << "found by a real name on a public page";
  EXPECT_FALSE(has(search->body, "Real name"));
  const auto by_name = v.get("/r/stl/search?q=Twin%20Name");
  EXPECT_TRUE(has(by_name->body, "/r/stl/pax/" + pax));
  EXPECT_TRUE(has(by_name->body, "/r/stl/pax/" + twin));
  EXPECT_FALSE(has(by_name->body, shown_real));
  int tags = 0;
  for (const auto& d : reports::page_charts(db::report::Reader(*conn, "stl"), test::ym("2026-11"),
                                            {"leaderboards", "pax_monthly"}, std::nullopt, false)
                           .deliveries) {
    const std::string spec = render::to_json(d.chart).dump();
    EXPECT_EQ(spec.find(real), std::string::npos) << d.report;
    EXPECT_EQ(spec.find(twin_real), std::string::npos) << d.report;
    // The twins are told apart by their user ids' ends, never by initials of their real names.
    static const std::regex told_apart(R"(Twin Name \(([^)]*)\))");
    for (std::sregex_iterator it(spec.begin(), spec.end(), told_apart), end; it != end; ++it) {
      const std::string tag = (*it)[1];
      EXPECT_TRUE(tag == pax.substr(pax.size() - 4) || tag == twin.substr(twin.size() - 4)) << d.report << ": " << tag;
      ++tags;
    }
  }
  EXPECT_GT(tags, 0) << "the twins' charts name them";
  const auto region_page = v.get("/r/stl?period=2026-11");
  EXPECT_FALSE(has(region_page->body, shown_real));
  // The static export is a public site wherever it is put.
  {
    test::TempDir dir;
    web::export_static(*conn, "stl", dir.path() / "site", fixed_business_clock(kNow));
    for (const auto& f : std::filesystem::recursive_directory_iterator(dir.path() / "site")) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path());
      const std::string text((std::istreambuf_iterator<char>(in)), {});
      EXPECT_FALSE(has(text, shown_real)) << f.path();
    }
  }
  // The region says real names may be public: the pages made before the change are not served.
  db::set_region(*conn, "stl", {{"public_real_names", "true"}});
  EXPECT_TRUE(has(v.get("/r/stl/pax/" + pax)->body, shown_real));
  EXPECT_TRUE(has(v.get("/r/stl/search?q=" + httplib::detail::encode_query_param(real))->body, "/r/stl/pax/" + pax));
}

TEST_F(Dashboard, HostileNamesRenderAsText) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  Visitor v(service->port());
  int hostile = 0;
  for (const auto& [id, name] : names) {
    if (name.find_first_of("<>&\"'") == std::string::npos) continue;
    ++hostile;
    auto r = v.get("/r/stl/pax/" + id);
    ASSERT_EQ(r->status, 200) << name;
    EXPECT_EQ(r->body.find(name), std::string::npos) << "raw in the page: " << name;
    EXPECT_NE(r->body.find("<h1>" + test::html_escape(name) + "</h1>"), std::string::npos) << name;
    auto found = v.get("/r/stl/search?q=" + httplib::detail::encode_query_param(name));
    EXPECT_EQ(found->body.find(name), std::string::npos) << "search echoes it raw: " << name;
  }
  EXPECT_GE(hostile, 5);
  auto region = v.get("/r/stl?period=all");
  EXPECT_EQ(region->body.find("<script>alert"), std::string::npos);
}

// A PAX page's record, its list of beatdowns and "who they met" come from the attendance held in
// memory (db/src/detail/attendance.hpp): for every person of the region, the same rows and
// figures as the plain statements over the posts that the pages ran before.
TEST_F(Dashboard, PaxRecordsFromMemoryAnswerAsThePlainStatementsDo) {
  const std::string s = "stl";
  // The statements read the posts cache (the posts view's copy, what the pages read).
  const db::dashboard::PostsCache cache(*conn, s);
  auto all = [&](const std::string& q, const db::Params& p) {
    std::vector<std::vector<std::string>> out;
    for (const auto& r : db::sql::query(*conn, q, p)) {
      std::vector<std::string> row;
      for (const auto& f : r) row.push_back(f.value_or(""));
      out.push_back(row);
    }
    return out;
  };
  const auto people = db::sql::query(*conn, "SELECT DISTINCT person FROM stl.posts_cache WHERE person IS NOT NULL");
  ASSERT_GT(people.size(), 300u);
  int typed = 0, with_besties = 0;
  for (const auto& row : people) {
    const std::string person = *row[0];
    if (person.starts_with("name:")) ++typed;
    const auto p = db::dashboard::pax_profile(cache.reader(), person);
    ASSERT_TRUE(p) << person;
    const auto want = all(
        "WITH mine AS (SELECT channel_id, ts, role FROM stl.posts_cache WHERE person = $1), "
        "o AS (SELECT o.person, o.user_id, o.person_name, m.role IN ('q', 'coq') AS led FROM mine m JOIN "
        "stl.posts_cache o "
        "USING (channel_id, ts) WHERE o.person <> $1), "
        "t AS (SELECT person, coalesce(max(user_id), '') AS user_id, max(person_name) AS name, count(*) AS n FROM o "
        "GROUP BY person ORDER BY count(*) DESC, max(person_name), person LIMIT 1) "
        "SELECT (SELECT count(DISTINCT person) FROM o), (SELECT count(DISTINCT person) FROM o WHERE led), "
        "t.person, t.user_id, t.name, coalesce(t.n, 0) FROM (SELECT 1) one LEFT JOIN t ON true",
        {person});
    EXPECT_EQ((std::vector<std::string>{std::to_string(p->met), std::to_string(p->led), p->bestie, p->bestie_id,
                                        p->bestie_name, std::to_string(p->bestie_together)}),
              want.at(0))
        << person;
    if (p->bestie_together > 0) ++with_besties;
    const auto record = all(
        "WITH mine AS (SELECT * FROM stl.posts_cache WHERE person = $1), "
        "u AS (SELECT user_id, user_name, coalesce(real_name, '') AS real_name FROM stl.users "
        "WHERE user_id = $1 AND NOT is_bot) "
        "SELECT (SELECT count(*) FROM mine), "
        "(SELECT count(*) FROM mine WHERE role = 'q'), (SELECT count(*) FROM mine WHERE role = 'coq'), "
        "(SELECT count(DISTINCT ao_id) FROM mine), "
        "(SELECT coalesce(min(bd_date)::text, '') FROM mine), (SELECT coalesce(max(bd_date)::text, '') FROM mine), "
        "(SELECT coalesce(min(bd_date)::text, '') FROM mine WHERE role IN ('q', 'coq')), "
        "(SELECT coalesce(max(bd_date)::text, '') FROM mine WHERE role IN ('q', 'coq')), "
        "coalesce((SELECT user_name FROM u), (SELECT max(person_name) FROM mine), ''), "
        "coalesce((SELECT real_name FROM u), ''), coalesce((SELECT user_id FROM u), (SELECT max(user_id) FROM mine), "
        "''), (SELECT coalesce(sum(beatdown_fngs), 0) FROM mine WHERE role IN ('q', 'coq')), "
        "(SELECT string_agg(w, ',' ORDER BY w) FROM (SELECT DISTINCT date_trunc('week', bd_date)::date::text AS w "
        "FROM mine) x), "
        "(SELECT string_agg(y, ',' ORDER BY y) FROM (SELECT DISTINCT extract(year FROM bd_date)::int::text AS y "
        "FROM mine) x)",
        {person});
    auto joined = [](const std::vector<std::string>& v) {
      std::string out;
      for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
      return out;
    };
    EXPECT_EQ((std::vector<std::string>{std::to_string(p->posts), std::to_string(p->qs), std::to_string(p->coqs),
                                        std::to_string(p->aos), p->first_post, p->last_post, p->first_q, p->last_q,
                                        p->name, p->real_name, p->user_id, std::to_string(p->fngs_led),
                                        joined(p->weeks), joined(p->years)}),
              record.at(0))
        << person;
    std::vector<std::vector<std::string>> got;
    for (const auto& b : db::dashboard::beatdowns(cache.reader(), {std::nullopt, person, 5000}))
      got.push_back({b.date, b.ao_id, b.ao_name, b.q_name, b.title, b.channel_id, b.ts, b.role, std::to_string(b.posts),
                     std::to_string(b.fngs)});
    EXPECT_EQ(got,
              all("SELECT p.bd_date, coalesce(min(p.ao_id), ''), max(p.ao_name), "
                  "coalesce(string_agg(p.person_name, ' & ' ORDER BY p.role DESC, p.person_name) "
                  "FILTER (WHERE p.role IN ('q', 'coq')), ''), coalesce(max(b.title), ''), p.channel_id, p.ts, "
                  "coalesce(max(p.role) FILTER (WHERE p.person = $1), ''), count(*), coalesce(max(b.fng_count), 0) "
                  "FROM (SELECT channel_id, ts FROM stl.posts_cache WHERE person = $1) w JOIN stl.posts_cache p "
                  "USING (channel_id, ts) JOIN stl.beatdowns b USING (channel_id, ts) "
                  "GROUP BY p.bd_date, p.channel_id, p.ts ORDER BY p.bd_date DESC, p.ts DESC",
                  {person}))
        << person;
  }
  EXPECT_GT(typed, 0) << "typed names (no Slack user) are people too";
  EXPECT_GT(with_besties, 300);
  // Only the latest, when asked for fewer.
  const std::string someone = *people.at(0)[0];
  const auto every = db::dashboard::beatdowns(cache.reader(), {std::nullopt, someone, 5000});
  const auto latest = db::dashboard::beatdowns(cache.reader(), {std::nullopt, someone, 2});
  ASSERT_GE(every.size(), 2u);
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[1].ts, every[1].ts);
  // At one AO: the same rows, only that AO's (someone who posted at several).
  const std::string roamer = count(
      "SELECT person FROM stl.posts_cache WHERE person IS NOT NULL GROUP BY person HAVING count(DISTINCT ao_id) > 1 "
      "ORDER BY person LIMIT 1");
  const auto theirs = db::dashboard::beatdowns(db::report::Reader(*conn, s), {std::nullopt, roamer, 5000});
  const std::string at = theirs.back().ao_id;
  std::vector<std::string> want, got;
  for (const auto& b : theirs)
    if (b.ao_id == at) want.push_back(b.ts);
  for (const auto& b : db::dashboard::beatdowns(db::report::Reader(*conn, s), {at, roamer, 5000})) got.push_back(b.ts);
  EXPECT_EQ(got, want);
  EXPECT_LT(want.size(), theirs.size());
}

// The warmer renders each region's page (and its periods), every AO's and every PAX's page ahead
// of visitors, at the region's posts version: a visitor then gets it from the cache (Server-Timing
// says so), the same page a dashboard that never warmed renders for them. Nothing is rendered
// twice; posts that moved less than `settle` ago wait; moved posts make it all again.
TEST_F(Dashboard, PagesRenderedAheadAreTheOnesVisitorsGet) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  db::set_region(*conn, "other", {{"dashboard", "off"}});  // a region without a dashboard: nothing of it
  web::Options wo;
  wo.business_now = fixed_business_clock(kNow);
  web::Dashboard warmed(wo), fresh(wo);
  const int aos = std::stoi(count("SELECT count(DISTINCT ao_channel_id) FROM stl.beatdowns"));
  const int posters = std::stoi(count("SELECT count(DISTINCT user_id) FROM stl.posts"));
  const auto never = [] { return false; };
  EXPECT_EQ(warmed.warm(*conn, 0ms, never), 1 + 5 + aos + posters) << "the region's page, its 5 periods, AOs, PAX";
  EXPECT_EQ(warmed.warm(*conn, 0ms, never), 0) << "nothing twice at one version";

  auto get = [&](web::Dashboard& d, const std::string& target) {
    web::Request req;
    req.method = "GET";
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.params.emplace("period", target.substr(target.find('=', q) + 1));
    return d.handle(*conn, req);
  };
  auto timing = [](const web::Response& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "Server-Timing") return v;
    return std::string();
  };
  std::vector<std::string> targets = {"/r/stl", "/r/stl?period=all", "/r/stl?period=2025", "/r/stl?period=2026-11"};
  for (const auto& r : db::sql::query(*conn, "SELECT DISTINCT ao_channel_id FROM stl.beatdowns ORDER BY 1"))
    targets.push_back("/r/stl/ao/" + *r[0]);
  for (const auto& r : db::sql::query(*conn, "SELECT DISTINCT user_id FROM stl.posts WHERE user_id IS NOT NULL"))
    targets.push_back("/r/stl/pax/" + *r[0]);
  size_t compared = 0;
  for (const auto& t : targets) {
    const auto served = get(warmed, t);
    ASSERT_EQ(served.status, 200) << t;
    EXPECT_EQ(timing(served), "cache;desc=\"hit\"") << t << " was not rendered ahead";
    if (compared++ % 25 == 0 || t.find("/pax/") == std::string::npos) {
      const auto made = get(fresh, t);
      EXPECT_EQ(timing(made).rfind("render;dur=", 0), 0u) << t;
      EXPECT_EQ(served.body, made.body) << t;
    }
  }

  // The posts move (a channel renamed): the pages wait until they stand still, then all come again.
  db::sql::query(*conn,
                 "UPDATE stl.channels SET name = name || '-x' WHERE channel_id = (SELECT min(ao_channel_id) "
                 "FROM stl.beatdowns)");
  EXPECT_EQ(warmed.warm(*conn, 1h, never), 0) << "posts that just moved are left to settle";
  EXPECT_EQ(warmed.warm(*conn, 0ms, never), 1 + 5 + aos + posters);
  int asked = 0;
  EXPECT_EQ(warmed.warm(*conn, 0ms, [&] { return ++asked > 3; }), 0) << "done, and stops when told";

  // A lone change (the posts had stood still for the settling time before it) is rendered at
  // once; one right after it waits for the posts to stand still.
  std::this_thread::sleep_for(300ms);
  db::sql::query(*conn, "UPDATE stl.channels SET name = replace(name, '-x', '')");
  EXPECT_EQ(warmed.warm(*conn, 200ms, never), 1 + 5 + aos + posters) << "a lone change: rendered at once";
  db::sql::query(*conn,
                 "UPDATE stl.channels SET name = name || '-y' WHERE channel_id = (SELECT min(ao_channel_id) "
                 "FROM stl.beatdowns)");
  EXPECT_EQ(warmed.warm(*conn, 1h, never), 0) << "a change right after another settles first";

  // A cache too small for them all: pages rendered ahead fill three quarters of it and stop there,
  // and the next call renders nothing (none pushed out by another).
  web::Options small = wo;
  small.cache_bytes = 2u << 20;
  web::Dashboard cramped(small);
  const int some = cramped.warm(*conn, 0ms, never);
  EXPECT_GT(some, 0);
  EXPECT_LT(some, 1 + 5 + aos + posters);
  EXPECT_EQ(cramped.warm(*conn, 0ms, never), 0);
}

// Issue 29: parameters a page does not read neither render it again nor key a cache entry, nor
// reach the page (its links and CSV links); a page's period still does.
TEST_F(Dashboard, JunkQueryParametersAreServedFromTheCache) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  web::Options wo;
  wo.business_now = fixed_business_clock(kNow);
  web::Dashboard d(wo);
  auto get = [&](const std::string& path, std::multimap<std::string, std::string> params) {
    web::Request req;
    req.method = "GET";
    req.path = path;
    req.params = std::move(params);
    return d.handle(*conn, req);
  };
  auto timing = [](const web::Response& r) {
    for (const auto& [k, v] : r.headers)
      if (k == "Server-Timing") return v;
    return std::string();
  };
  const auto first = get("/r/stl", {{"period", "2025"}});
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(timing(first).rfind("render;dur=", 0), 0u);
  for (int i = 0; i < 40; ++i) {
    const auto r = get("/r/stl", {{"period", "2025"},
                                  {"junk" + std::to_string(i), "x" + std::to_string(i)},
                                  {"utm_source", "slack"},
                                  {"period", "2024"}});  // a repeated parameter: the first counts
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(timing(r), "cache;desc=\"hit\"") << i;
    EXPECT_EQ(r.body, first.body) << i;
    EXPECT_EQ(r.body.find("junk"), std::string::npos);
  }
  const auto other = get("/r/stl", {{"period", "all"}, {"junk", "1"}});
  EXPECT_EQ(timing(other).rfind("render;dur=", 0), 0u) << "another period is another page";
}

// paxstats serve runs the warmer on a thread of its own: /metrics counts the pages, and a visitor
// finds a PAX page ready.
TEST_F(Dashboard, TheServiceRendersPagesAheadOnItsOwn) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  db::set_region(*conn, "other", {{"dashboard", "off"}});
  service.reset();
  serve::Options so;
  so.database_url = url;
  so.port = 0;
  so.signing_secret = "web-test-secret";
  so.scheduler = false;
  so.worker_idle = 20ms;
  so.business_now = fixed_business_clock(kNow);
  so.dashboard_warm_every = 20ms;
  so.dashboard_warm_settle = 0ms;
  service = std::make_unique<serve::Service>(so);
  service->start();
  const int expected = 1 + 5 + std::stoi(count("SELECT count(DISTINCT ao_channel_id) FROM stl.beatdowns")) +
                       std::stoi(count("SELECT count(DISTINCT user_id) FROM stl.posts"));
  Visitor v(service->port());
  long warmed = 0;
  for (int i = 0; i < 1200 && warmed < expected; ++i) {
    std::this_thread::sleep_for(50ms);
    const auto m = v.get("/metrics");
    const auto at = m->body.find("\npaxstats_dashboard_pages_warmed_total ");
    ASSERT_NE(at, std::string::npos);
    warmed = std::stol(m->body.substr(m->body.find(' ', at + 1) + 1));
  }
  EXPECT_EQ(warmed, expected);
  const auto pax = v.get("/r/stl/pax/" + member);
  ASSERT_EQ(pax->status, 200);
  EXPECT_EQ(pax->get_header_value("Server-Timing"), "cache;desc=\"hit\"");
  // Issue 29: a route's label keeps its space; the status is a label of its own.
  std::string body;
  EXPECT_TRUE(test::eventually([&] {
    body = v.get("/metrics")->body;
    return body.find("paxstats_http_requests_total{path=\"dashboard /r/pax\",code=\"200\"}") != std::string::npos;
  })) << body.substr(0, 2000);
  EXPECT_EQ(body.find("path=\"dashboard\",code="), std::string::npos);
}

TEST_F(Dashboard, AdminActionsNeedTheCsrfTokenAndAreLogged) {
  Visitor v(service->port());
  sign_in(v, admin, team, "/r/stl/admin");
  auto page = v.get("/r/stl/admin");
  ASSERT_EQ(page->status, 200) << page->body;
  EXPECT_EQ(page->get_header_value("Cache-Control"), "no-store");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  const std::string csrf = m[1];
  // A typed name paxstats matched, to confirm.
  std::string typed, user;
  for (const auto& a : db::list_aliases(*conn, "stl"))
    if (a.rule != db::AliasRule::ambiguous && a.rule != db::AliasRule::confirmed && !a.user_id.empty()) {
      typed = a.typed;
      user = a.user_id;
    }
  ASSERT_FALSE(typed.empty()) << "the generated region has typed names";
  const std::string form = "action=confirm_alias&typed=" + httplib::detail::encode_query_param(typed) + "&user=" + user;
  // Without the token, or with another's: refused, nothing changed.
  EXPECT_EQ(v.post("/r/stl/admin", form)->status, 403);
  EXPECT_EQ(v.post("/r/stl/admin", form + "&csrf=" + std::string(64, '0'))->status, 403);
  auto rule = [&] {
    for (const auto& a : db::list_aliases(*conn, "stl"))
      if (a.typed == typed) return a.rule;
    return db::AliasRule::removed;
  };
  EXPECT_NE(rule(), db::AliasRule::confirmed);
  auto ok = v.post("/r/stl/admin", form + "&csrf=" + csrf);
  ASSERT_EQ(ok->status, 303);
  EXPECT_EQ(ok->get_header_value("Location"), "/r/stl/admin?done=alias_confirmed");
  EXPECT_EQ(rule(), db::AliasRule::confirmed);
  EXPECT_EQ(count("SELECT count(*) FROM paxstats.web_actions WHERE region = 'stl' AND user_id = $1 AND action = "
                  "'confirm_alias'",
                  {admin}),
            "1");
  // A member who is not an admin cannot post it, token or not.
  Visitor plain(service->port());
  sign_in(plain, member, team, "/");
  EXPECT_EQ(plain.post("/r/stl/admin", form + "&csrf=" + csrf)->status, 403);
  // The run button queues a run (the same job as the trigger API).
  auto run = v.post("/r/stl/admin", "action=run&month=2026-11&csrf=" + csrf);
  EXPECT_EQ(run->status, 303);
  EXPECT_EQ(count("SELECT count(*) FROM paxstats.runs WHERE region = 'stl' AND period = '2026-11'"), "1");
  // A month not over yet is refused with the reason.
  EXPECT_EQ(v.post("/r/stl/admin", "action=run&month=2026-12&csrf=" + csrf)->status, 400);
  // The Kotter page is an admin's too. Issue 29: it lists everyone of every class (the chart
  // shows the first 15 of each), the class alone in its cell, every Slack user's name linked.
  const auto kotter = v.get("/r/stl/kotter");
  ASSERT_EQ(kotter->status, 200);
  const auto plan = reports::page_charts(db::report::Reader(*conn, "stl"), test::ym("2026-11"), {"kotter"});
  const reports::PlannedDelivery* region_list = nullptr;
  int in_headings = 0;  // "New PAX drop · 25": 25, over the list's pages ("(continued)" counted once)
  for (const auto& d : plan.deliveries) {
    if (d.report == "kotter.region") region_list = &d;
    if (d.report == "kotter.region" || d.report.starts_with("kotter.region."))
      for (const auto& [label, values] : d.chart.rows)
        if (values.empty() && !label.ends_with("(continued)"))
          in_headings += std::stoi(label.substr(label.find("\xC2\xB7 ") + 3));
  }
  ASSERT_NE(region_list, nullptr);
  const auto csv = v.get("/r/stl/kotter?csv=kotter");
  ASSERT_EQ(csv->status, 200);
  int lines = -1;  // the header
  for (char c : csv->body) lines += c == '\n';
  EXPECT_EQ(lines, in_headings);
  EXPECT_EQ(static_cast<int>(region_list->everyone.rows.size()), in_headings);
  EXPECT_EQ(csv->body.find("most posts shown"), std::string::npos);
  for (const auto& r : region_list->everyone.rows) {
    if (!r.user_id.empty()) {
      EXPECT_NE(kotter->body.find("/r/stl/pax/" + r.user_id), std::string::npos) << r.name;
    }
  }
}

// Issue 29: a page opens on data. A region whose data ends in an earlier year opens on that year;
// a year whose last whole month has no data charts its last month with data; a month without
// beatdowns says so, with no average of nothing.
TEST(DashboardPeriods, PagesOpenOnThePeriodThatHasData) {
  using web::detail::parse_period;
  const auto old = parse_period("", calendar::parse_day("2026-12-05"), test::day("2016-03-14"));
  EXPECT_EQ(old.key, "2016");
  EXPECT_EQ(old.chart_month, test::ym("2016-03"));
  const auto recent = parse_period("", calendar::parse_day("2026-12-05"), test::day("2026-10-30"));
  EXPECT_EQ(recent.key, "2026");
  EXPECT_EQ(recent.chart_month, test::ym("2026-10")) << "November has no data";
  EXPECT_EQ(parse_period("all", calendar::parse_day("2026-12-05"), test::day("2026-10-30")).chart_month,
            test::ym("2026-10"));
  EXPECT_EQ(parse_period("2026-11", calendar::parse_day("2026-12-05"), test::day("2026-10-30")).chart_month,
            test::ym("2026-11"))
      << "a month asked is shown";
  EXPECT_EQ(parse_period("", calendar::parse_day("2026-12-05")).key, "2026");
  const auto choices = web::detail::period_choices(calendar::parse_day("2026-12-05"), test::day("2015-02-01"));
  EXPECT_EQ(choices.size(), 2u + 12u + 1u) << "this and last month, 2026 back to 2015, all time";
}

TEST_F(Dashboard, AMonthWithoutBeatdownsSaysSo) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  Visitor v(service->port());
  auto r = v.get("/r/stl?period=2026-12");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("No beatdowns in December 2026. The latest were in"), std::string::npos);
  EXPECT_EQ(figure(r->body, "Average attendance"), "–");
  EXPECT_EQ(figure(r->body, "Beatdowns"), "0");
}

// Issue 29: a workspace that mines no backblasts opens on its community page, and a community
// page whose messages ended years ago opens on their last quarter and offers every year they cover.
TEST_F(Dashboard, ACommunityOpensOnItsCommunityPageAndReachesItsOwnYears) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}, {"scrape_backblasts", "false"}});
  db::set_region(*conn, "other", {{"dashboard", "off"}});
  web::Options wo;
  wo.business_now = fixed_business_clock(*parse_iso_time("2031-06-15T12:00:00Z"));  // years after the data
  web::Dashboard d(wo);
  // Its page is rendered ahead (the only page such a region has), once while nothing changes.
  EXPECT_EQ(d.warm(*conn, 0ms, [] { return false; }), 1);
  EXPECT_EQ(d.warm(*conn, 0ms, [] { return false; }), 0);
  web::Request req;
  req.method = "GET";
  req.path = "/r/stl";
  const auto front = d.handle(*conn, req);
  EXPECT_EQ(front.status, 302);
  bool to_community = false;
  for (const auto& [k, v] : front.headers) to_community |= k == "Location" && v == "/r/stl/community";
  EXPECT_TRUE(to_community);
  req.path = "/r/stl/community";
  const auto page = d.handle(*conn, req);
  ASSERT_EQ(page.status, 200);
  bool hit = false;
  for (const auto& [k, v] : page.headers) hit |= k == "Server-Timing" && v == "cache;desc=\"hit\"";
  EXPECT_TRUE(hit) << "the page rendered ahead is the one served";
  const auto last = db::community::message_span(*conn, "stl", "America/Chicago").last;
  const auto quarter = calendar::period_of(calendar::Period::Kind::quarter, calendar::parse_day(last));
  EXPECT_NE(page.body.find("class=\"on\">" + quarter.title() + "</a>"), std::string::npos)
      << "opens on the data's last quarter, " << quarter.title();
  const auto first = db::community::message_span(*conn, "stl", "America/Chicago").first;
  for (const std::string& year : {first.substr(0, 4), last.substr(0, 4)})
    EXPECT_NE(page.body.find("?period=" + year + "\""), std::string::npos) << year;
  EXPECT_EQ(page.body.find("?period=2031"), std::string::npos) << "no empty years offered";
}

TEST_F(Dashboard, StaticExportHasRelativeLinksOnly) {
  db::set_region(*conn, "stl", {{"dashboard", "public"}});
  test::TempDir dir;
  const auto site = dir.path() / "site";
  const int pages = web::export_static(*conn, "stl", site, fixed_business_clock(kNow));
  EXPECT_GT(pages, 300);
  ASSERT_TRUE(std::filesystem::exists(site / "index.html"));
  EXPECT_TRUE(std::filesystem::exists(site / "assets" / "dashboard.css"));
  EXPECT_TRUE(std::filesystem::exists(site / "pax" / (admin + ".html")));
  EXPECT_TRUE(std::filesystem::exists(site / "index.leaderboard.csv"));
  for (const auto& f : std::filesystem::recursive_directory_iterator(site)) {
    if (f.path().extension() != ".html") continue;
    std::ifstream in(f.path());
    const std::string html((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(html.find("href=\"/"), std::string::npos) << f.path();
    EXPECT_EQ(html.find("src=\"/"), std::string::npos) << f.path();
    EXPECT_EQ(html.find("/admin"), std::string::npos) << f.path();
    // Issue 29: every link leads to a file the export wrote (no page of someone without one).
    static const std::regex href("href=\"([^\"#?:]+)[\"#?]");
    for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) {
      const auto target = (f.path().parent_path() / (*it)[1].str()).lexically_normal();
      EXPECT_TRUE(std::filesystem::exists(target)) << f.path() << " links to " << (*it)[1].str();
    }
  }
  db::set_region(*conn, "stl", {{"dashboard", "off"}});
  EXPECT_THROW(web::export_static(*conn, "stl", site, fixed_business_clock(kNow)), UserError);
  EXPECT_TRUE(std::filesystem::exists(site / "index.html")) << "a refused export leaves the last one";
}

}  // namespace

namespace {

// Issue 29: the admin's buttons touch only the month they name, and a delivery in doubt is sent
// again only by the button that says it may have arrived; each action is logged.
TEST_F(Dashboard, RetryButtonsTouchOnlyTheirMonthAndInDoubtOnlyWhenTheyAskForIt) {
  auto item = [](const std::string& region, const std::string& period, const std::string& who) {
    db::outbox::Item i;
    i.region = region;
    i.report = "pax_monthly";
    i.period = period;
    i.recipient = who;
    i.to_user = true;
    i.file_name = "x.png";
    return i;
  };
  db::outbox::plan(*conn, {item("stl", "2026-10", "U0DOUBT010"), item("stl", "2026-09", "U0DOUBT009"),
                           item("other", "2026-10", "U0DOUBTOTH"), item("stl", "2026-10", "U0FAILED10")});
  db::sql::query(*conn,
                 "UPDATE paxstats.deliveries SET status = CASE WHEN recipient = 'U0FAILED10' THEN 'failed' "
                 "ELSE 'in_doubt' END WHERE recipient LIKE 'U0DOUBT%' OR recipient = 'U0FAILED10'");
  auto status = [&](const std::string& who) {
    return db::sql::value(*conn, "SELECT status FROM paxstats.deliveries WHERE recipient = $1", {who}).value_or("");
  };
  Visitor v(service->port());
  sign_in(v, admin, team, "/r/stl/admin");
  auto page = v.get("/r/stl/admin");
  ASSERT_EQ(page->status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  const std::string csrf = m[1];
  EXPECT_NE(page->body.find("Retry 2026-10&#39;s failed deliveries"), std::string::npos);
  EXPECT_NE(page->body.find("Send 2026-10&#39;s deliveries in doubt again"), std::string::npos);
  EXPECT_NE(page->body.find("Only after looking in Slack"), std::string::npos);
  // Retry: a run for the month; deliveries in doubt stay in doubt, of every month.
  ASSERT_EQ(v.post("/r/stl/admin", "action=retry&month=2026-10&csrf=" + csrf)->status, 303);
  EXPECT_EQ(status("U0DOUBT010"), "in_doubt");
  EXPECT_EQ(status("U0DOUBT009"), "in_doubt");
  // Resend in doubt, for 2026-10: that month's of this region only.
  ASSERT_EQ(v.post("/r/stl/admin", "action=resend_in_doubt&month=2026-10&csrf=" + csrf)->status, 303);
  EXPECT_NE(status("U0DOUBT010"), "in_doubt");
  EXPECT_EQ(status("U0DOUBT009"), "in_doubt");
  EXPECT_EQ(status("U0DOUBTOTH"), "in_doubt");
  EXPECT_EQ(db::sql::value(*conn,
                           "SELECT count(*) FROM paxstats.web_actions WHERE region = 'stl' AND action IN "
                           "('retry', 'resend_in_doubt') AND user_id = $1",
                           {admin}),
            "2");
  EXPECT_NE(db::sql::value(*conn, "SELECT detail FROM paxstats.web_actions WHERE action = 'resend_in_doubt'")
                .value_or("")
                .find("1 in doubt of 2026-10 resent"),
            std::string::npos);
}

}  // namespace

namespace {

// Issue 29: anonymous /login once left a row each that nothing removed. Expired sign-ins and
// sessions go at every /login, and one client has at most 20 under way.
TEST_F(Dashboard, SignInsUnderWayAreBoundedAndExpiredOnesRemoved) {
  db::sql::query(*conn,
                 "INSERT INTO paxstats.web_logins (state_hash, nonce, next_path, expires_at) VALUES "
                 "('old', 'n', '/', now() - interval '1 hour')");
  db::sql::query(*conn,
                 "INSERT INTO paxstats.web_sessions (id_hash, team_id, user_id, name, csrf, expires_at) VALUES "
                 "('old', 'T', 'U', 'x', 'c', now() - interval '1 hour')");
  httplib::Client c("127.0.0.1", service->port());
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = c.Get("/login?next=/r/stl");
    ASSERT_TRUE(r);
    if (r->status == 429) ++refused;
  }
  EXPECT_EQ(refused, 20);
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.web_logins"), "20");
  EXPECT_EQ(db::sql::value(*conn, "SELECT count(*) FROM paxstats.web_sessions WHERE id_hash = 'old'"), "0");
}

}  // namespace
