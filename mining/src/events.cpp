// Real-time mining: one Slack message event into the raw store, and its beatdown re-derived.
#include <map>
#include <optional>
#include <set>

#include "derive.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "records.hpp"

namespace paxstats::mining {

using json = nlohmann::json;

namespace {

// The message an event carries, as stored: the new version of an edit, the last version of a
// deleted message (kept, marked deleted), or the message itself. nullopt: not a message event.
std::optional<db::MessageRecord> record_of(const json& event) {
  if (!event.is_object() || detail::str(event, "type") != "message") return std::nullopt;
  const std::string channel = detail::str(event, "channel");
  if (channel.empty()) throw UserError("message event without a channel: " + event.dump().substr(0, 200));
  const std::string subtype = detail::str(event, "subtype");
  json message;
  bool deleted = false;
  if (subtype == "message_changed") {
    message = event.contains("message") && event["message"].is_object() ? event["message"] : json::object();
  } else if (subtype == "message_deleted") {
    message = event.contains("previous_message") && event["previous_message"].is_object()
                  ? event["previous_message"]
                  : json{{"ts", detail::str(event, "deleted_ts")}, {"subtype", "tombstone"}};
    deleted = true;
  } else {
    message = event;
    for (const char* k : {"channel", "event_ts", "channel_type"}) message.erase(k);
  }
  auto record = detail::message_record(channel, message, "event " + detail::str(event, "event_ts"));
  record.deleted = record.deleted || deleted;
  return record;
}

}  // namespace

std::optional<MessageState> message_state(db::Database& db, std::string_view region, const std::string& channel,
                                          const std::string& ts) {
  const auto version = db::message_version(db, region, channel, ts);
  if (!version) return std::nullopt;
  MessageState state{version->edited_ts, version->deleted, {}};
  auto errors = db::parse_errors(db, region, {{channel, ts}});
  if (auto it = errors.find({channel, ts}); it != errors.end()) state.errors = std::move(it->second);
  return state;
}

std::vector<EventIngest> ingest_message_events(db::Database& db, std::string_view region_view,
                                               const std::vector<json>& events) {
  const std::string region(region_view);
  std::vector<EventIngest> out(events.size());
  std::vector<std::optional<db::MessageRecord>> records;
  for (const auto& e : events) records.push_back(record_of(e));
  const std::string tz = db::get_region(db, region).tz;
  // What derivation made of each message it covered; the few it did not (an older or the same
  // version of what is stored) are read as they are.
  detail::Derivation derived;
  std::optional<std::set<db::MessageKey>> scope;
  {
    db::RegionWriter w(db, region);
    const auto ctx = detail::make_context(tz, w);
    bool any = false;
    for (const auto& r : records)
      if (r) w.stage_message(*r), any = true;
    if (!any) return out;
    w.merge_messages("event");
    scope = w.derivation_scope();  // (replace_derived clears the writer's list)
    derived = detail::derive(w, ctx, false, detail::Outcomes::kept);
    w.commit();
  }
  std::vector<db::MessageKey> untouched;
  for (const auto& r : records)
    if (r && scope && !scope->count({r->channel_id, r->ts})) untouched.emplace_back(r->channel_id, r->ts);
  const auto errors_of = db::parse_errors(db, region, untouched);
  const auto q_of = db::beatdown_qs(db, region, untouched);
  for (size_t i = 0; i < out.size(); ++i) {
    if (!records[i]) continue;
    const auto& r = *records[i];
    auto& o = out[i];
    o.channel = r.channel_id;
    o.ts = r.ts;
    o.edited_ts = r.edited_ts;
    o.deleted = r.deleted;
    o.poster = r.user_id;
    const std::pair key{r.channel_id, r.ts};
    std::optional<std::string> q;  // the beatdown's Q, when it is one
    if (!scope || scope->count(key)) {
      if (const auto d = derived.messages.find(key); d != derived.messages.end() && d->second.beatdown) {
        q = d->second.q_user_id;
        o.errors = d->second.errors;
      }
    } else {
      if (auto it = q_of.find(key); it != q_of.end()) q = it->second;
      if (auto e = errors_of.find(key); e != errors_of.end()) o.errors = e->second;
    }
    if (q) {
      o.is_backblast = true;
      if (o.poster.empty() || !r.bot_id.empty()) o.poster = *q;  // an app posted it: tell the Q
    }
  }
  return out;
}

EventIngest ingest_message_event(db::Database& db, std::string_view region, const json& event) {
  return ingest_message_events(db, region, {event}).front();
}

}  // namespace paxstats::mining
