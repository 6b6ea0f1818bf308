#pragma once
// Internal to mining/: turning stored messages into beatdowns.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/mining/backblast.hpp"
#include "paxstats/mining/pipeline.hpp"

namespace paxstats::mining::detail {

// A ts ("1700000000.000100") as time; nullopt when it is not one.
std::optional<std::chrono::sys_seconds> ts_time(std::string_view ts);

// What derivation made of one message it read: a beatdown (its Q's user id, "" for a typed
// name or none) or not, and the parse errors of this version, in the order the store lists them
// (by line, whole-message ones last, then field).
struct MessageOutcome {
  bool beatdown = false;
  std::string q_user_id;
  std::vector<ParseIssue> errors;
};
struct Derivation {
  DeriveReport report;
  // With Outcomes::kept: every message read, by key. A message in the writer's scope
  // (RegionWriter::derivation_scope) that is not here is no beatdown and has no parse issue.
  std::map<db::MessageKey, MessageOutcome> messages;
};
enum class Outcomes { dropped, kept };

// Re-derives the messages the writer marks (merged by it, or all of the region's with
// `everything`) and writes their beatdowns, attendance and parse issues; with Outcomes::kept,
// says what became of each (the event path, a few messages: the caller need not read back what
// was just written).
Derivation derive(db::RegionWriter& writer, const ParseContext& context, bool everything,
                  Outcomes outcomes = Outcomes::dropped);

// The parse context of a region: its time zone (read before the writer's transaction opens,
// as one connection runs one transaction) and the channels the writer sees.
ParseContext make_context(const std::string& tz, db::RegionWriter& writer);

}  // namespace paxstats::mining::detail
