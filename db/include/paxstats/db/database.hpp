#pragma once
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paxstats::db {

namespace detail {
struct DatabaseImpl;
}

// One connection to PostgreSQL. Not thread-safe: use one Database per thread. What it can do is
// the typed functions of db/'s headers; raw SQL (paxstats/db/sql.hpp) is db/'s own, and for tests
// and administration.
// Connection failures throw paxstats::UserError naming the target (never its password);
// SQL errors throw std::runtime_error carrying PostgreSQL's message.
class Database {
 public:
  // url: a libpq URI or key=value string (what DATABASE_URL holds).
  explicit Database(const std::string& url);
  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A new connection to the same database (independent reads on the server's other cores).
  Database sibling() const;

  // Replaces a lost connection with a new one to the same database (db::perform does, before it
  // tries a step again). Whatever lived in the old session — temp tables, advisory locks, a
  // report::Snapshot's sources — is gone. Throws UserError when the server cannot be reached.
  void reconnect();

  // False once the connection is gone (the server stopped or restarted): it will not come back.
  bool is_open() const;

  // Access for the db module's own sources; not part of the public contract.
  detail::DatabaseImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<detail::DatabaseImpl> impl_;
};

// True when `e` says the connection to PostgreSQL was lost mid-command (the server stopped,
// restarted or went away): a problem of the environment, not a bug (the CLI exits 2 for it).
bool is_connection_loss(const std::exception& e);

// Answers when the server does (one round trip); throws when the connection is gone.
void ping(Database& db);
// The server's version() string.
std::string server_version(Database& db);

// Quotes an identifier for SQL ("my""name"). Only for names already validated (schema slugs).
std::string quote_identifier(std::string_view name);

// Returns url with any password replaced by "***", safe to print or log.
std::string redact_url(std::string_view url);

}  // namespace paxstats::db
