#pragma once
// Internal to mining/: raw-store rows from Slack's JSON, the same whether it came from an
// export, the Web API or an event, so every path stores identical rows.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/db/raw_store.hpp"

namespace paxstats::mining::detail {

std::string str(const nlohmann::json& o, const char* key);
// An integer field, also when written as a string (legacy exports write "created": "1452…").
// Throws UserError naming `where` and the field for a number no Slack field holds (1e300).
std::optional<long long> number(const nlohmann::json& o, const char* key, const std::string& where = "");

// `where` names the input in errors ("export.zip:users.json").
db::UserRecord user_record(const nlohmann::json& user, const std::string& where = "users.list");
// A channel object of conversations.list / conversations.info / channels.json.
db::ChannelRecord channel_record(const nlohmann::json& channel, bool is_private,
                                 const std::string& where = "conversations.list");
// A message (raw: the object as compact JSON). Throws UserError naming `where` for what no
// Slack message looks like (no ts, 50 MB, …).
db::MessageRecord message_record(const std::string& channel, const nlohmann::json& m, const std::string& where);
// About how much memory a message record holds (its strings and lists), for bounded queues.
size_t footprint(const db::MessageRecord& m);

}  // namespace paxstats::mining::detail
