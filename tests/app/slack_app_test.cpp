// paxstats as a Slack app a region lives in: installed through Add to Slack (over HTTP here; the
// browser's run is tests/web/install_test.cpp), a typed name fixed by its Q with the picker in the
// feedback DM — the count moves everywhere at once, one alias row and one action row; a replayed,
// forged or outsider's payload changes nothing — and a rotating token refreshed before it expires.
#include "dashboard_support.hpp"
#include "eventually.hpp"
#include "service_options.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/backblast_fixes.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/reports/home.hpp"
#include "paxstats/secret_box.hpp"
#include "paxstats/slack/signature.hpp"

using namespace paxstats;
using namespace std::chrono_literals;
using json = nlohmann::json;
using test::eventually;

namespace {

const BusinessTime kNow = *parse_iso_time("2026-11-20T15:00:00Z");
const char* kSigningSecret = "slack-app-test-signing-secret";

class SlackApp : public ::testing::Test {
 protected:
  void start(bool rotation) {
    log::set_level(log::Level::warn);
    mining::GeneratorOptions o;
    o.seed = 64;
    o.pax = 40;
    o.months = 2;
    o.end = "2026-11-15";
    ws = std::make_unique<test::GeneratedWorkspace>(o);
    url = test::PostgresEnvironment::get().fresh_database_url();
    conn = std::make_unique<db::Database>(url);
    db::migrate_all(*conn);  // as the CLI does before it serves
    secrets::create_key(keys.path() / "secret.key");
    ::setenv("PAXSTATS_SECRET_KEY_FILE", (keys.path() / "secret.key").c_str(), 1);
    for (const auto& b : ws->truth["beatdowns"])
      if (b["q"].contains("user_id")) {
        q = b["q"]["user_id"];
        ao = b["ao"];
      }
    slack::fake::FakeSlack::Options fo;
    fo.window = 100ms;
    fo.team_domain = "f3-appville";
    fo.token_rotation = rotation;
    fo.token_expires_in = 200;  // under the five minutes paxstats refreshes ahead: every use refreshes
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(ws->path());
    fake->sign_in_as(q);
    fake->start();
    team = fake->options().team_id;
    const serve::Options so = test::fast_service_options(url, *fake, kSigningSecret, kNow);
    service = std::make_unique<serve::Service>(so);
    service->start();
    visitor = std::make_unique<test::Visitor>(service->port());
  }
  void TearDown() override {
    service.reset();
    ::unsetenv("PAXSTATS_SECRET_KEY_FILE");
  }

