#include "paxstats/db/database.hpp"

#include "paxstats/db/sql.hpp"

#include "detail/database_impl.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"

namespace paxstats::db {

namespace {
std::unique_ptr<detail::DatabaseImpl> open_connection(const std::string& url) {
  try {
    return std::make_unique<detail::DatabaseImpl>(url);
  } catch (const pqxx::broken_connection& e) {
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    // Transient: a service tries again later (the server may be restarting); the CLI exits 2.
    throw TransientError("cannot connect to PostgreSQL at " + redact_url(url) + ": " + why +
                         "\nCheck DATABASE_URL, or unset it to use the private cluster (paxstats db start).");
  }
}
}  // namespace

Database::Database(const std::string& url) : impl_(open_connection(url)) {}
void Database::reconnect() { impl_ = open_connection(impl_->url); }
Database::~Database() = default;
Database Database::sibling() const { return Database(impl_->url); }
bool is_connection_loss(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e)) return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

bool Database::is_open() const { return impl_ && impl_->conn.is_open(); }
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;

std::vector<Row> sql::query(Database& db, std::string_view sql, const Params& params) {
  // One statement is atomic by itself: autocommit saves the BEGIN and COMMIT round trips (a
  // slash command's ack was two statements and six round trips).
  pqxx::nontransaction tx(db.impl().conn);
  pqxx::result r = detail::exec_params(tx, std::string(sql), params);
  tx.commit();
  std::vector<Row> rows;
  rows.reserve(r.size());
  for (const auto& row : r) {
    Row out;
    out.reserve(row.size());
    for (const auto& field : row) {
      if (field.is_null())
        out.emplace_back(std::nullopt);
      else
        out.emplace_back(std::string(field.c_str(), field.size()));
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

std::optional<std::string> sql::value(Database& db, std::string_view sql, const Params& params) {
  auto rows = query(db, sql, params);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

void sql::script(Database& db, std::string_view sql) {
  pqxx::work tx(db.impl().conn);
  tx.exec(std::string(sql));
  tx.commit();
}

void sql::autocommit(Database& db, std::string_view sql) {
  pqxx::nontransaction tx(db.impl().conn);
  tx.exec(std::string(sql));
}

void ping(Database& db) { sql::query(db, "SELECT 1"); }

std::string server_version(Database& db) { return sql::value(db, "SELECT version()").value_or(""); }

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string redact_url(std::string_view url) { return log::redact(url); }

}  // namespace paxstats::db
