// Real-time mining: one Slack message event into the raw store, and its beatdown re-derived.
#include "derive.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "records.hpp"

namespace paxstats::mining {

using json = nlohmann::json;

EventIngest ingest_message_event(db::Database& db, std::string_view region_view, const json& event) {
  const std::string region(region_view);
  EventIngest out;
  if (!event.is_object() || event.value("type", "") != "message") return out;
  const std::string channel = event.value("channel", "");
  if (channel.empty()) throw UserError("message event without a channel: " + event.dump().substr(0, 200));
  const std::string subtype = event.value("subtype", "");
  json message;
  bool deleted = false;
  if (subtype == "message_changed") {
    message = event.value("message", json::object());
  } else if (subtype == "message_deleted") {
    // Kept forever: the message as it was, marked deleted (its beatdown no longer counts).
    message = event.contains("previous_message") ? event["previous_message"]
                                                 : json{{"ts", event.value("deleted_ts", "")}, {"subtype", "tombstone"}};
    deleted = true;
  } else {
    message = event;
    for (const char* k : {"channel", "event_ts", "channel_type", "client_msg_id_"}) message.erase(k);
  }
  auto record = detail::message_record(channel, message, "event " + event.value("event_ts", "?"));
  record.deleted = record.deleted || deleted;
  const std::string tz = db::get_region(db, region).tz;
  {
    db::RegionWriter w(db, region);
    const auto ctx = detail::make_context(tz, w);
    w.stage_message(record);
    const auto merged = w.merge_messages("event");
    out.stored = merged.inserted + merged.updated > 0;
    out.derived = detail::derive(w, ctx, false);
    w.commit();
  }
  out.channel = channel;
  out.ts = record.ts;
  out.edited_ts = record.edited_ts;
  out.deleted = record.deleted;
  out.poster = record.user_id;
  const std::string s = db::quote_identifier(region);
  if (auto q = db.query_value("SELECT q_user_id FROM " + s + ".beatdowns WHERE channel_id = $1 AND ts = $2", {channel, record.ts})) {
    out.is_backblast = true;
    if (out.poster.empty() || !record.bot_id.empty()) out.poster = *q;  // an app posted it: tell the Q
  }
  for (const auto& r : db.query("SELECT field, reason, coalesce(line, 0) FROM " + s +
                                ".parse_issues WHERE channel_id = $1 AND ts = $2 AND severity = 'error' ORDER BY line, field",
                                {channel, record.ts}))
    out.errors.push_back({*r[0], *r[1], std::stoi(*r[2])});
  return out;
}

}  // namespace paxstats::mining
