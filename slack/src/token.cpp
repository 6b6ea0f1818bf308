#include "paxstats/slack/token.hpp"

#include <cstdlib>
#include <regex>

#include "paxstats/error.hpp"

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
  if (token.rfind("xoxb-", 0) != 0 || token.size() < 10 || token.find_first_of(" \t\r\n") != std::string::npos)
    throw UserError(var + " does not hold a bot token (those start with xoxb-): check the value in " + where +
                    "'s variable " + var + " (it is never printed)");
  return token;
}

}  // namespace paxstats::slack
