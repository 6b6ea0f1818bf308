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

// A synthetic community workspace that is not F3 (a meetup or mentoring community): channels,
// threads, reactions, mentions, files, bots, joins and leaves, members who go quiet and come
// back. Its truth.json holds the community counting rules' figures for every member.
struct CommunityOptions {
  int members = 200;
  int months = 6;  // whole months ending with `end`
  uint64_t seed = 1;
  std::string end = "2026-10-31";
  std::string tz = "America/New_York";
  double posts_per_member_day = 0.4;  // scales every member's rate (core members post 6×, lurkers 0.08×)
};

// Writes into out_dir, as generate_workspace does:
//   users.json, channels.json, <channel>/YYYY-MM-DD.json, and
//   truth.json: {"community": true, "tz", "first_date", "last_date", "messages", "member_messages",
//                "member_activity": [{user_id, messages, replies, threads_started, reactions_received,
//                reactions_given, files, mentions_given, mentions_received, active_days, active_weeks,
//                replies_to_others, help_answers (replies to others in #help), first_ts, last_ts}]}
GeneratorSummary generate_community(const CommunityOptions& options, const std::filesystem::path& out_dir);

}  // namespace paxstats::mining
