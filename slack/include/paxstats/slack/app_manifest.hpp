#pragma once
// What the paxstats Slack app asks of a workspace, in one place: the install link's scopes, the
// events it subscribes to, and its shortcuts' names. app/slack-manifest.yml lists the same (a test
// holds them to it), and `paxstats slack whoami` checks a token against the required scopes.
#include <string>
#include <vector>

namespace paxstats::slack {

struct Scope {
  const char* name;
  const char* why;
  bool required;  // false: only some regions need it (private AO channels)
};

// The bot token's scopes, in the order the install link asks for them.
const std::vector<Scope>& bot_scopes();
// The bot scopes joined by commas (Slack's authorize URL takes them so).
std::string bot_scope_list();
// The bot events the app subscribes to.
const std::vector<std::string>& bot_events();

}  // namespace paxstats::slack
