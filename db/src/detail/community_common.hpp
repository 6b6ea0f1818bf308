#pragma once
// Internal to db/: what the community reads, nudges and export share (community*.cpp).
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "detail/database_impl.hpp"
#include "detail/region_schema.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community::common {

using detail::exec_params;

using detail::region_schema;

inline std::string bound(const std::string& v, const char* infinity) { return v.empty() ? std::string(infinity) : v; }

// A window's ends, refused with the text the user gave when PostgreSQL cannot read them.
inline UserError bad_window(const Window& w, const std::string& why) {
  return UserError("the time window (" + (w.since.empty() ? std::string("the beginning") : "\"" + w.since + "\"") +
                   " to " + (w.until.empty() ? std::string("now") : "\"" + w.until + "\"") +
                   ") is not two ISO 8601 dates or times (2026-10-01, 2026-10-01T05:00:00Z): " + why);
}

inline std::int64_t as_i64(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }

// Runs `body` in a read-only transaction whose time zone is tz (so window dates are local).
template <class Body>
auto in_zone(Database& db, std::string_view region, std::string_view tz, const Window& w, Body body) {
  pqxx::read_transaction tx(db.impl().conn);
  // The region's schema first: the counting functions are inlined into the query, and read its
  // views by name. No JIT: these statements scan a period of raw messages once, and compiling
  // them (their estimates run to millions of rows) took 0.3–0.9 s of a 4 s query. work_mem 64 MB
  // (the server's default is 4): the hash of a million messages' keys that engagement_parts joins
  // replies to their threads by was spilled to disk in 16 batches (2.7 → 2.0 s at 1M messages);
  // a small workspace's hashes stay small whatever the limit.
  exec_params(tx,
              "SELECT set_config('TimeZone', $1, true), set_config('search_path', $2, true), "
              "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)",
              {std::string(tz), region_schema(region) + ", pg_catalog"});
  try {
    return body(tx);
  } catch (const pqxx::data_exception& e) {
    throw bad_window(w, e.what());
  }
}

}  // namespace paxstats::db::community::common
