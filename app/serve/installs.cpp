// Slack says paxstats is out of a workspace (app_uninstalled, or tokens_revoked naming the bot's
// token): at once, in the request that brings the news, the region's work is held (its jobs stay
// queued and no worker claims them: deliveries wait, nudges pause), its stored tokens are deleted,
// and the admins' log on the dashboard says so. Its data is kept. Installing again (/slack/install)
// resumes the held work where it stood.
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/log.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

void ServiceState::uninstalled(db::Database& db, const std::string& region, const EventBody& body) {
  const EventKind kind = kind_of(body.event);
  if (kind == EventKind::tokens_revoked) {
    // Only the bot's token matters: a revoked user token (Sign in with Slack) stops nothing.
    const json& tokens = body.event.contains("tokens") ? body.event["tokens"] : json::object();
    if (!tokens.is_object() || !tokens.contains("bot") || !tokens["bot"].is_array() || tokens["bot"].empty()) return;
  }
  const auto why =
      kind == EventKind::app_uninstalled ? db::InstallState::uninstalled : db::InstallState::tokens_revoked;
  // A region set up from the CLI has no install yet: it gets one, so the hold has a row to hold.
  if (!db::install_of(db, region)) db::record_install(db, {region, body.team_id, db::InstallState::installed});
  const bool changed = db::hold_install(db, region, why);
  const bool had_token = db::delete_secret(db, region, db::SecretName::bot_token);
  db::delete_secret(db, region, db::SecretName::bot_refresh_token);
  if (!changed) return;  // the second of the two events Slack sends
  const std::string what =
      kind == EventKind::app_uninstalled ? "paxstats was uninstalled from Slack" : "Slack revoked paxstats's bot token";
  db::dashboard::log_action(
      db, region, "", std::string(why == db::InstallState::uninstalled ? "uninstalled" : "tokens_revoked"),
      what + ": its work is held (nothing is sent, nudges pause), " + (had_token ? "its stored token deleted, " : "") +
          "its data kept. Installing again resumes it.",
      db::dashboard::ActionVia::service);
  log::warn("region " + region + ": " + what + " (event " + body.event_id +
            "); its work is held until it is installed again");
}

}  // namespace paxstats::serve
