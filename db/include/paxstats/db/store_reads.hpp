#pragma once
// Typed reads of a region's raw store and derived tables for mining and the service: which
// channels there are, what became of a message (its version, its parse errors, its beatdown).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/parse_issue.hpp"

namespace paxstats::db {

struct ChannelName {
  std::string id, name;
};
// Every channel of the region (id, name), as import and sync stored them.
std::vector<ChannelName> channel_names(Database& db, std::string_view region);
// The channels marked as backblast channels.
std::vector<std::string> backblast_channel_ids(Database& db, std::string_view region);
// The channel of this name, or nullopt.
std::optional<std::string> channel_id_named(Database& db, std::string_view region, std::string_view name);

// A message as stored now: its version ("" when never edited) and whether it was deleted.
struct MessageVersion {
  std::string edited_ts;
  bool deleted = false;
};
std::optional<MessageVersion> message_version(Database& db, std::string_view region, std::string_view channel_id,
                                              std::string_view ts);

// A message: (channel id, ts).
using MessageKey = std::pair<std::string, std::string>;
// The parse errors (severity error) of these messages' current versions, by line.
std::map<MessageKey, std::vector<ParseIssue>> parse_errors(Database& db, std::string_view region,
                                                           const std::vector<MessageKey>& messages);
// Which of these messages are beatdowns now, and their Q's user id ("" for a typed Q).
std::map<MessageKey, std::string> beatdown_qs(Database& db, std::string_view region,
                                              const std::vector<MessageKey>& messages);

}  // namespace paxstats::db
