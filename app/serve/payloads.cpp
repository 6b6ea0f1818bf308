#include "payloads.hpp"

#include "paxstats/slack/json_limits.hpp"

namespace paxstats::serve {

std::string text_of(const nlohmann::json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

EventRead read_event_body(std::string_view text) {
  EventRead out;
  nlohmann::json j;
  try {
    j = slack::parse_json_limited(text);
  } catch (const slack::JsonTooDeep&) {
    out.refusal = "the body nests deeper than " + std::to_string(slack::kMaxJsonDepth) + " levels";
    return out;
  } catch (const std::exception&) {
    out.refusal = "the body is not JSON";
    return out;
  }
  if (!j.is_object()) {
    out.refusal = "the body must be a JSON object";
    return out;
  }
  for (const char* key : {"type", "team_id", "event_id", "challenge"})
    if (j.contains(key) && !j[key].is_string()) {
      out.refusal = std::string("\"") + key + "\" must be a string";
      return out;
    }
  if (j.contains("event") && !j["event"].is_object()) {
    out.refusal = "\"event\" must be an object";
    return out;
  }
  EventBody b;
  b.type = text_of(j, "type");
  b.challenge = text_of(j, "challenge");
  b.team_id = text_of(j, "team_id");
  b.event_id = text_of(j, "event_id");
  if (j.contains("event")) b.event = std::move(j["event"]);
  out.body = std::move(b);
  return out;
}

EventKind kind_of(const nlohmann::json& event) {
  const std::string type = text_of(event, "type");
  if (type == "message")
    return text_of(event, "channel_type") == "im" ? EventKind::direct_message : EventKind::channel_message;
  if (type == "app_home_opened") return EventKind::app_home_opened;
  if (type == "app_uninstalled") return EventKind::app_uninstalled;
  if (type == "tokens_revoked") return EventKind::tokens_revoked;
  return EventKind::other;
}

}  // namespace paxstats::serve
