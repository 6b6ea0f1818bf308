// Add to Slack (Slack's "Installing with OAuth", OAuth v2):
//   /slack/install         a one-use state (stored hashed, purpose install) and a cookie binding it
//                          to this browser; redirect to Slack's authorize page with the bot scopes
//   /slack/oauth/callback  the state must match the cookie and a row (taken once); the code buys
//                          the bot token (oauth.v2.access). The workspace's region is linked (same
//                          team_id) or created: slug from the workspace's domain, time zone from the
//                          installer's users.info. The token is stored sealed, the installer becomes
//                          an admin and is signed in, and lands on the region's admin page to choose
//                          its channels. A reinstall replaces the token and resumes held work.
// Nothing is stored before Slack has answered every question, and the key that seals the token
// is checked before the visitor is sent to Slack at all.
#include <nlohmann/json.hpp>
#include <regex>

#include "access.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/secret_box.hpp"
#include "paxstats/slack/app_manifest.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/token.hpp"
#include "site.hpp"

namespace paxstats::web::detail {

using json = nlohmann::json;

namespace {

constexpr const char* kInstallCookie = "pxs_install";
constexpr const char* kCookiePath = "/slack/oauth";

std::string install_redirect_uri(const Options& o) { return o.public_url + "/slack/oauth/callback"; }

// Whatever stops an install before the visitor goes to Slack: no app credentials, no key.
std::optional<Response> not_ready(const Options& o) {
  if (o.client_id.empty() || o.client_secret.empty())
    return message_page(503, "Add to Slack is not set up",
                        "This paxstats has no Slack app credentials: its operator sets SLACK_CLIENT_ID and "
                        "SLACK_CLIENT_SECRET (the README's \"Hosting paxstats for many regions\").");
  try {
    if (!secrets::key_from_env())
      return message_page(503, "Add to Slack is not set up",
                          "This paxstats has no key to seal bot tokens with: its operator runs paxstats key create "
                          "and sets PAXSTATS_SECRET_KEY_FILE.");
  } catch (const UserError& e) {
    log::error(std::string("install: ") + e.what());
    return message_page(503, "Add to Slack is not set up",
                        "This paxstats cannot read its key for bot tokens; its log says why.");
  }
  return std::nullopt;
}

// A region slug from the workspace's domain ("f3-stl" → "f3_stl"), one no other region has.
std::string free_slug(db::Database& db, const std::string& domain) {
  std::string base;
  for (char c : domain) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9'))
      base += l;
    else if (!base.empty() && base.back() != '_')
      base += '_';
  }
  while (!base.empty() && base.back() == '_') base.pop_back();
  if (base.empty() || !(base[0] >= 'a' && base[0] <= 'z')) base = "r_" + base;
  base = base.substr(0, 36);
  for (int n = 1;; ++n) {
    const std::string slug = n == 1 ? base : base + "_" + std::to_string(n);
    bool ok = true;
    try {
      db::validate_slug(slug);
    } catch (const UserError&) {
      ok = false;
    }
    if (ok && !db::region_exists(db, slug)) return slug;
    if (n > 99) throw UserError("no free region name for the workspace " + domain);
  }
}

// "https://f3-stl.slack.com/" → "f3-stl".
std::string domain_of(const std::string& url) {
  static const std::regex shape(R"(https?://([A-Za-z0-9-]+)\.)");
  std::smatch m;
  return std::regex_search(url, m, shape) ? std::string(m[1]) : std::string();
}

}  // namespace

