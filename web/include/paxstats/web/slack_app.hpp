#pragma once
// The paxstats Slack app as a workspace sees it: its credentials, and a region's bot token as
// the app holds it (sealed at rest; refreshed when Slack rotates it).
#include <string>

#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"

namespace paxstats::web {

// The Slack app's credentials (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: Basic Information → App
// Credentials) and its Web API ("" = $SLACK_API_BASE_URL or Slack's).
struct SlackApp {
  std::string client_id, client_secret, slack_base_url;
};

// A region's bot token: the one stored sealed (an install's, or `region token`'s), else the one
// in the variable its token_env names. A rotating token (the app has token rotation on) that
// expires within five minutes is refreshed first with its refresh token (oauth.v2.access,
// grant_type=refresh_token), and both new values are stored sealed: one refresh at a time, across
// processes. UserError (exit 2) naming what to do when there is no usable token: none stored and
// none in the variable, a wrong or missing key, an expired token the app cannot refresh.
std::string region_bot_token(db::Database& db, const db::Region& region, const SlackApp& app);

}  // namespace paxstats::web
