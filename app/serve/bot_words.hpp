#pragma once
// Internal to serve/: what members write to the bot (commands.cpp) and what it answers.
#include <optional>
#include <string>

namespace paxstats::serve {

// The help text of /paxstats and of DMs to the bot.
extern const char* const kHelp;

// "stats", "my stats", "stats 2025", "my stats 2025" (any case) → the year ("" for this one).
std::optional<std::string> stats_request(const std::string& text);

}  // namespace paxstats::serve
