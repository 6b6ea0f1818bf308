#include "http_server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "paxstats/log.hpp"

namespace paxstats::serve::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// application/x-www-form-urlencoded decoding of one key or value.
std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
      out += static_cast<char>(nibble(s[i + 1]) * 16 + nibble(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void parse_form(std::string_view text, std::multimap<std::string, std::string>& out) {
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace(url_decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
}

}  // namespace

// A route the server knows (named, not anonymous: Server::Impl holds them, and a unity build
// compiles this file inside another).
struct Route {
  std::string method;
  std::regex pattern;
  std::string label;
  Handler handler;
};

std::string Request::get_header_value(std::string_view name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::get_param_value(std::string_view name) const {
  const auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

struct Server::Impl {
  explicit Impl(Limits l) : limits(l), handlers(static_cast<size_t>(std::max(1, l.handler_threads))) {}

  Limits limits;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::thread_pool handlers;
  std::vector<std::thread> io;
  std::vector<Route> routes;
  Hook hook;
  std::atomic<bool> stopped{false};

  void dispatch(Request& req, Response& res, std::string& label) {
    bool path_known = false;
    for (const auto& r : routes) {
      std::smatch m;
      if (!std::regex_match(req.path, m, r.pattern)) continue;
      path_known = true;
      if (r.method != req.method) continue;
      label = r.label;
      for (const auto& x : m) req.matches.push_back(x.str());
      try {
        r.handler(req, res);
      } catch (const std::exception& e) {
        log::error("HTTP " + req.method + " " + r.label + ": " + log::redact(e.what()));
        res = Response{};
        res.status = 500;
        res.set_content("internal error\n", "text/plain");
      }
      return;
    }
    res.status = path_known ? 405 : 404;
    res.set_content(path_known ? "method not allowed\n" : "not found\n", "text/plain");
  }

  void accept();
};

namespace {

// One connection: read a request (bounded, with a deadline), hand it to the handler pool, write
// the answer, and read the next one while the client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // server outlives every session: its destructor stops the I/O and destroys what is pending.
  Session(tcp::socket socket, Server::Impl* server) : stream_(std::move(socket)), server_(server) {}

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->limits.max_header_bytes));
    parser_->body_limit(server_->limits.max_body_bytes);
    stream_.expires_after(server_->limits.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return refuse(413, "the request body is too large\n");
    if (ec == bhttp::error::header_limit) return refuse(431, "the request headers are too large\n");
    if (ec) return close();  // timeout, the client went away, or not HTTP
    started_ = Steady::now();
    auto msg = parser_->release();
    auto req = std::make_shared<Request>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    const size_t q = req->target.find('?');
    req->path = req->target.substr(0, q);
    if (q != std::string::npos) parse_form(std::string_view(req->target).substr(q + 1), req->params);
    for (const auto& h : msg) req->headers[lower(std::string(h.name_string()))] = std::string(h.value());
    req->body = std::move(msg.body());
    beast::error_code ep;
    const auto remote = stream_.socket().remote_endpoint(ep);
    if (!ep) req->remote_addr = remote.address().to_string();
    keep_alive_ = msg.keep_alive();
    // The handler may block (the database): never on the I/O thread.
    // A form body is decoded there too: a large one costs a handler's time, not every connection's.
    asio::post(server_->handlers, [self = shared_from_this(), req] {
      if (lower(req->get_header_value("content-type")).rfind("application/x-www-form-urlencoded", 0) == 0)
        parse_form(req->body, req->params);
      auto res = std::make_shared<Response>();
      std::string label;
      self->server_->dispatch(*req, *res, label);
      asio::post(self->stream_.get_executor(), [self, res, label] { self->write(*res, label); });
    });
  }

  void refuse(int status, const char* why) {
    keep_alive_ = false;
    started_ = Steady::now();
    Response res;
    res.status = status;
    res.set_content(why, "text/plain");
    write(res, "");
  }

  void write(const Response& res, const std::string& label) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(res.status), 11);
    msg->set(bhttp::field::server, "paxstats");
    msg->set(bhttp::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) msg->insert(k, v);
    msg->body() = res.body;
    msg->keep_alive(keep_alive_);
    msg->prepare_payload();
    stream_.expires_after(server_->limits.write_timeout);
    bhttp::async_write(
        stream_, *msg, [self = shared_from_this(), msg, label, status = res.status](beast::error_code ec, std::size_t) {
          if (self->server_->hook)
            self->server_->hook(label, status,
                                std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - self->started_));
          if (ec || self->server_->stopped) return self->close();
          if (!self->keep_alive_) return self->linger();
          self->read();
        });
  }

  // A refused request's client may still be sending its body: closing now would reset the
  // connection before it reads the answer. Stop writing, read and drop what comes (bounded in
  // time and bytes), then close.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain(0);
  }
  void drain(size_t so_far) {
    if (so_far > (8u << 20)) return close();
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this(), so_far](beast::error_code ec, std::size_t n) {
                              if (ec) return self->close();
                              self->drain(so_far + n);
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl* server_;
  bool keep_alive_ = true;
  Steady::time_point started_;
  std::array<char, 16384> scratch_{};
};

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopped || ec == asio::error::operation_aborted) return;
    if (!ec)
      std::make_shared<Session>(std::move(socket), this)->read();
    else if (ec == asio::error::no_descriptors)
      log::warn("HTTP: out of file descriptors; a connection waits");
    accept();
  });
}

Server::Server(Limits limits) : impl_(std::make_shared<Impl>(limits)) {}
Server::~Server() { stop(); }

void Server::route(std::string method, const std::string& pattern, std::string label, Handler handler) {
  impl_->routes.push_back({std::move(method), std::regex(pattern), std::move(label), std::move(handler)});
}

void Server::on_response(Hook hook) { impl_->hook = std::move(hook); }

int Server::bind(const std::string& host, int port) {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) throw std::runtime_error("\"" + host + "\" is not an IP address to listen on");
  const tcp::endpoint at(address, static_cast<unsigned short>(port));
  a.open(at.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);  // never SO_REUSEPORT: a second server must fail
  if (!ec) a.bind(at, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(ec.message());
  return a.local_endpoint().port();
}

void Server::start() {
  // Many slow or idle clients are many sockets: allow as many as the system lets this process.
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  impl_->accept();
  for (int i = 0; i < std::max(1, impl_->limits.io_threads); ++i)
    impl_->io.emplace_back([impl = impl_] { impl->ioc.run(); });
}

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  // A raw pointer, not the shared one: a handler the stopped io_context never runs would keep
  // Impl (which owns that io_context) alive for ever (LeakSanitizer found it when the service
  // refused to start). Impl outlives the handler: its threads are joined below.
  asio::post(impl_->ioc, [impl = impl_.get()] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  impl_->handlers.join();  // requests in hand are answered (their writes are posted to the I/O thread)
  impl_->ioc.stop();
  for (auto& t : impl_->io)
    if (t.joinable()) t.join();
  beast::error_code ec;
  impl_->acceptor.close(ec);  // no I/O thread is left to race with (and none ran if never started)
}

}  // namespace paxstats::serve::http