  // Add to Slack as a browser does it: /slack/install → Slack's authorize page → the callback.
  void install() {
    auto r = visitor->get("/slack/install");
    ASSERT_TRUE(r && r->status == 302);
    httplib::Client slack_site("127.0.0.1", fake->port());
    auto approved = slack_site.Get(test::path_of(r->get_header_value("Location")).c_str());
    ASSERT_TRUE(approved && approved->status == 302);
    auto back = visitor->get(test::path_of(approved->get_header_value("Location")));
    ASSERT_TRUE(back && back->status == 303) << (back ? back->body : "no answer");
    ASSERT_TRUE(eventually(
        [&] { return value("SELECT string_agg(status, ',') FROM paxstats.jobs WHERE kind = 'sync'") == "done"; }, 90s));
  }
  std::string value(const std::string& q_, const db::Params& p = {}) { return test::sql_value(*conn, q_, p); }
  int post(const std::string& path, const std::string& body, const std::string& type,
           const std::string& secret = kSigningSecret) {
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    httplib::Client http("127.0.0.1", service->port());
    const auto r = http.Post(
        path.c_str(),
        {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", slack::compute_signature(secret, ts, body)}}, body,
        type.c_str());
    return r ? r->status : -1;
  }
  int event(const json& ev, const std::string& id) {
    return post("/slack/events",
                json{{"type", "event_callback"}, {"team_id", team}, {"event_id", id}, {"event", ev}}.dump(),
                "application/json");
  }
  // Slack's block_actions payload for a pick in the user picker of `block_id`.
  std::string pick(const std::string& who, const std::string& block_id, const std::string& picked,
                   const std::string& action_ts) {
    const json payload = {{"type", "block_actions"},
                          {"team", {{"id", team}}},
                          {"user", {{"id", who}}},
                          {"container", {{"type", "message"}, {"channel_id", fake->dm_channel(q)}}},
                          {"actions",
                           {{{"type", "users_select"},
                             {"action_id", "confirm_alias"},
                             {"block_id", block_id},
                             {"selected_user", picked},
                             {"action_ts", action_ts}}}}};
    return "payload=" + httplib::detail::encode_query_param(payload.dump());
  }
  // The block of `user`'s DM whose block_id holds `id_part`, once it arrives (null after 30 s).
  json dm_block(const std::string& user, const std::string& id_part) {
    json found;
    eventually(
        [&] {
          if (fake->dm_channel(user).empty()) return false;
          for (const auto& m : fake->messages(fake->dm_channel(user)))
            if (m.contains("blocks"))
              for (const auto& b : m["blocks"])
                if (b.value("block_id", "").find(id_part) != std::string::npos) found = b;
          return !found.is_null();
        },
        30s);
    return found;
  }
  int posts_of(const std::string& user) {
    return reports::home_figures(*conn, slug, user, date::year{2026} / date::November).year_posts;
  }

  std::unique_ptr<test::GeneratedWorkspace> ws;
  test::TempDir keys;
  std::string url, team, q, ao;
  const std::string slug = "f3_appville";
  std::unique_ptr<db::Database> conn;
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<serve::Service> service;
  std::unique_ptr<test::Visitor> visitor;
};

TEST_F(SlackApp, ATypedNameFixedByItsQWithThePickerCountsEverywhereOnce) {
  start(false);
  install();
  // Someone the backblast names without a mention, by a name paxstats cannot match.
  std::string pax;
  for (const auto& [id, name] : test::display_names(ws->path()))
    if (id != q && name.size() > 2 && pax.empty() && posts_of(id) > 0) pax = id;
  ASSERT_FALSE(pax.empty());
  const int before = posts_of(pax);
  const std::string ts = "1794000000.000100";  // 2026-11-09
  const std::string text = "Backblast: Button test\nDate: 2026-11-19\nAO: <#" + ao + ">\nQ: <@" + q + ">\nPAX: <@" + q +
                           ">, Zebra Cakes\nFNGs: 0\nCount: 2\n\nCOT: done";
  ASSERT_EQ(
      event(
          {{"type", "message"}, {"channel", ao}, {"channel_type", "channel"}, {"user", q}, {"ts", ts}, {"text", text}},
          "Ev-bb"),
      200);

  // The Q's DM asks who "Zebra Cakes" is, with a picker that names the backblast and the name.
  const json picker_block = dm_block(q, "Zebra Cakes");
  ASSERT_FALSE(picker_block.is_null()) << "no picker in the Q's DM";
  EXPECT_EQ(picker_block["accessory"]["type"], "users_select");
  const std::string block_id = picker_block["block_id"];
  EXPECT_EQ(block_id, "alias|" + ao + "|" + ts + "|Zebra Cakes");

  // A forged payload (wrong signature) is refused; an outsider's pick changes nothing and is told so.
  EXPECT_EQ(
      post("/slack/interactions", pick(q, block_id, pax, "1.1"), "application/x-www-form-urlencoded", "not-the-secret"),
      401);
  std::string outsider;
  for (const auto& [id, name] : test::display_names(ws->path()))
    if (id != q && id != pax && outsider.empty()) outsider = id;
  EXPECT_EQ(db::backblast_leaders(*conn, slug, ao, ts), std::vector<std::string>{q});
  auto dashboard_posts = [&] {
    const auto page = visitor->get("/r/" + slug + "/pax/" + pax);
    return page && page->status == 200 ? test::figure(page->body, "Posts") : "(no page)";
  };
  const std::string shown_before = dashboard_posts();
  ASSERT_EQ(post("/slack/interactions", pick(outsider, block_id, pax, "2.2"), "application/x-www-form-urlencoded"),
            200);
  ASSERT_TRUE(eventually([&] { return fake->calls("chat.postEphemeral") >= 1; }, 20s));
  EXPECT_EQ(value("SELECT count(*) FROM " + slug + ".aliases WHERE rule = 'confirmed'"), "0");
  EXPECT_EQ(posts_of(pax), before);

  // The Q's pick: one alias row, one action row, and the PAX's count moves at once.
  const std::string press = pick(q, block_id, pax, "3.3");
  ASSERT_EQ(post("/slack/interactions", press, "application/x-www-form-urlencoded"), 200);
  ASSERT_TRUE(eventually(
      [&] { return value("SELECT count(*) FROM " + slug + ".aliases WHERE rule = 'confirmed'") == "1"; }, 20s));
  EXPECT_EQ(value("SELECT user_id FROM " + slug + ".aliases WHERE typed_lower = 'zebra cakes'"), pax);
  EXPECT_EQ(posts_of(pax), before + 1);
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.web_actions WHERE via = 'slack' AND action = 'confirm_alias'"), "1");
  // The App Home shows it (published anew for the PAX), and so does the dashboard.
  ASSERT_TRUE(eventually([&] { return !fake->home_view(pax).is_null(); }, 20s));
  EXPECT_NE(fake->home_view(pax).dump().find(std::to_string(before + 1) + " posts"), std::string::npos)
      << fake->home_view(pax).dump();
  EXPECT_EQ(dashboard_posts(), std::to_string(std::stoi(shown_before) + 1)) << shown_before;
  // And "/paxstats me": the PAX's own chart says the new year total.
  ASSERT_EQ(post("/slack/commands", "command=%2Fpaxstats&team_id=" + team + "&user_id=" + pax + "&text=me",
                 "application/x-www-form-urlencoded"),
            200);
  std::string comment;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& f : fake->files())
          if (f.completed && f.channel_id == fake->dm_channel(pax)) comment = f.initial_comment;
        return !comment.empty();
      },
      30s));
  EXPECT_NE(comment.find("so far: " + std::to_string(before + 1) + " posts"), std::string::npos) << comment;

  // The same press again (Slack's retry, or a replay): nothing more.
  ASSERT_EQ(post("/slack/interactions", press, "application/x-www-form-urlencoded"), 200);
  ASSERT_TRUE(eventually(
      [&] {
        return value("SELECT count(*) FROM paxstats.jobs WHERE kind = 'interaction' AND status <> 'done'") == "0";
      },
      20s));
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.jobs WHERE kind = 'interaction'"), "2");  // the outsider's and the Q's
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.web_actions WHERE via = 'slack'"), "1");
  EXPECT_EQ(posts_of(pax), before + 1);
}

