#include "paxstats/slack/app_manifest.hpp"

namespace paxstats::slack {

const std::vector<Scope>& bot_scopes() {
  static const std::vector<Scope> scopes = {
      {"channels:history", "read backblasts in public AO channels", true},
      {"channels:read", "list the workspace's channels (AOs, 1st-F)", true},
      {"channels:join", "join a public AO channel to read it", true},
      {"chat:write", "post reports and DMs", true},
      {"commands", "the /paxstats command", true},
      {"files:write", "share charts", true},
      {"files:read", "check a share whose answer was lost (never twice)", true},
      {"im:history", "read \"stats\" DMs to the bot", true},
      {"im:write", "open DMs to PAX and site Qs", true},
      {"users:read", "names, time zones and who is an admin", true},
      {"groups:history", "read backblasts in private AO channels the bot is invited to", false},
      {"groups:read", "list private AO channels the bot is in", false},
  };
  return scopes;
}

std::string bot_scope_list() {
  std::string out;
  for (const auto& s : bot_scopes()) out += (out.empty() ? "" : ",") + std::string(s.name);
  return out;
}

const std::vector<std::string>& bot_events() {
  static const std::vector<std::string> events = {"app_home_opened", "app_uninstalled", "message.channels",
                                                  "message.groups",  "message.im",      "tokens_revoked"};
  return events;
}

}  // namespace paxstats::slack
