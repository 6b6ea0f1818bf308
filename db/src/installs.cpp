#include "paxstats/db/installs.hpp"

#include "paxstats/db/sql.hpp"

namespace paxstats::db {

std::string_view to_string(InstallState state) {
  switch (state) {
    case InstallState::installed: return "installed";
    case InstallState::uninstalled: return "uninstalled";
    case InstallState::tokens_revoked: return "tokens_revoked";
  }
  return "installed";
}

namespace {
InstallState state_of(const std::string& text) {
  if (text == "uninstalled") return InstallState::uninstalled;
  if (text == "tokens_revoked") return InstallState::tokens_revoked;
  return InstallState::installed;
}
}  // namespace

void record_install(Database& db, const Install& i) {
  sql::query(db,
             "INSERT INTO paxstats.installs (region, team_id, state, bot_user_id, installer, scopes) "
             "VALUES ($1, $2, 'installed', $3, $4, $5) "
             "ON CONFLICT (region) DO UPDATE SET team_id = EXCLUDED.team_id, state = 'installed', "
             "bot_user_id = EXCLUDED.bot_user_id, installer = EXCLUDED.installer, scopes = EXCLUDED.scopes, "
             "installed_at = now(), changed_at = now()",
             {i.region, i.team_id, i.bot_user_id, i.installer, i.scopes});
}

std::optional<Install> install_of(Database& db, std::string_view region) {
  const auto r = sql::query(db,
                            "SELECT region, team_id, state, bot_user_id, installer, scopes, "
                            "to_char(installed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
                            "to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                            "FROM paxstats.installs WHERE region = $1",
                            {std::string(region)});
  if (r.empty()) return std::nullopt;
  const auto& x = r[0];
  return Install{x[0].value_or(""), x[1].value_or(""), state_of(x[2].value_or("")), x[3].value_or(""),
                 x[4].value_or(""), x[5].value_or(""), x[6].value_or(""),           x[7].value_or("")};
}

std::optional<std::string> installed_region_of_team(Database& db, std::string_view team_id) {
  return sql::value(db, "SELECT region FROM paxstats.installs WHERE team_id = $1 ORDER BY installed_at LIMIT 1",
                    {std::string(team_id)});
}

bool hold_install(Database& db, std::string_view region, InstallState why) {
  // One statement: the state changes and the jobs Slack's refusal failed go back to the queue.
  const auto r =
      sql::query(db,
                 "WITH held AS (UPDATE paxstats.installs SET state = $2, changed_at = now() "
                 "              WHERE region = $1 AND state = 'installed' RETURNING region), "
                 "requeued AS (UPDATE paxstats.jobs SET status = 'queued', attempts = 0, finished_at = NULL, "
                 "             run_after = now(), updated_at = now() "
                 "             WHERE region IN (SELECT region FROM held) AND status = 'failed' "
                 "             AND finished_at > now() - interval '1 hour' "
                 "             AND last_error ~* '(token_revoked|invalid_auth|account_inactive|not_authed|rejected the "
                 "bot token)' "
                 "             RETURNING 1) "
                 "SELECT (SELECT count(*) FROM held), (SELECT count(*) FROM requeued)",
                 {std::string(region), std::string(to_string(why))});
  return !r.empty() && r[0][0].value_or("0") != "0";
}

bool is_held(Database& db, std::string_view region) {
  return sql::value(db, "SELECT 1 FROM paxstats.installs WHERE region = $1 AND state <> 'installed'",
                    {std::string(region)})
      .has_value();
}

}  // namespace paxstats::db
