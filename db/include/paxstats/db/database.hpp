#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paxstats::db {

namespace detail {
struct DatabaseImpl;
}

// One row of a generic query: each column as text, NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;
using Params = std::vector<std::optional<std::string>>;

// One connection to PostgreSQL. Not thread-safe: use one Database per thread.
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

  // Runs one parameterised statement ($1, $2, … bound to params; never interpolated) in its
  // own transaction and returns every row. For administration and tests; modules expose
  // typed functions for everything else.
  std::vector<Row> query(std::string_view sql, const Params& params = {});

  // The first column of the first row, or nullopt when there is no row or it is NULL.
  std::optional<std::string> query_value(std::string_view sql, const Params& params = {});

  // Runs a script of one or more statements (no parameters) in one transaction.
  void execute_script(std::string_view sql);

  // Runs one statement outside any transaction (CREATE DATABASE, DROP DATABASE, VACUUM).
  void execute_autocommit(std::string_view sql);

  // Access for the db module's own sources; not part of the public contract.
  detail::DatabaseImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<detail::DatabaseImpl> impl_;
};

// Quotes an identifier for SQL ("my""name"). Only for names already validated (schema slugs).
std::string quote_identifier(std::string_view name);

// Returns url with any password replaced by "***", safe to print or log.
std::string redact_url(std::string_view url);

}  // namespace paxstats::db