TEST_F(SlackApp, TheQSaysWhichCountIsRightAndItStaysSoWhenTheBackblastIsReadAgain) {
  start(false);
  install();
  // COUNT below the people named: a slip paxstats asks about (above them is usual, and not asked).
  std::vector<std::string> others;
  for (const auto& [id, name] : test::display_names(ws->path()))
    if (id != q && others.size() < 2) others.push_back(id);
  const std::string ts = "1794000000.000200";
  const std::string text = "Backblast: Count test\nDate: 2026-11-19\nAO: <#" + ao + ">\nQ: <@" + q + ">\nPAX: <@" + q +
                           ">, <@" + others[0] + ">, <@" + others[1] + ">\nFNGs: 0\nCount: 1\n\nCOT: done";
  ASSERT_EQ(
      event(
          {{"type", "message"}, {"channel", ao}, {"channel_type", "channel"}, {"user", q}, {"ts", ts}, {"text", text}},
          "Ev-count"),
      200);
  const json buttons = dm_block(q, "count|" + ao + "|" + ts);
  ASSERT_FALSE(buttons.is_null()) << "no COUNT buttons in the Q's DM";
  EXPECT_NE(buttons.dump().find("COUNT is right (1)"), std::string::npos) << buttons.dump();
  EXPECT_NE(buttons.dump().find("Use the names (3)"), std::string::npos) << buttons.dump();
  const std::string beatdown = "SELECT pax_count FROM " + slug + ".beatdowns WHERE ts = '" + ts + "'";
  EXPECT_EQ(value(beatdown), "1");
  const json payload = {
      {"type", "block_actions"},
      {"team", {{"id", team}}},
      {"user", {{"id", q}}},
      {"container", {{"type", "message"}, {"channel_id", fake->dm_channel(q)}}},
      {"actions", {{{"type", "button"}, {"action_id", "use_names"}, {"value", ao + "|" + ts}, {"action_ts", "9.9"}}}}};
  ASSERT_EQ(post("/slack/interactions", "payload=" + httplib::detail::encode_query_param(payload.dump()),
                 "application/x-www-form-urlencoded"),
            200);
  ASSERT_TRUE(eventually([&] { return value(beatdown) == "3"; }, 20s));
  // Read again (an edit of another line): the Q's word stands.
  ASSERT_EQ(event({{"type", "message"},
                   {"subtype", "message_changed"},
                   {"channel", ao},
                   {"channel_type", "channel"},
                   {"ts", "1794000001.000300"},
                   {"message",
                    {{"type", "message"},
                     {"user", q},
                     {"ts", ts},
                     {"text", text + " strong"},
                     {"edited", {{"user", q}, {"ts", "1794000001.000300"}}}}}},
                  "Ev-count-edit"),
            200);
  ASSERT_TRUE(eventually(
      [&] {
        return value("SELECT edited_ts FROM " + slug + ".beatdowns WHERE ts = '" + ts + "'") == "1794000001.000300";
      },
      20s));
  EXPECT_EQ(value(beatdown), "3");
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.web_actions WHERE action = 'use_names' AND via = 'slack'"), "1");

  // The DM's "Stop paxstats DMs": off, and the answer carries "Turn DMs back on", which works.
  auto press = [&](const std::string& action, const std::string& at) {
    const json p = {{"type", "block_actions"},
                    {"team", {{"id", team}}},
                    {"user", {{"id", q}}},
                    {"container", {{"type", "message"}, {"channel_id", fake->dm_channel(q)}}},
                    {"actions", {{{"type", "button"}, {"action_id", action}, {"value", action}, {"action_ts", at}}}}};
    return post("/slack/interactions", "payload=" + httplib::detail::encode_query_param(p.dump()),
                "application/x-www-form-urlencoded");
  };
  ASSERT_EQ(press("opt_out", "10.1"), 200);
  ASSERT_TRUE(eventually([&] { return db::is_opted_out(*conn, slug, q); }, 20s));
  ASSERT_TRUE(eventually(
      [&] { return fake->messages(fake->dm_channel(q)).back().dump().find("opt_in") != std::string::npos; }, 20s));
  ASSERT_EQ(press("opt_in", "10.2"), 200);
  ASSERT_TRUE(eventually([&] { return !db::is_opted_out(*conn, slug, q); }, 20s));
}

