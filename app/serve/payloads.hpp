#pragma once
// What Slack sends the service, read defensively: any byte string becomes either a typed payload
// or a short reason to answer 400 with. Never throws (the fuzz target tests/fuzz/event_payload
// holds it to that).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace paxstats::serve {

// The body of POST /slack/events (or a Socket Mode events_api payload).
struct EventBody {
  std::string type;       // "url_verification", "event_callback", …
  std::string challenge;  // url_verification
  std::string team_id, event_id;
  nlohmann::json event = nlohmann::json::object();  // always an object
};

// The body read, or the reason it is refused (for a 400): not JSON, nested deeper than Slack
// ever does, not an object, a field of the wrong type.
struct EventRead {
  std::optional<EventBody> body;
  std::string refusal;
};
EventRead read_event_body(std::string_view text);

// A string member of a JSON object; "" when absent, null or not a string (never throws).
std::string text_of(const nlohmann::json& o, const char* key);

// What an event (body.event) is to paxstats, read once: a message in a channel (mined), a DM to
// the bot ("stats"), the Home tab opened, the app taken out of the workspace (uninstalled, or
// tokens revoked), or anything else (stored nowhere, acked).
enum class EventKind { channel_message, direct_message, app_home_opened, app_uninstalled, tokens_revoked, other };
EventKind kind_of(const nlohmann::json& event);

}  // namespace paxstats::serve
