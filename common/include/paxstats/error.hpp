#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace paxstats {

// An error caused by the user's input or environment (a bad slug, a missing file, a server
// that will not start). what() is a complete sentence for the user: what was wrong, where,
// and what to do. The CLI prints it without a stack of context and exits with status 2.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure of something outside paxstats that is worth trying again later (Slack answering
// 5xx or 429, a timeout, a dropped connection). The CLI exits 2 and says when to try again; a
// service job is retried with backoff, never failed for good after one try.
class TransientError : public UserError {
 public:
  using UserError::UserError;
};

// Text from outside (a URL parameter, a CLI argument) as it is safe to repeat in a message: in
// quotes, at most 60 bytes, control characters and bytes that are not UTF-8 shown as "?".
inline std::string quoted_input(std::string_view s) {
  std::string out = "\"";
  const size_t n = s.size() < 60 ? s.size() : 60;
  for (size_t i = 0; i < n;) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size() && c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xC2);
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out + (s.size() > 60 ? "…\"" : "\"");
}

}  // namespace paxstats
