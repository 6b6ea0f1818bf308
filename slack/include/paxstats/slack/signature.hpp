#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace paxstats::slack {

// "v0=" + hex(HMAC-SHA256(signing_secret, "v0:" + timestamp + ":" + body)).
std::string compute_signature(std::string_view signing_secret, std::string_view timestamp, std::string_view body);

enum class Verification { ok, missing_headers, bad_timestamp, stale, bad_signature };

// Checks X-Slack-Request-Timestamp and X-Slack-Signature against the raw body: the timestamp
// must be within max_age of now (either way) and the signature must match, compared in
// constant time.
Verification verify_signature(std::string_view signing_secret, std::string_view timestamp_header,
                              std::string_view signature_header, std::string_view body,
                              std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
                              std::chrono::seconds max_age = std::chrono::seconds(300));

const char* to_string(Verification v);

}  // namespace paxstats::slack
