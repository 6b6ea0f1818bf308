#include "paxstats/slack/socket_mode.hpp"

#include "paxstats/slack/json_limits.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <regex>

#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/result.hpp"

namespace paxstats::slack {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

SocketModeClient::SocketModeClient(SocketModeOptions options) : o_(std::move(options)) {}
SocketModeClient::~SocketModeClient() { stop(); }

void SocketModeClient::start() {
  if (o_.app_token.empty())
    throw UserError("Socket Mode needs SLACK_APP_TOKEN (an app-level token xapp-… with connections:write)");
  thread_ = std::thread([this] { run(); });
}

void SocketModeClient::stop() {
  if (stopping_.exchange(true)) return;
  if (int fd = fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);  // ends a blocking read at once
  if (thread_.joinable()) thread_.join();
}

void SocketModeClient::run() {
  auto delay = o_.reconnect_min;
  Client api({.token = o_.app_token, .base_url = o_.api_base_url, .max_attempts = 3});
  while (!stopping_) {
    bool asked = false;
    try {
      const auto r = api.call("apps.connections.open", {}, CallKind::write);
      if (!r.ok()) throw SlackError(r);
      asked = session(r.body.value("url", ""));
      delay = o_.reconnect_min;
    } catch (const std::exception& e) {
      if (stopping_) break;
      log::warn(std::string("socket mode: ") + log::redact(e.what()) + "; reconnecting in " +
                std::to_string(delay.count()) + " ms");
    }
    if (stopping_) break;
    if (!asked) {
      for (auto waited = std::chrono::milliseconds(0); waited < delay && !stopping_;
           waited += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      delay = std::min(delay * 2, o_.reconnect_max);
    }
  }
}

namespace {

// ws[s]://host[:port]/path?query
struct Url {
  bool tls = false;
  std::string host, port, target;
};
Url parse_url(const std::string& url) {
  static const std::regex re(R"(^(wss?)://([^/:]+)(?::(\d+))?(/.*)?$)");
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::runtime_error("apps.connections.open gave no ws(s):// URL");
  Url u;
  u.tls = m[1] == "wss";
  u.host = m[2];
  u.port = m[3].matched ? m[3].str() : (u.tls ? "443" : "80");
  u.target = m[4].matched ? m[4].str() : "/";
  return u;
}

// Reads envelopes until Slack says disconnect (true) or the socket ends (false).
template <class Stream>
bool converse(Stream& ws, const std::atomic<bool>& stopping, std::atomic<long>& envelopes, const SocketModeOptions& o) {
  beast::flat_buffer buffer;
  while (!stopping) {
    buffer.clear();
    ws.read(buffer);
    json msg;
    try {
      msg = parse_json_limited(beast::buffers_to_string(buffer.data()));
    } catch (const std::exception&) {
      log::warn("socket mode: a message that is not JSON, ignored");
      continue;
    }
    if (!msg.is_object() || (msg.contains("type") && !msg["type"].is_string())) {
      log::warn("socket mode: a message that is not an envelope, ignored");
      continue;
    }
    const std::string type = msg.value("type", "");
    if (type == "hello") {
      log::info("socket mode: connected (" + std::to_string(msg.value("num_connections", 1)) + " connection(s))");
      continue;
    }
    if (type == "disconnect") {
      log::info("socket mode: Slack asked to reconnect (" + msg.value("reason", "?") + ")");
      return true;
    }
    if (!msg.contains("envelope_id")) continue;
    ++envelopes;
    json ack{{"envelope_id", msg["envelope_id"]}};
    try {
      if (auto payload = o.on_envelope ? o.on_envelope(msg) : std::nullopt;
          payload && msg.value("accepts_response_payload", false))
        ack["payload"] = *payload;
    } catch (const std::exception& e) {
      log::error(std::string("socket mode: envelope ") + msg["envelope_id"].dump() + ": " + log::redact(e.what()));
    }
    ws.text(true);
    ws.write(asio::buffer(ack.dump()));
  }
  return false;
}

}  // namespace

bool SocketModeClient::session(const std::string& url) {
  const Url u = parse_url(url);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto endpoints = resolver.resolve(u.host, u.port);
  auto handshake = [&](auto& ws, tcp::socket& raw) {
    fd_ = raw.native_handle();
    if (stopping_) return false;
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::user_agent, "paxstats"); }));
    ws.handshake(u.host, u.target);
    ++connections_;
    return true;
  };
  auto talk = [&](auto& ws, tcp::socket& raw) {
    bool asked = false;
    try {
      if (handshake(ws, raw)) asked = converse(ws, stopping_, envelopes_, o_);
    } catch (...) {
      fd_ = -1;
      if (!stopping_) throw;
    }
    fd_ = -1;
    beast::error_code ignored;
    ws.close(websocket::close_code::normal, ignored);
    return asked;
  };
  if (!u.tls) {
    websocket::stream<tcp::socket> ws(ioc);
    asio::connect(ws.next_layer(), endpoints);
    return talk(ws, ws.next_layer());
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  websocket::stream<beast::ssl_stream<tcp::socket>> ws(ioc, tls);
  auto& raw = beast::get_lowest_layer(ws);
  asio::connect(raw, endpoints);
  if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), u.host.c_str()))
    throw std::runtime_error("TLS: cannot set the server name");
  ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(u.host));
  ws.next_layer().handshake(asio::ssl::stream_base::client);
  return talk(ws, raw);
}

}  // namespace paxstats::slack