TEST_F(SlackApp, ARotatingTokenIsRefreshedBeforeItExpiresAndStoredSealed) {
  start(true);
  install();
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.secrets WHERE region = $1", {slug}), "2");
  EXPECT_NE(value("SELECT expires_at IS NOT NULL FROM paxstats.secrets WHERE name = 'bot_token'"), "f");
  // The sync used the token: it had under five minutes left, so paxstats bought the next one first.
  EXPECT_GE(fake->calls("oauth.v2.access"), 2);
  const std::string newest = fake->bot_token();
  EXPECT_EQ(newest.rfind("xoxe.xoxb-", 0), 0u);
  EXPECT_EQ(value("SELECT count(*) FROM paxstats.secrets WHERE strpos(sealed, $1) > 0", {newest}), "0");
  const auto key = secrets::key_from_env();
  ASSERT_TRUE(key);
  EXPECT_EQ(secrets::open(*key, *db::sealed_secret(*conn, slug, db::SecretName::bot_token), slug, "bot_token"), newest);
  // Its DMs go out with it.
  ASSERT_EQ(post("/slack/commands", "command=%2Fpaxstats&team_id=" + team + "&user_id=" + q + "&text=me",
                 "application/x-www-form-urlencoded"),
            200);
  ASSERT_TRUE(
      eventually([&] { return !fake->dm_channel(q).empty() && !fake->messages(fake->dm_channel(q)).empty(); }, 30s));
}

}  // namespace
