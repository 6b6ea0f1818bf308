#pragma once
// Internal to slack/: one reusable libcurl handle (keep-alive, HTTP/2 over TLS when offered).
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

typedef void CURL;

namespace paxstats::slack::detail {

struct HttpRequest {
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000};
  // For calls that create something: a connection of its own, used once. libcurl silently
  // resends a request whose reused connection closed without an answer; for a create call that
  // may have been acted on, that is a duplicate. A fresh connection is never resent.
  bool fresh_connection = false;
};

struct HttpResponse {
  bool transport_ok = false;  // an HTTP response arrived
  std::string transport_error;
  bool maybe_sent = true;  // for transport errors: false only when nothing was sent
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class Http {
 public:
  Http();
  ~Http();
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;
  HttpResponse post(const HttpRequest& request);

 private:
  struct CurlDeleter {
    void operator()(CURL* c) const;
  };
  std::unique_ptr<CURL, CurlDeleter> curl_;
};

// application/x-www-form-urlencoded encoding of one value.
std::string form_escape(const std::string& s);

}  // namespace paxstats::slack::detail
