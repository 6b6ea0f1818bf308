#include "paxstats/slack/token.hpp"

#include <cstdlib>
#include <regex>

#include "paxstats/error.hpp"
#include "paxstats/secret_box.hpp"

namespace paxstats::slack {

bool is_token_variable(std::string_view variable) {
  static const std::regex name("(SLACK_BOT_TOKEN|PAXSTATS_TOKEN_)[A-Z0-9_]*");
  return std::regex_match(variable.begin(), variable.end(), name) && variable != "PAXSTATS_TOKEN_";
}

std::string bot_token_from_env(std::string_view variable, std::string_view region) {
  const std::string var(variable), where = "region " + std::string(region) + "'s token_env";
  if (!is_token_variable(var))
    throw UserError(where + " is " + var +
                    ", which is not a bot-token variable: use SLACK_BOT_TOKEN, "
                    "SLACK_BOT_TOKEN_<NAME> or PAXSTATS_TOKEN_<NAME> (paxstats region set " +
                    std::string(region) + " token_env=NAME)");
  const char* value = std::getenv(var.c_str());
  if (!value || !*value)
    throw UserError(var + " is not set: export " + where.substr(0, where.size() - 12) +
                    "'s bot token (xoxb-…) in it, "
                    "or point the region at another variable with paxstats region set " +
                    std::string(region) + " token_env=NAME");
  const std::string token(value);
  if (!is_bot_token(token))
    throw UserError(var + " does not hold a bot token (those start with xoxb-): check the value in " + where +
                    "'s variable " + var + " (it is never printed)");
  return token;
}

bool is_bot_token(std::string_view value) {
  // A rotating bot token (the app has token rotation on) starts xoxe.xoxb-.
  return (value.starts_with("xoxb-") || value.starts_with("xoxe.xoxb-")) && value.size() >= 10 &&
         value.find_first_of(" \t\r\n") == std::string_view::npos;
}

std::string bot_token(std::string_view token_env, std::string_view region, const std::optional<std::string>& sealed) {
  if (!sealed) return bot_token_from_env(token_env, region);
  const auto key = secrets::key_from_env();
  if (!key)
    throw UserError("region " + std::string(region) + "'s bot token is stored sealed under key " +
                    secrets::key_id_of(*sealed) +
                    ", but PAXSTATS_SECRET_KEY_FILE is not set: point it at that key's file (the service's)");
  std::string token = secrets::open(*key, *sealed, region, "bot_token");
  if (!is_bot_token(token))
    throw UserError("region " + std::string(region) +
                    "'s stored bot token is not shaped like one (xoxb-…): store it "
                    "again with paxstats region token " +
                    std::string(region));
  return token;
}

}  // namespace paxstats::slack
