#pragma once
// Internal to db/: the export's counts of a window in one pass (community_tally.cpp).
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/db/community.hpp"

namespace paxstats::db::community::detail {

// The window [since, until) in microseconds since 2000-01-01 UTC (PostgreSQL's timestamptz);
// none is unbounded.
struct MicroWindow {
  std::optional<std::int64_t> since, until;
};

// Where the tally reads from: connections whose transactions hold the same snapshot, in sessions
// whose TimeZone is the region's (active days are its dates).
struct TallySources {
  PGconn* conn = nullptr;            // messages, users, channels, files
  PGconn* reactions_conn = nullptr;  // the reactions, read on a thread meanwhile (none: after, on conn)
  // With it, the reactions table's CSV (every reaction, by key) is written to it from the same
  // reading, as COPY would write it.
  const std::function<void(std::string_view)>* reactions_csv = nullptr;
};

// Counts member_activity, channel_activity and the interaction network of the window. schema:
// the region's schema, quoted. reactions_rows: the rows written to reactions_csv.
Tally count_window(const TallySources& from, const std::string& schema, const MicroWindow& window,
                   std::int64_t* reactions_rows = nullptr);

// A double as PostgreSQL's round(x::numeric, 1) writes it ("12.3"): the 15 significant digits of
// float8 → numeric, then rounded half away from zero.
std::string numeric_round1(double x);

}  // namespace paxstats::db::community::detail
