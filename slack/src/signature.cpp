#include "paxstats/slack/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace paxstats::slack {

std::string compute_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string base;
  base.reserve(3 + timestamp.size() + 1 + body.size());
  base.append("v0:").append(timestamp).append(":").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

Verification verify_signature(std::string_view secret, std::string_view timestamp, std::string_view signature,
                              std::string_view body, std::chrono::system_clock::time_point now,
                              std::chrono::seconds max_age) {
  if (timestamp.empty() || signature.empty()) return Verification::missing_headers;
  long long ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc() || end != timestamp.data() + timestamp.size()) return Verification::bad_timestamp;
  // A Unix time in seconds, 1970 to 5138: anything else is no timestamp (and would overflow below).
  if (ts < 0 || ts > 100'000'000'000LL) return Verification::bad_timestamp;
  const long long now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (now_s - ts > max_age.count() || ts - now_s > max_age.count()) return Verification::stale;
  const std::string expected = compute_signature(secret, timestamp, body);
  if (signature.size() != expected.size() || CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0)
    return Verification::bad_signature;
  return Verification::ok;
}

const char* to_string(Verification v) {
  switch (v) {
    case Verification::ok: return "ok";
    case Verification::missing_headers: return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
    case Verification::bad_timestamp: return "X-Slack-Request-Timestamp is not a Unix time";
    case Verification::stale: return "request timestamp is more than 5 minutes from now (replay?)";
    default: return "signature does not match";
  }
}

}  // namespace paxstats::slack
