#pragma once
// One retry policy for the database (libpqxx's perform, with its catch ladder in one place).
#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>

#include "paxstats/db/database.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db {

// What a failed database step means for trying it again.
enum class Failure {
  connection_lost,  // the connection broke before any COMMIT was asked for: nothing happened
  in_doubt,         // the connection broke during COMMIT: it may have happened, or not
  serialization,    // a serialization failure or deadlock (40001, 40P01): nothing happened
  other,            // SQL, a constraint, or not the database's at all: trying again changes nothing
};
Failure classify(const std::exception& e);

// A commit whose outcome is unknown: never repeated on its own, since it may have happened. A
// person looks (the CLI exits 2 with this; a job that meets one stops, failed, with it).
class InDoubt : public UserError {
 public:
  using UserError::UserError;
};

struct PerformOptions {
  int attempts = 4;                        // in all, the first included
  std::chrono::milliseconds backoff{100};  // before try n+1: backoff·2^(n-1), ±25%
  std::chrono::milliseconds backoff_cap{2000};
  // Told of each failure that will be tried again (attempt just failed, why).
  std::function<void(int attempt, Failure, const std::exception&)> on_retry = {};
};

namespace detail {
// Decides after a failed attempt: rethrows (as InDoubt for an in-doubt commit) when it must not be
// tried again, else reconnects when the connection was lost and waits the backoff.
void after_failure(Database& db, const std::exception& e, int attempt, const PerformOptions& options);
}  // namespace detail

// Runs step(db) — a whole unit of work, its transactions begun and committed inside — and tries it
// again by the ladder:
//   - a connection lost before a commit: again on a new connection (session state — temp tables,
//     advisory locks, a report::Snapshot — went with the old one, so the step must make its own);
//   - a serialization failure or deadlock: again after a backoff;
//   - a commit whose outcome is unknown: never again; InDoubt is thrown;
//   - anything else: rethrown as it is.
// After options.attempts tries the last failure is rethrown. A step that also acts outside the
// database (Slack) must not be performed: a repeat would act twice.
template <class Step>
std::invoke_result_t<Step&, Database&> perform(Database& db, Step&& step, const PerformOptions& options = {}) {
  for (int attempt = 1;; ++attempt) {
    try {
      return step(db);
    } catch (const std::exception& e) {
      detail::after_failure(db, e, attempt, options);
    }
  }
}

}  // namespace paxstats::db
