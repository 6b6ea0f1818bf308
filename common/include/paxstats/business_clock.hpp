#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

// Two clocks, kept apart (STYLE.md "Two clocks"):
// - the wall clock (std::chrono::system_clock / steady_clock) for signature freshness,
//   timeouts and backoff;
// - the *business* clock, which answers "which month is it", "is this slot due" and "how old is
//   this post". Every piece of business logic takes it from here, so tests and backfills can pin
//   it: PAXSTATS_NOW (an ISO 8601 time) sets it and nothing else.
namespace paxstats {

using BusinessTime = std::chrono::sys_seconds;

// A source of business time. Copyable; safe to call from any thread.
using BusinessClock = std::function<BusinessTime()>;

// Parses "2026-11-15T12:00:00Z", "2026-11-15T06:00:00-06:00", "2026-11-15 12:00:00" (UTC),
// "2026-11-15T12:00Z" or "2026-11-15" (midnight UTC). nullopt for anything else.
std::optional<BusinessTime> parse_iso_time(std::string_view text);

// The business clock of this process: PAXSTATS_NOW when set — the clock then stands at that
// instant for the whole process, so a run is reproducible — else the wall clock. Throws
// paxstats::UserError when PAXSTATS_NOW is set but is not an ISO time.
BusinessClock business_clock_from_env();

// A clock that always answers t (tests).
BusinessClock fixed_business_clock(BusinessTime t);

}  // namespace paxstats
