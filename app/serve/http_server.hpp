#pragma once
// The service's HTTP server: asynchronous (Boost.Beast on Asio), so slow or idle clients cost
// memory, never a thread. Requests are read with bounded sizes and deadlines; a complete request
// is handed to a fixed pool of handler threads (they may block on the database), and its answer
// written back asynchronously. One hook sees every request and response (metrics, access log).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paxstats::serve::http {

struct Request {
  std::string method, target, path, body, remote_addr;
  std::map<std::string, std::string> headers;                 // names lower-cased
  std::multimap<std::string, std::string> params;             // query string, and form bodies
  std::vector<std::string> matches;                           // the route pattern's captures, [0] = the path
  std::string get_header_value(std::string_view name) const;  // "" when absent (any case)
  std::string get_param_value(std::string_view name) const;   // "" when absent
};

struct Response {
  int status = 200;
  std::string body, content_type = "text/plain";
  std::vector<std::pair<std::string, std::string>> headers;
  void set_content(std::string b, std::string type) {
    body = std::move(b);
    content_type = std::move(type);
  }
};

using Handler = std::function<void(const Request&, Response&)>;

// What a request may take. Past a limit the connection gets 413 or 408 (or is closed) and costs
// nothing more.
struct Limits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;            // Slack's payloads are a few KB
  std::chrono::milliseconds read_timeout{10000};  // headers and body of one request, from its first byte
  std::chrono::milliseconds idle_timeout{30000};  // a keep-alive connection between requests
  std::chrono::milliseconds write_timeout{10000};
  int handler_threads = 64;  // requests handled at once (each may wait on the database)
  int io_threads = 2;        // reading and writing sockets
};

class Server {
 public:
  explicit Server(Limits limits = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A route: method and a regular expression matched against the whole path. `label` names it in
  // the hook (metrics group by it, not by the raw path).
  void route(std::string method, const std::string& pattern, std::string label, Handler handler);

  // Called after each response is written (or the request refused): label ("" when no route
  // matched), the status, and how long it took. From any thread.
  using Hook = std::function<void(const std::string& label, int status, std::chrono::microseconds took)>;
  void on_response(Hook hook);

  // Binds host:port (0: any free port) with SO_REUSEADDR and a wide backlog; returns the port.
  // Throws std::runtime_error when it cannot.
  int bind(const std::string& host, int port);
  void start();  // serving from now on (threads of its own)
  void stop();   // stops accepting, closes connections, joins its threads

  struct Impl;  // internal (its connections refer to it)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace paxstats::serve::http
