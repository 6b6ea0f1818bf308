#include "paxstats/db/replica.hpp"

#include <thread>

#include "detail/database_impl.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db::replica {

std::string wal_position(Database& primary) {
  return sql::value(primary, "SELECT pg_current_wal_lsn()::text").value_or("0/0");
}

bool is_standby(Database& db) {
  auto& known = db.impl().standby;
  if (!known) known = sql::value(db, "SELECT pg_is_in_recovery()") == "t";
  return *known;
}

bool wait_for(Database& standby, const std::string& position, std::chrono::milliseconds limit) {
  if (!is_standby(standby)) return true;
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (sql::value(standby, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", {position}) == "t")
      return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace paxstats::db::replica
