// The HTTP routes: Slack's endpoints (each verified by its signature), /healthz, /metrics and
// the trigger API; events in, over HTTP or Socket Mode, queued and acked at once.
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/json_limits.hpp"
#include "paxstats/slack/signature.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

bool ServiceState::verified(const http::Request& req, http::Response& res, const std::string& path) {
  const auto v = slack::verify_signature(o.signing_secret, req.get_header_value("X-Slack-Request-Timestamp"),
                                         req.get_header_value("X-Slack-Signature"), req.body, o.wall_now());
  if (v == slack::Verification::ok) return true;
  ++counters.rejected_signatures;
  log::warn(std::string("rejected ") + path + " from " + req.remote_addr + ": " + slack::to_string(v));
  res.status = 401;
  res.set_content("invalid request signature\n", "text/plain");
  return false;
}

void ServiceState::routes() {
  // Every request and answer is counted here, once, by route (paxstats_http_requests_total).
  server.on_response([this](const std::string& label, int status, std::chrono::microseconds) {
    count(label.empty() ? "(no route)" : label, status);
  });
  server.route("POST", "/slack/events", "/slack/events",
               [this](const http::Request& req, http::Response& res) { events(req, res); });
  server.route("POST", "/slack/commands", "/slack/commands",
               [this](const http::Request& req, http::Response& res) { command(req, res); });
  server.route("POST", "/slack/interactions", "/slack/interactions",
               [this](const http::Request& req, http::Response& res) {
                 if (!verified(req, res, "/slack/interactions")) return;
                 // Refused before any parser recurses into it when nested deeper than Slack ever does.
                 const std::string payload = req.get_param_value("payload");
                 if (slack::json_too_deep(payload)) {
                   res.status = 400;
                   res.set_content("interaction payload nested too deep\n", "text/plain");
                   return;
                 }
                 res.status = accept_interaction(json::parse(payload, nullptr, false));
               });
  server.route("GET", "/healthz", "/healthz", [this](const http::Request&, http::Response& res) {
    try {
      auto db = pool.get();
      db::ping(*db);
      res.set_content("ok\n", "text/plain");
    } catch (const std::exception& e) {
      res.status = 503;
      res.set_content(std::string("database unreachable: ") + e.what() + "\n", "text/plain");
    }
  });
  server.route("GET", "/metrics", "/metrics", [this](const http::Request&, http::Response& res) { metrics(res); });
  server.route("POST", R"(/api/v1/regions/([^/]+)/runs)", "/api/v1/regions/runs",
               [this](const http::Request& req, http::Response& res) { trigger(req, res); });
  server.route("GET", R"(/api/v1/runs/(\d+))", "/api/v1/runs",
               [this](const http::Request& req, http::Response& res) { run_status(req, res); });
}

void ServiceState::events(const http::Request& req, http::Response& res) {
  if (!verified(req, res, "/slack/events")) return;
  const auto read = read_event_body(req.body);
  if (!read.body) {
    res.status = 400;
    res.set_content(read.refusal + "\n", "text/plain");
    return;
  }
  if (read.body->type == "url_verification") {
    res.set_content(json{{"challenge", read.body->challenge}}.dump(), "application/json");
    return;
  }
  res.status = accept_event(*read.body, req.get_header_value("X-Slack-Retry-Num"));
}

// An event_callback (over HTTP or Socket Mode): queued in the jobs table, never worked on
// here, so the ack is immediate. Slack's retries of an event carry the same event_id and are
// dropped by its dedupe key. Returns the HTTP status to answer (500 only when not queued).
int ServiceState::accept_event(const EventBody& body, const std::string& retry) {
  if (body.type != "event_callback") return 200;
  ++counters.events;
  const std::string& team = body.team_id;
  const std::string& event_id = body.event_id;
  try {
    auto db = pool.get();
    const auto region = team_regions.get(*db, team);
    if (!region) {
      log::warn("event " + event_id + " from team " + team +
                ": no active region has this team_id (paxstats region set "
                "SLUG team_id=" +
                team + ")");
      return 200;
    }
    const json& event = body.event;
    // Out of the workspace: held at once, not behind the queue (installs.cpp).
    if (const auto kind = kind_of(event); kind == EventKind::app_uninstalled || kind == EventKind::tokens_revoked) {
      uninstalled(*db, *region, body);
      return 200;
    }
    const bool fresh = enqueue(*db, *region, EventJob{event, event_id},
                               event_id.empty() ? std::nullopt : std::optional<std::string>("event:" + event_id));
    if (!fresh) ++counters.duplicate_events;
    log::info("event " + event_id + " (" + text_of(event, "type") + ") for " + *region +
              (fresh ? " queued" : " already seen") +
              (retry.empty() || retry == "0" ? "" : ", Slack's retry " + retry));
    return 200;
  } catch (const std::exception& e) {
    // Not acked then: Slack retries, and the dedupe key makes the retry safe.
    log::error("event " + event_id + " not queued: " + log::redact(e.what()));
    return 500;
  }
}

// A Socket Mode envelope: the same work as the HTTP endpoints; a slash command's reply goes
// back in the ack.
std::optional<json> ServiceState::envelope(const json& env) {
  if (!env.is_object()) return std::nullopt;
  const std::string type = text_of(env, "type");
  const json payload = env.contains("payload") && env["payload"].is_object() ? env["payload"] : json::object();
  if (type == "events_api") {
    const auto retry = env.contains("retry_attempt") && env["retry_attempt"].is_number_integer()
                           ? env["retry_attempt"].get<long long>()
                           : 0;
    if (const auto read = read_event_body(payload.dump()); read.body) accept_event(*read.body, std::to_string(retry));
    return std::nullopt;
  }
  if (type == "slash_commands")
    return command_reply(text_of(payload, "team_id"), text_of(payload, "user_id"), text_of(payload, "channel_id"),
                         text_of(payload, "text"));
  if (type == "interactive") accept_interaction(payload);
  return std::nullopt;
}

void ServiceState::command(const http::Request& req, http::Response& res) {
  if (!verified(req, res, "/slack/commands")) return;
  res.set_content(command_reply(req.get_param_value("team_id"), req.get_param_value("user_id"),
                                req.get_param_value("channel_id"), req.get_param_value("text"))
                      .dump(),
                  "application/json");
}

}  // namespace paxstats::serve