Response install(db::Database& db, const Options& o, const Request& req) {
  if (auto refusal = not_ready(o)) return *refusal;
  const std::string state = random_token();
  if (!db::web::begin_login(db, sha256_hex(state), "", "/", o.login_ttl,
                            req.remote.empty() ? "" : sha256_hex("client:" + req.remote), 20,
                            db::web::LoginPurpose::install))
    return message_page(429, "Too many installs at once",
                        "This address has many installs under way. Finish one, or wait a few minutes.");
  Response r;
  r.status = 302;
  r.headers.emplace_back("Location",
                         slack_page_url(o, "/oauth/v2/authorize") + "?client_id=" + url_encode(o.client_id) +
                             "&scope=" + url_encode(slack::bot_scope_list()) + "&user_scope=" + "&state=" + state +
                             "&redirect_uri=" + url_encode(install_redirect_uri(o)));
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kInstallCookie, state, kCookiePath, o.login_ttl.count()));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response install_callback(db::Database& db, const Options& o, const Request& req) {
  auto refuse = [&](int status, const std::string& why) {
    log::warn("install refused: " + why);
    auto r = message_page(status, "paxstats was not installed", why);
    r.headers.emplace_back("Set-Cookie", cookie_header(o, kInstallCookie, "", kCookiePath, 0));
    return r;
  };
  if (!req.param("error").empty())
    return refuse(403, "Slack did not install paxstats (" + req.param("error").substr(0, 60) +
                           "). Nothing was changed; try again from the install link.");
  if (auto refusal = not_ready(o)) return *refusal;
  const std::string state = req.param("state");
  if (state.size() != 64 || !same_secret(state, req.cookie(kInstallCookie)))
    return refuse(400,
                  "This install was not started in this browser, or was started again since: use the install "
                  "link again.");
  if (!db::web::take_login(db, sha256_hex(state), db::web::LoginPurpose::install))
    return refuse(400, "This install link was used already or is too old: use the install link again.");
  const std::string code = req.param("code");
  if (code.empty() || code.size() > 512) return refuse(400, "Slack sent no code back: use the install link again.");

  // Slack first: the token, the workspace's domain, the installer. Nothing is stored until all
  // three are known.
  slack::ClientOptions co;
  co.base_url = o.slack_base_url;
  co.max_attempts = 2;
  slack::ClientOptions ao = co;
  ao.basic_auth = o.client_id + ":" + o.client_secret;  // the app's credentials: in the header only
  slack::Client app(ao);
  const auto access =
      app.call("oauth.v2.access", {{"code", code}, {"redirect_uri", install_redirect_uri(o)}}, slack::CallKind::write);
  if (!access.ok()) return refuse(502, "Slack refused the install: " + access.describe());
  const json& a = access.body;
  const std::string token = a.value("access_token", "");
  const std::string team = a.contains("team") && a["team"].is_object() ? a["team"].value("id", "") : "";
  const std::string team_name =
      a.contains("team") && a["team"].is_object() ? a["team"].value("name", team) : std::string();
  const std::string installer =
      a.contains("authed_user") && a["authed_user"].is_object() ? a["authed_user"].value("id", "") : "";
  if (a.value("token_type", "") != "bot" || !slack::is_bot_token(token) || team.empty() || installer.empty())
    return refuse(502, "Slack's answer holds no bot token, workspace or installer.");
  if (a.value("is_enterprise_install", false))
    return refuse(400, "paxstats installs into one workspace at a time, not a whole Enterprise Grid organisation.");

  slack::ClientOptions bo = co;
  bo.token = token;
  slack::Client bot(bo);
  const auto who = bot.call("auth.test", {});
  const auto person = bot.call("users.info", {{"user", installer}});
  if (!who.ok()) return refuse(502, "Slack would not confirm the new token: " + who.describe());
  std::string tz = "UTC", name = installer;
  bool workspace_admin = false;
  if (person.ok() && person.body.contains("user")) {
    const json& u = person.body["user"];
    tz = u.value("tz", "UTC");
    workspace_admin = u.value("is_admin", false) || u.value("is_owner", false) || u.value("is_primary_owner", false);
    if (u.contains("profile") && u["profile"].is_object())
      name = u["profile"].value("display_name", "").empty() ? u["profile"].value("real_name", installer)
                                                            : u["profile"].value("display_name", installer);
  }
  try {
    db::validate_time_zone(tz);
  } catch (const UserError&) {
    tz = "UTC";
  }

  // The workspace's region: the one that has its team_id already (set up from the CLI, or
  // installed before), else a new one.
  auto slug = db::region_of_team(db, team);
  if (!slug) slug = db::installed_region_of_team(db, team);
  const bool first = !slug;
  if (first) {
    slug =
        free_slug(db, domain_of(who.body.value("url", "")).empty() ? team_name : domain_of(who.body.value("url", "")));
    db::add_region(db, *slug, team_name.empty() ? *slug : team_name.substr(0, 120), tz);
  }
  auto region = db::get_region(db, *slug);
  std::vector<db::Setting> settings;
  if (region.team_id != team) settings.emplace_back("team_id", team);
  // Whoever made the region runs it; installing into a region that exists already makes nobody an
  // admin (a member may be allowed to install apps, and must not gain its admin page that way).
  if (first && !db::is_listed_admin(region, installer))
    settings.emplace_back("admins", region.admins.empty() ? installer : join_list(region.admins) + "," + installer);
  if (!settings.empty()) region = db::set_region(db, *slug, settings);

  const auto key = *secrets::key_from_env();
  const auto expires_in = a.value("expires_in", 0);
  std::optional<long long> expires_at;
  if (expires_in > 0)
    expires_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
        expires_in;
  db::store_secret(db, *slug, db::SecretName::bot_token, secrets::seal(key, token, *slug, "bot_token"), expires_at);
  if (const std::string refresh = a.value("refresh_token", ""); !refresh.empty())
    db::store_secret(db, *slug, db::SecretName::bot_refresh_token,
                     secrets::seal(key, refresh, *slug, "bot_refresh_token"));
  else
    db::delete_secret(db, *slug, db::SecretName::bot_refresh_token);
  const bool held = db::is_held(db, *slug);
  // Its first install (a region made now, or one set up from the CLI), or an install again.
  const bool again = db::install_of(db, *slug).has_value();
  db::record_install(db, {*slug, team, db::InstallState::installed, a.value("bot_user_id", ""), installer,
                          a.value("scope", ""), "", ""});
  db::dashboard::log_action(db, *slug, installer, again ? "reinstalled" : "installed",
                            std::string(again ? "paxstats was installed again" : "paxstats was added to Slack") +
                                (held ? "; the work held since the uninstall resumes" : "") + " (scopes " +
                                a.value("scope", "") + ")",
                            db::dashboard::ActionVia::service);
  log::info("install: " + team + " is region " + *slug +
            (first   ? " (new)"
             : again ? " (installed again)"
                     : "") +
            ", by " + installer);
  if (o.on_installed) o.on_installed(db, *slug, first);

  // The installer is signed in as themselves (Slack just said who they are) and chooses the
  // region's channels on its admin page.
  db::web::Session s;
  s.user_id = installer;
  s.team_id = team;
  s.name = name.substr(0, 200);
  s.workspace_admin = workspace_admin;
  s.csrf = random_token();
  if (const std::string old = req.cookie(kSessionCookie); !old.empty()) db::web::end_session(db, sha256_hex(old));
  const std::string id = random_token();
  db::web::create_session(db, sha256_hex(id), s, o.session_ttl);
  Response r;
  r.status = 303;
  const bool admin = workspace_admin || db::is_listed_admin(region, installer);
  r.headers.emplace_back(
      "Location", admin ? "/r/" + *slug + "/admin?done=" + (again ? "reinstalled" : "installed") : "/r/" + *slug);
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kSessionCookie, id, "/", o.session_ttl.count()));
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kInstallCookie, "", kCookiePath, 0));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace paxstats::web::detail
