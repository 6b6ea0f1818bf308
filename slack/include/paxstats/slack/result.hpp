#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace paxstats::slack {

using json = nlohmann::json;

// The outcome of one Web API call, keeping Slack's three kinds of failure apart.
enum class Outcome {
  ok,               // HTTP 200 and "ok": true
  transport_error,  // no HTTP response: cannot connect, timeout, connection dropped
  http_error,       // an HTTP status other than 200 (429 rate limited, 5xx)
  slack_error,      // HTTP 200 with "ok": false and Slack's error string
};

struct Result {
  Outcome outcome = Outcome::transport_error;
  std::string method;
  long http_status = 0;
  std::optional<std::chrono::seconds> retry_after;  // from a 429
  std::string error;     // Slack's error ("not_in_channel"), "http_<status>", or the transport's reason
  std::string needed;    // missing_scope: the scope Slack asked for
  std::string provided;  // missing_scope: the scopes the token has
  std::vector<std::string> warnings;
  json body;  // the parsed response (object) when there was one
  // For transport errors: false when the request provably never reached the server (could not
  // connect); true when it may have been received and acted on.
  bool maybe_sent = true;
  int attempts = 0;  // HTTP attempts made, retries included

  bool ok() const { return outcome == Outcome::ok; }
  bool rate_limited() const { return outcome == Outcome::http_error && http_status == 429; }
  // One line for people: the method, what happened, Slack's words. Never contains the token.
  std::string describe() const;
};

}  // namespace paxstats::slack
