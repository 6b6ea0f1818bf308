#pragma once
// Internal to mining/: turning stored messages into beatdowns.
#include <chrono>

#include "paxstats/db/raw_store.hpp"
#include "paxstats/mining/backblast.hpp"
#include "paxstats/mining/pipeline.hpp"

namespace paxstats::mining::detail {

// A ts ("1700000000.000100") as time; nullopt when it is not one.
std::optional<std::chrono::sys_seconds> ts_time(std::string_view ts);

// Re-derives the messages the writer marks (merged by it, or all of the region's with
// `everything`) and writes their beatdowns, attendance and parse issues.
DeriveReport derive(db::RegionWriter& writer, const ParseContext& context, bool everything);

// The parse context of a region: its time zone (read before the writer's transaction opens,
// as one connection runs one transaction) and the channels the writer sees.
ParseContext make_context(const std::string& tz, db::RegionWriter& writer);

}  // namespace paxstats::mining::detail
