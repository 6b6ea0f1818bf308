#pragma once
// Add to Slack (control table installs, migration 0016): a region that joined through Slack's
// OAuth flow, and whether Slack still lets it in. While it does not (the app was uninstalled, or
// its tokens revoked), the region's jobs are held: queued, never claimed, never failed. A region
// set up from the CLI has no install and is always live.
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

enum class InstallState { installed, uninstalled, tokens_revoked };
std::string_view to_string(InstallState state);

struct Install {
  std::string region, team_id;
  InstallState state = InstallState::installed;
  std::string bot_user_id = {}, installer = {}, scopes = {};
  std::string installed_at = {}, changed_at = {};  // "YYYY-MM-DD HH:MM" UTC
};

// Records an install (or a reinstall: the state goes back to installed, and held jobs resume).
void record_install(Database& db, const Install& install);
std::optional<Install> install_of(Database& db, std::string_view region);
// The region installed from this workspace, whatever its state (a reinstall finds it).
std::optional<std::string> installed_region_of_team(Database& db, std::string_view team_id);

// Holds the region's work: the install's state becomes `why`, and its jobs that failed in the
// last hour because Slack refused the token are queued again (held with the rest). Returns
// false when the region has no install or was held already.
bool hold_install(Database& db, std::string_view region, InstallState why);

// Whether the region's work is held now.
bool is_held(Database& db, std::string_view region);

}  // namespace paxstats::db
