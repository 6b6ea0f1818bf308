// Sign in with Slack (OpenID Connect, authorization code flow), sessions and cookies.
//   /login                 a sign-in row (state hash, nonce, next) and a cookie binding the state
//                          to this browser; redirect to Slack's authorize page
//   /auth/slack/callback   the state must match the cookie and a row (taken once); the code buys
//                          an ID token (its nonce and audience checked) and an access token, which
//                          userInfo turns into the person and their workspace; a NEW session id
//                          (never the one the browser had) and a redirect to next
//   /logout                the session row is deleted and the cookie cleared
// The ID token comes straight from Slack's token endpoint over TLS, so its claims are read
// without checking the signature (OpenID Connect Core 3.1.3.7).
#include "access.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/web/slack_app.hpp"
#include "site.hpp"

namespace paxstats::web::detail {

using json = nlohmann::json;

namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string base64url_decode(const std::string& in) {
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
    else if (c == '-' || c == '+')
      d = 62;
    else if (c == '_' || c == '/')
      d = 63;
    else if (c == '=')
      break;
    else
      throw std::runtime_error("not base64url");
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string redirect_uri(const Options& o) { return o.public_url + "/auth/slack/callback"; }

std::string authorize_url(const Options& o) {
  return o.authorize_url.empty() ? slack_page_url(o, "/openid/connect/authorize") : o.authorize_url;
}

// Whether Slack says the person is an admin or owner of their workspace, asked with the bot
// token of a region of that workspace. false when no region there has a token.
bool workspace_admin(db::Database& db, const Options& o, const std::string& team, const std::string& user) {
  for (const auto& r : db::list_regions(db)) {
    if (!r.active || r.team_id != team) continue;
    std::string token;
    try {
      token = region_bot_token(db, r, app_of(o));
    } catch (const std::exception& e) {  // no token here: not an admin unless listed
      log::warn("sign-in of " + user + ": region " + r.slug + " has no usable bot token (" + log::redact(e.what()) +
                ")");
      continue;
    }
    slack::ClientOptions co;
    co.token = token;
    co.base_url = o.slack_base_url;
    co.max_attempts = 2;
    slack::Client client(co);
    const auto admin = client.workspace_admin(user);
    if (!admin) log::warn("sign-in of " + user + ": users.info failed; not an admin unless listed");
    return admin.value_or(false);
  }
  return false;
}

}  // namespace

Response message_page(int status, const std::string& title, const std::string& message) {
  Response r;
  r.status = status;
  Page p;
  p.title = title;
  p.add("<p class=\"notice\">" + esc(message) + "</p><p><a href=\"/\">Start again</a></p>");
  r.body = layout(p, Viewer{}, Links("", false, 0), "", "", "/");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

std::string slack_page_url(const Options& o, const std::string& path) {
  const std::string base = o.slack_base_url.empty() ? slack::Client::default_base_url() : o.slack_base_url;
  // https://slack.com/api/ → https://slack.com + path
  const auto scheme = base.find("://");
  const auto slash = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return base.substr(0, slash) + path;
}

SlackApp app_of(const Options& o) { return {o.client_id, o.client_secret, o.slack_base_url}; }

std::string random_token(size_t bytes) {
  std::string buf(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("no random bytes (OpenSSL RAND_bytes)");
  return hex(reinterpret_cast<const unsigned char*>(buf.data()), bytes);
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return hex(digest, sizeof digest);
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string local_path(const std::string& next) {
  if (next.empty() || next.size() > 1024 || next[0] != '/') return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (unsigned char c : next)
    if (c < 0x20 || c == 0x7f || c == '\\') return "/";
  return next;
}

std::string cookie_header(const Options& o, const std::string& name, const std::string& value, const std::string& path,
                          long max_age) {
  std::string c =
      name + "=" + value + "; Path=" + path + "; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Lax";
  if (o.public_url.rfind("https://", 0) == 0) c += "; Secure";
  return c;
}

std::optional<db::web::Session> session_of(db::Database& db, const Request& req) {
  const std::string id = req.cookie(kSessionCookie);
  if (id.size() != 64) return std::nullopt;
  return db::web::find_session(db, sha256_hex(id));
}

Response login(db::Database& db, const Options& o, const Request& req) {
  if (o.client_id.empty() || o.client_secret.empty())
    return message_page(503, "Sign in is not set up",
                        "Sign in with Slack needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (the README's "
                        "\"Dashboard\" section says how to get them).");
  const std::string next = local_path(req.param("next"));
  const std::string state = random_token(), nonce = random_token();
  // Sign-ins under way are few a client: a flood of /login fills no table.
  if (!db::web::begin_login(db, sha256_hex(state), nonce, next, o.login_ttl,
                            req.remote.empty() ? "" : sha256_hex("client:" + req.remote)))
    return message_page(429, "Too many sign-ins at once",
                        "This address has many sign-ins under way. Finish one, or wait a few minutes and try again.");
  Response r;
  r.status = 302;
  r.headers.emplace_back("Location", authorize_url(o) + "?response_type=code&scope=openid%20profile%20email" +
                                         "&client_id=" + url_encode(o.client_id) + "&state=" + state +
                                         "&nonce=" + nonce + "&redirect_uri=" + url_encode(redirect_uri(o)));
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kLoginCookie, state, "/auth/slack", o.login_ttl.count()));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response callback(db::Database& db, const Options& o, const Request& req) {
  const std::string state = req.param("state");
  auto refuse = [&](int status, const std::string& why) {
    log::warn("sign-in refused: " + why);
    auto r = message_page(status, "Sign-in failed", why);
    r.headers.emplace_back("Set-Cookie", cookie_header(o, kLoginCookie, "", "/auth/slack", 0));
    return r;
  };
  if (!req.param("error").empty())
    return refuse(403, "Slack did not sign you in (" + req.param("error").substr(0, 60) + ").");
  // The state must be the one this browser was given, and a sign-in paxstats began (once).
  if (state.size() != 64 || !same_secret(state, req.cookie(kLoginCookie)))
    return refuse(400, "This sign-in was not started in this browser, or was started again since: sign in again.");
  const auto begun = db::web::take_login(db, sha256_hex(state));
  if (!begun) return refuse(400, "This sign-in link was used already or is too old: sign in again.");
  const std::string code = req.param("code");
  if (code.empty() || code.size() > 512) return refuse(400, "Slack sent no code back: sign in again.");

  slack::ClientOptions co;
  co.base_url = o.slack_base_url;
  co.max_attempts = 2;
  slack::Client app(co);
  const auto token = app.call("openid.connect.token",
                              {{"client_id", o.client_id},
                               {"client_secret", o.client_secret},
                               {"code", code},
                               {"redirect_uri", redirect_uri(o)}},
                              slack::CallKind::write);
  if (!token.ok()) return refuse(502, "Slack refused the sign-in: " + token.describe());
  json claims;
  try {
    const std::string id_token = token.body.value("id_token", "");
    const auto a = id_token.find('.'), b = id_token.find('.', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos) throw std::runtime_error("not a JWT");
    claims = json::parse(base64url_decode(id_token.substr(a + 1, b - a - 1)));
  } catch (const std::exception& e) {
    return refuse(502, std::string("Slack's ID token could not be read: ") + e.what());
  }
  if (!claims.is_object() || claims.value("nonce", "") != begun->nonce)
    return refuse(400, "Slack's ID token is not for this sign-in (nonce): sign in again.");
  if (claims.value("aud", "") != o.client_id) return refuse(400, "Slack's ID token is for another app (aud).");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  if (claims.contains("exp") && claims["exp"].is_number() && claims["exp"].get<long long>() < now.count())
    return refuse(400, "Slack's ID token has expired: sign in again.");

  slack::ClientOptions uo = co;
  uo.token = token.body.value("access_token", "");
  slack::Client person(uo);
  const auto info = person.call("openid.connect.userInfo", {});
  if (!info.ok()) return refuse(502, "Slack would not say who you are: " + info.describe());
  db::web::Session s;
  s.user_id = info.body.value("https://slack.com/user_id", "");
  s.team_id = info.body.value("https://slack.com/team_id", "");
  s.name = info.body.value("name", s.user_id).substr(0, 200);
  if (s.user_id.empty() || s.team_id.empty()) return refuse(502, "Slack's answer names no user or workspace.");
  if (claims.value("https://slack.com/user_id", s.user_id) != s.user_id)
    return refuse(400, "Slack's ID token and userInfo name different people.");
  s.workspace_admin = workspace_admin(db, o, s.team_id, s.user_id);
  s.csrf = random_token();

  // A new session id at every sign-in; the browser's old one (if any) ends.
  if (const std::string old = req.cookie(kSessionCookie); !old.empty()) db::web::end_session(db, sha256_hex(old));
  const std::string id = random_token();
  db::web::create_session(db, sha256_hex(id), s, o.session_ttl);
  log::info("signed in: " + s.user_id + " of " + s.team_id + (s.workspace_admin ? " (workspace admin)" : ""));
  Response r;
  r.status = 302;
  r.headers.emplace_back("Location", local_path(begun->next_path));
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kSessionCookie, id, "/", o.session_ttl.count()));
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kLoginCookie, "", "/auth/slack", 0));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response logout(db::Database& db, const Options& o, const Request& req) {
  if (const std::string id = req.cookie(kSessionCookie); !id.empty()) db::web::end_session(db, sha256_hex(id));
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", "/");
  r.headers.emplace_back("Set-Cookie", cookie_header(o, kSessionCookie, "", "/", 0));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace paxstats::web::detail
