#pragma once
// Internal to db/: the libpqxx connection behind paxstats::db::Database.
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace paxstats::db::detail {

struct DatabaseImpl {
  explicit DatabaseImpl(const std::string& u) : conn(u), url(u) {}
  pqxx::connection conn;
  std::string url;              // for a second connection of db/'s own (a COPY stream); never logged
  std::optional<bool> standby;  // whether the server is a hot standby (db/replica: asked once)
};

// A PostgreSQL text[] literal of the values ({"a","b"}, each quoted and escaped), for $n::text[].
inline std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Binds a vector of nullable strings as $1..$n.
inline pqxx::result exec_params(pqxx::transaction_base& tx, const std::string& sql,
                                const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
}

}  // namespace paxstats::db::detail
