// A region's bot token as the app holds it: sealed at rest, refreshed when Slack rotates it.
#include "paxstats/web/slack_app.hpp"

#include <chrono>

#include "paxstats/db/secrets.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/secret_box.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/token.hpp"

namespace paxstats::web {

namespace {

constexpr std::chrono::seconds kRefreshAhead{300};  // refresh a rotating token this long before it expires

long long epoch_now() {
  // Token expiry is Slack's wall-clock fact, not a business date.
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Buys the next token with the stored refresh token and stores both, sealed. The caller holds the
// region's secrets lock.
void refresh(db::Database& db, const db::Region& region, const SlackApp& app) {
  const std::string& slug = region.slug;
  const auto key = secrets::key_from_env();
  const auto sealed_refresh = db::sealed_secret(db, slug, db::SecretName::bot_refresh_token);
  if (!key || !sealed_refresh) return;  // bot_token() below says what is missing
  if (app.client_id.empty() || app.client_secret.empty())
    throw UserError("region " + slug +
                    "'s bot token rotates and is about to expire, but SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                    "are not set: set them (the Slack app's Basic Information) so paxstats can refresh it");
  slack::ClientOptions co;
  co.base_url = app.slack_base_url;
  co.max_attempts = 3;
  co.basic_auth = app.client_id + ":" + app.client_secret;  // in the header only
  slack::Client client(co);
  const auto r = client.call("oauth.v2.access",
                             {{"grant_type", "refresh_token"},
                              {"refresh_token", secrets::open(*key, *sealed_refresh, slug, "bot_refresh_token")}},
                             slack::CallKind::write);
  if (!r.ok())
    throw UserError("region " + slug + "'s bot token could not be refreshed (" + r.describe() +
                    "): install the app again from /slack/install");
  const std::string token = r.body.value("access_token", ""), next = r.body.value("refresh_token", "");
  if (!slack::is_bot_token(token) || next.empty())
    throw UserError("region " + slug + ": Slack's refresh answer holds no bot token: install the app again");
  const long long expires = epoch_now() + r.body.value("expires_in", 43200);
  db::store_secret(db, slug, db::SecretName::bot_token, secrets::seal(*key, token, slug, "bot_token"), expires);
  db::store_secret(db, slug, db::SecretName::bot_refresh_token, secrets::seal(*key, next, slug, "bot_refresh_token"));
  log::info("region " + slug + ": its rotating bot token was refreshed (good for " +
            std::to_string(r.body.value("expires_in", 43200) / 60) + " minutes)");
}

}  // namespace

std::string region_bot_token(db::Database& db, const db::Region& region, const SlackApp& app) {
  const std::string& slug = region.slug;
  auto due = [&] {
    const auto at = db::secret_expires_at(db, slug, db::SecretName::bot_token);
    return at && *at - epoch_now() < kRefreshAhead.count();
  };
  if (due())
    db::with_secrets_locked(db, slug, [&] {
      if (due()) refresh(db, region, app);  // another worker may have refreshed it meanwhile
    });
  return slack::bot_token(region.token_env, slug, db::sealed_secret(db, slug, db::SecretName::bot_token));
}

}  // namespace paxstats::web
