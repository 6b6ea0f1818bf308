#include "paxstats/db/perform.hpp"

#include <algorithm>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "paxstats/log.hpp"

namespace paxstats::db {

Failure classify(const std::exception& e) {
  // Most specific first: libpqxx's in_doubt_error is not a broken_connection, but a lost
  // connection is what causes one.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) || dynamic_cast<const pqxx::statement_completion_unknown*>(&e) ||
      dynamic_cast<const InDoubt*>(&e))
    return Failure::in_doubt;
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e))
    return Failure::serialization;
  if (is_connection_loss(e)) return Failure::connection_lost;
  return Failure::other;
}

namespace detail {

void after_failure(Database& db, const std::exception& e, int attempt, const PerformOptions& options) {
  const Failure failure = classify(e);
  if (failure == Failure::in_doubt) {
    if (dynamic_cast<const InDoubt*>(&e)) throw;
    throw InDoubt(std::string("the database connection was lost while a commit was under way, so it may or may not "
                              "have been made (") +
                  e.what() +
                  "). paxstats does not repeat it on its own: check what it was writing, then run the command "
                  "again.");
  }
  if (failure == Failure::other || attempt >= options.attempts) throw;
  if (options.on_retry) options.on_retry(attempt, failure, e);
  log::warn(
      std::string(failure == Failure::connection_lost ? "database connection lost" : "database serialization failure") +
      ", trying again (" + std::to_string(attempt) + " of " + std::to_string(options.attempts) + ")");
  // The jitter spreads the retries of many threads meeting the same failure.
  thread_local std::minstd_rand jitter{std::random_device{}()};
  const auto base = std::min(options.backoff * (1 << std::min(attempt - 1, 16)), options.backoff_cap);
  const auto wait = base * (75 + static_cast<int>(jitter() % 51)) / 100;
  std::this_thread::sleep_for(wait);
  if (failure == Failure::connection_lost) db.reconnect();  // a server that is gone throws TransientError here
}

}  // namespace detail
}  // namespace paxstats::db
