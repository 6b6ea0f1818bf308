#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace paxstats::mining {

// A synthetic F3 region written as a Slack export, with the ground truth of every beatdown.
struct GeneratorOptions {
  int pax = 150;   // Slack members who work out (plus non-Slack regulars and bots)
  int years = 1;   // whole months ending with `end`: 12 × years …
  int months = 0;  // … or exactly this many, when > 0 (small regions for tests)
  uint64_t seed = 1;
  std::string end = "2026-10-31";  // last day generated (YYYY-MM-DD); fixed so output is reproducible
  std::string tz = "America/Chicago";
  int aos = 0;                        // AO channels; 0 = 15, more for large regions
  double chatter_per_pax_day = 0.05;  // chatter messages per PAX per day, across chatter channels
};

struct GeneratorSummary {
  int users = 0;
  int channels = 0;
  long messages = 0;      // every message written, replies and tombstones included
  int beatdowns = 0;      // entries in truth.json
  int not_beatdowns = 0;  // backblast-looking posts that must not count (listed in truth.json)
  std::string first_date, last_date;
};

// Writes into out_dir (created; existing export files are replaced):
//   channels.json, groups.json, users.json, integration_logs.json, <channel-name>/YYYY-MM-DD.json
//   truth.json: {"region":…, "beatdowns":[{channel, ts, date, ao, q, coqs, pax, fngs, count,
//                count_written, format}], "not_beatdowns":[{channel, ts, why}]}
// Same options → same bytes. Throws paxstats::UserError for invalid options or an unwritable dir.
GeneratorSummary generate_workspace(const GeneratorOptions& options, const std::filesystem::path& out_dir);

}  // namespace paxstats::mining
