#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace paxstats::slack {

// The bot token a region's token_env names, read from the environment. Only variables meant for
// bot tokens are read (SLACK_BOT_TOKEN, SLACK_BOT_TOKEN_<NAME>, PAXSTATS_TOKEN_<NAME>), and only
// a value shaped like a bot token (xoxb-…) is returned, so no other secret is ever sent to Slack
// as a bearer token. Throws paxstats::UserError naming the variable actually read.
std::string bot_token_from_env(std::string_view variable, std::string_view region);

// A region's bot token: the one stored for it, sealed (`sealed`, from db::sealed_secret), opened
// with the key PAXSTATS_SECRET_KEY_FILE names; without a stored one, bot_token_from_env(token_env).
// UserError when the key is missing or wrong (naming the key ids, never the token).
std::string bot_token(std::string_view token_env, std::string_view region, const std::optional<std::string>& sealed);

// Whether `value` is shaped like a bot token (xoxb-…, no spaces).
bool is_bot_token(std::string_view value);

// Whether `variable` is a name token_env may hold.
bool is_token_variable(std::string_view variable);

}  // namespace paxstats::slack
