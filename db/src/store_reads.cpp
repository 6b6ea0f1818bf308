#include "paxstats/db/store_reads.hpp"

#include <nlohmann/json.hpp>

#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db {
namespace {

using detail::region_schema;

// The keys as a JSON array of [channel, ts], for jsonb_array_elements($n::jsonb).
std::string key_list(const std::vector<MessageKey>& keys) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [channel, ts] : keys) list.push_back({channel, ts});
  return list.dump();
}

}  // namespace

std::vector<ChannelName> channel_names(Database& db, std::string_view region) {
  std::vector<ChannelName> out;
  for (const auto& r :
       sql::query(db, "SELECT channel_id, coalesce(name, '') FROM " + region_schema(region) + ".channels ORDER BY 1"))
    out.push_back({*r[0], *r[1]});
  return out;
}

std::vector<std::string> backblast_channel_ids(Database& db, std::string_view region) {
  std::vector<std::string> out;
  for (const auto& r : sql::query(
           db, "SELECT channel_id FROM " + region_schema(region) + ".channels WHERE is_backblast_channel ORDER BY 1"))
    out.push_back(*r[0]);
  return out;
}

std::optional<std::string> channel_id_named(Database& db, std::string_view region, std::string_view name) {
  return sql::value(db,
                    "SELECT channel_id FROM " + region_schema(region) + ".channels WHERE name = $1 ORDER BY 1 LIMIT 1",
                    {std::string(name)});
}

std::optional<MessageVersion> message_version(Database& db, std::string_view region, std::string_view channel_id,
                                              std::string_view ts) {
  const auto r = sql::query(db,
                            "SELECT coalesce(edited_ts, ''), deleted FROM " + region_schema(region) +
                                ".messages WHERE channel_id = $1 AND ts = $2",
                            {std::string(channel_id), std::string(ts)});
  if (r.empty()) return std::nullopt;
  return MessageVersion{*r[0][0], *r[0][1] == "t"};
}

std::map<MessageKey, std::vector<ParseIssue>> parse_errors(Database& db, std::string_view region,
                                                           const std::vector<MessageKey>& messages) {
  std::map<MessageKey, std::vector<ParseIssue>> out;
  if (messages.empty()) return out;
  for (const auto& r :
       sql::query(db,
                  "SELECT i.channel_id, i.ts, i.field, i.reason, coalesce(i.line, 0) FROM " + region_schema(region) +
                      ".parse_issues i JOIN jsonb_array_elements($1::jsonb) k "
                      "ON i.channel_id = k->>0 AND i.ts = k->>1 "
                      "WHERE i.severity = 'error' ORDER BY i.line, i.field",
                  {key_list(messages)}))
    out[{*r[0], *r[1]}].push_back({Severity::error, *r[2], *r[3], std::stoi(*r[4])});
  return out;
}

std::map<MessageKey, std::string> beatdown_qs(Database& db, std::string_view region,
                                              const std::vector<MessageKey>& messages) {
  std::map<MessageKey, std::string> out;
  if (messages.empty()) return out;
  for (const auto& r : sql::query(db,
                                  "SELECT b.channel_id, b.ts, coalesce(b.q_user_id, '') FROM " + region_schema(region) +
                                      ".beatdowns b JOIN jsonb_array_elements($1::jsonb) k "
                                      "ON b.channel_id = k->>0 AND b.ts = k->>1",
                                  {key_list(messages)}))
    out[{*r[0], *r[1]}] = *r[2];
  return out;
}

}  // namespace paxstats::db
