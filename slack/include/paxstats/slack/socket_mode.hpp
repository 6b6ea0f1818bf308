#pragma once
// Slack Socket Mode: events and slash commands over a WebSocket the app opens itself, for
// regions without a public URL. apps.connections.open (app-level token xapp-…, connections:write)
// gives a wss:// URL; Slack sends "hello", then envelopes to ack within 3 s, and "disconnect"
// when it wants a new connection. The client reconnects then, and whenever the socket drops.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

namespace paxstats::slack {

struct SocketModeOptions {
  std::string app_token = {};     // xapp-…; sent only in the Authorization header, never logged
  std::string api_base_url = {};  // "" = $SLACK_API_BASE_URL or Slack's
  // Each envelope ({envelope_id, type, payload, …}); the returned payload, if any, goes back
  // with the ack (a slash command's reply). Called on the client's thread: return quickly.
  std::function<std::optional<nlohmann::json>(const nlohmann::json& envelope)> on_envelope = {};
  std::chrono::milliseconds reconnect_min{500}, reconnect_max{30000};  // backoff after failures
};

class SocketModeClient {
 public:
  explicit SocketModeClient(SocketModeOptions options);
  ~SocketModeClient();  // stops
  void start();
  void stop();
  long connections() const { return connections_; }  // successful WebSocket handshakes so far
  long envelopes() const { return envelopes_; }

 private:
  void run();
  bool session(const std::string& url);  // one connection; true when Slack asked to reconnect
  SocketModeOptions o_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> fd_{-1};  // the live socket, shut down by stop() to end a blocking read
  std::atomic<long> connections_{0}, envelopes_{0};
  std::thread thread_;
};

}  // namespace paxstats::slack
