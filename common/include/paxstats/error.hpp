#pragma once
#include <stdexcept>
#include <string>

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

}  // namespace paxstats
