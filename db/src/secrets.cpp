#include "paxstats/db/secrets.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db {

std::string_view to_string(SecretName name) {
  switch (name) {
    case SecretName::bot_token: return "bot_token";
    case SecretName::bot_refresh_token: return "bot_refresh_token";
  }
  return "bot_token";
}

namespace {
SecretName secret_name(const std::string& text) {
  if (text == "bot_token") return SecretName::bot_token;
  if (text == "bot_refresh_token") return SecretName::bot_refresh_token;
  throw std::runtime_error("paxstats.secrets holds an unknown name \"" + text + "\"");
}
}  // namespace

void store_secret(Database& db, std::string_view region, SecretName name, std::string_view sealed,
                  std::optional<long long> expires_at) {
  get_region(db, region);  // UserError for an unknown region
  sql::query(db,
             "INSERT INTO paxstats.secrets (region, name, sealed, expires_at) "
             "VALUES ($1, $2, $3, to_timestamp($4::bigint)) "
             "ON CONFLICT (region, name) DO UPDATE SET sealed = EXCLUDED.sealed, expires_at = EXCLUDED.expires_at, "
             "updated_at = now()",
             {std::string(region), std::string(to_string(name)), std::string(sealed),
              expires_at ? std::optional<std::string>(std::to_string(*expires_at)) : std::nullopt});
}

std::optional<long long> secret_expires_at(Database& db, std::string_view region, SecretName name) {
  const auto v = sql::value(db,
                            "SELECT extract(epoch FROM expires_at)::bigint FROM paxstats.secrets "
                            "WHERE region = $1 AND name = $2",
                            {std::string(region), std::string(to_string(name))});
  if (!v) return std::nullopt;
  return std::stoll(*v);
}

void with_secrets_locked(Database& db, std::string_view region, const std::function<void()>& f) {
  const Params key = {std::string(region)};
  sql::query(db, "SELECT pg_advisory_lock(7302, hashtext($1))", key);
  struct Unlock {
    Database& db;
    const Params& key;
    ~Unlock() {
      try {
        sql::query(db, "SELECT pg_advisory_unlock(7302, hashtext($1))", key);
      } catch (...) {  // the connection is gone: so is its lock
      }
    }
  } unlock{db, key};
  f();
}

std::optional<std::string> sealed_secret(Database& db, std::string_view region, SecretName name) {
  return sql::value(db, "SELECT sealed FROM paxstats.secrets WHERE region = $1 AND name = $2",
                    {std::string(region), std::string(to_string(name))});
}

bool delete_secret(Database& db, std::string_view region, SecretName name) {
  return !sql::query(db, "DELETE FROM paxstats.secrets WHERE region = $1 AND name = $2 RETURNING 1",
                     {std::string(region), std::string(to_string(name))})
              .empty();
}

std::vector<SealedSecret> all_secrets(Database& db) {
  std::vector<SealedSecret> out;
  for (const auto& r : sql::query(db, "SELECT region, name, sealed FROM paxstats.secrets ORDER BY region, name"))
    out.push_back({r[0].value_or(""), secret_name(r[1].value_or("")), r[2].value_or("")});
  return out;
}

void reseal_secrets(Database& db, const std::vector<std::pair<SealedSecret, std::string>>& from_to) {
  if (from_to.empty()) return;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [from, to] : from_to)
    rows.push_back({{"region", from.region}, {"name", to_string(from.name)}, {"old", from.sealed}, {"sealed", to}});
  // One statement (a function of control migration 0015): every row or none.
  try {
    sql::query(db, "SELECT paxstats.reseal_secrets($1::jsonb)", {rows.dump()});
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() != "P0001") throw;
    throw UserError("nothing was re-sealed: " + std::string(from_to.size() == 1 ? "the secret" : "a secret") +
                    " was changed while the keys were changed (another paxstats at work?). Run it again");
  }
}

}  // namespace paxstats::db
