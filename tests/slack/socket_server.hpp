#pragma once
// Slack's end of Socket Mode for tests: a local WebSocket server that runs one script per
// accepted connection (hello, envelopes to ack, "disconnect").
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace paxstats::test {

namespace socket_server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
}  // namespace socket_server

using namespace socket_server;

// Slack's end of Socket Mode: each accepted connection runs the next script.
class SlackSocket {
 public:
  using Ws = websocket::stream<tcp::socket>;
  using Script = std::function<void(Ws&)>;
  explicit SlackSocket(std::vector<Script> scripts) : scripts_(std::move(scripts)) {
    thread_ = std::thread([this] {
      for (auto& script : scripts_) {
        tcp::socket s(ioc_);
        beast::error_code ec;
        acceptor_.accept(s, ec);
        if (ec) return;
        Ws ws(std::move(s));
        try {
          ws.accept();
          script(ws);
        } catch (const std::exception& e) {
          std::lock_guard lock(mu_);
          errors_.push_back(e.what());
        }
      }
    });
  }
  ~SlackSocket() {
    beast::error_code ec;
    acceptor_.close(ec);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/link/?ticket=t";
  }
  std::vector<std::string> errors() {
    std::lock_guard lock(mu_);
    return errors_;
  }
  static void send(Ws& ws, const json& j) {
    ws.text(true);
    ws.write(asio::buffer(j.dump()));
  }
  static json receive(Ws& ws) {
    beast::flat_buffer b;
    ws.read(b);
    return json::parse(beast::buffers_to_string(b.data()));
  }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<Script> scripts_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> errors_;
};

inline json hello() { return {{"type", "hello"}, {"num_connections", 1}, {"connection_info", {{"app_id", "A0FAKE"}}}}; }

}  // namespace paxstats::test
