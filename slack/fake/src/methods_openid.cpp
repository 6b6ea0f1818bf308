// The fake's Sign in with Slack (OpenID Connect) methods and users.info, to Slack's documented
// semantics: a code is good once, for the redirect_uri it was given for; the ID token carries
// the nonce of the authorize request; userInfo takes the access token the code bought.
#include "state.hpp"

namespace paxstats::slack::fake {
namespace {

// JWT's encoding: base64 with - and _ for + and /, unpadded.
std::string base64url(const std::string& in) {
  std::string out = base64(in);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

}  // namespace

json FakeSlack::Impl::users_info([[maybe_unused]] const std::string& method, const Params& p) {
  const auto it = p.find("user");
  if (it == p.end()) return fail("user_not_found");
  const auto u = users.find(it->second);
  if (u == users.end()) return fail("user_not_found");
  return ok({{"user", user_json(u->second)}});
}

json FakeSlack::Impl::openid_token(const Params& p) {
  auto get = [&](const char* k) {
    const auto it = p.find(k);
    return it == p.end() ? std::string() : it->second;
  };
  if (get("client_id") != options.client_id || get("client_secret") != options.client_secret)
    return fail("invalid_client_id");
  const auto code = oidc_codes.find(get("code"));
  if (code == oidc_codes.end()) return fail("invalid_code");
  const Grant grant = code->second;
  oidc_codes.erase(code);  // one use
  if (!get("redirect_uri").empty() && get("redirect_uri") != grant.redirect_uri) return fail("bad_redirect_uri");
  const std::string access = "xoxp-fake-" + std::to_string(++id_counter);
  oidc_tokens[access] = grant;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  const json claims = {{"iss", "https://slack.com"},
                       {"sub", grant.user_id},
                       {"aud", options.client_id},
                       {"exp", now.count() + 3600},
                       {"iat", now.count()},
                       {"auth_time", now.count()},
                       {"nonce", grant.nonce},
                       {"https://slack.com/user_id", grant.user_id},
                       {"https://slack.com/team_id", grant.team_id}};
  const std::string jwt = base64url(json{{"typ", "JWT"}, {"alg", "RS256"}, {"kid", "fake"}}.dump()) + "." +
                          base64url(claims.dump()) + "." + base64url("not a real signature");
  return ok({{"access_token", access}, {"token_type", "Bearer"}, {"id_token", jwt}});
}

json FakeSlack::Impl::openid_user_info(const std::string& access_token) {
  const auto it = oidc_tokens.find(access_token);
  if (it == oidc_tokens.end()) return fail("invalid_auth");
  const Grant& g = it->second;
  const auto u = users.find(g.user_id);
  const std::string name = u == users.end()                  ? g.user_id
                           : !u->second.display_name.empty() ? u->second.display_name
                                                             : u->second.real_name;
  return ok({{"sub", g.user_id},
             {"https://slack.com/user_id", g.user_id},
             {"https://slack.com/team_id", g.team_id},
             {"name", name},
             {"email", g.user_id + "@example.org"},
             {"https://slack.com/team_name", options.team_name}});
}

// Add to Slack: a code from the authorize page buys the bot token (Slack's oauth.v2.access
// answer); with token rotation on, the token expires and a refresh token buys the next one
// (grant_type=refresh_token). An install lifts a revocation: the app is in the workspace again.
json FakeSlack::Impl::oauth_v2_access(const Params& p) {
  if (param(p, "client_id") != options.client_id || param(p, "client_secret") != options.client_secret)
    return fail("invalid_client_id");
  std::string installer;
  std::string scope = options.scopes;
  if (param(p, "grant_type") == "refresh_token") {
    if (!options.token_rotation || refresh_token.empty() || param(p, "refresh_token") != refresh_token)
      return fail("invalid_refresh_token");
  } else {
    const auto code = install_codes.find(param(p, "code"));
    if (code == install_codes.end()) return fail("invalid_code");
    const Install grant = code->second;
    install_codes.erase(code);  // one use
    if (!param(p, "redirect_uri").empty() && param(p, "redirect_uri") != grant.redirect_uri)
      return fail("bad_redirect_uri");
    installer = grant.user_id;
    scope = grant.scope;
    revoked = false;
  }
  json out = ok({{"token_type", "bot"},
                 {"scope", scope},
                 {"bot_user_id", options.bot_user_id},
                 {"app_id", "AFAKEAPP01"},
                 {"team", {{"id", options.team_id}, {"name", options.team_name}}},
                 {"enterprise", nullptr},
                 {"is_enterprise_install", false}});
  if (!installer.empty()) out["authed_user"] = {{"id", installer}};
  if (!options.token_rotation) {
    out["access_token"] = options.token;
    return out;
  }
  const int n = ++id_counter;
  const std::string access = "xoxe.xoxb-1-fake-rotated-" + std::to_string(n);
  bot_tokens[access] = Clock::now() + std::chrono::seconds(options.token_expires_in);
  refresh_token = "xoxe-1-fake-refresh-" + std::to_string(n);
  out["access_token"] = access;
  out["refresh_token"] = refresh_token;
  out["expires_in"] = options.token_expires_in;
  return out;
}

}  // namespace paxstats::slack::fake
