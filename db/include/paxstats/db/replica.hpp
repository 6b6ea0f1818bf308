#pragma once
// A hot standby for reads (DATABASE_READ_URL): how far the primary has written, and whether a
// standby has replayed that far. A read that must not be older than what the primary had when it
// was asked for takes the primary's position first, then reads the standby once it is there.
#include <chrono>
#include <string>

#include "paxstats/db/database.hpp"

namespace paxstats::db::replica {

// The primary's WAL position now (its pg_lsn as text): every commit before this call is in it.
std::string wal_position(Database& primary);

// Polls the standby until it has replayed `position` (true), or `limit` has passed (false). A
// server that is not a standby has everything it has: true at once.
bool wait_for(Database& standby, const std::string& position, std::chrono::milliseconds limit);

// Whether this connection's server is a standby (in recovery): asked once per connection.
bool is_standby(Database& db);

}  // namespace paxstats::db::replica
