#pragma once
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/mining/backblast.hpp"

namespace paxstats::slack {
class Client;
}

namespace paxstats::mining {

// What derivation found.
struct DeriveReport {
  long examined = 0;        // messages the parser read (those that might be backblasts)
  long beatdowns = 0;       // beatdowns found (all of them, written or already stored as they are)
  long changed = 0;         // messages whose beatdown, attendance or parse issues were written or removed
  long with_errors = 0;     // beatdowns whose parse has errors
  long with_warnings = 0;   // beatdowns with warnings only
  int aliases = 0;          // typed names that are a user (db::refresh_aliases, after the commit)
  int ambiguous_names = 0;  // typed names that fit several users, left typed
};

struct ImportOptions {
  bool skip_bad_files = false;       // import the rest and list bad files instead of failing
  std::ostream* progress = nullptr;  // progress lines (to a TTY: one line rewritten)
  bool progress_is_tty = false;
};

struct ImportReport {
  long files = 0, messages = 0, inserted = 0, updated = 0, users = 0, conversations = 0;
  std::vector<std::string> skipped;  // "file: why", with skip_bad_files
  std::vector<std::string> notes;    // things worth telling (folders no list names, …)
  DeriveReport derived;
  double seconds = 0;
};

// Imports a Slack export (.zip or unpacked folder) into a region's raw store and derives its
// beatdowns, all in one transaction: on any error nothing is written (unless skip_bad_files,
// which leaves out the files that are bad and keeps the rest). Importing the same or an
// overlapping export again changes nothing but what is newer. Throws UserError naming the file
// (and line, or message ts) of bad input.
ImportReport import_export(db::Database& db, std::string_view region, const std::filesystem::path& path,
                           const ImportOptions& options = {});

struct SyncOptions {
  int lookback_days = 7;        // re-read this far back from the newest stored message (edits, late replies)
  bool join_channels = true;    // join public AO channels the bot is not in
  bool nonmarketplace = false;  // Slack's 2025 limits for non-Marketplace apps: 1 history call a minute, 15 a page
  std::ostream* progress = nullptr;
  bool progress_is_tty = false;  // a terminal: one line redrawn in place; else plain lines
  // Asked before each channel and after each page is stored: true ends the sync at once with
  // SyncStopped, everything read so far kept (the next sync goes on from there).
  std::function<bool()> should_stop = {};
};

// A sync ended by SyncOptions::should_stop (the service stopping).
struct SyncStopped : std::runtime_error {
  SyncStopped()
      : std::runtime_error("the sync was stopped; what it read is kept and the next sync goes on from there") {}
};

// A channel sync did not read, and why (said so the reader can act on it).
struct SkippedChannel {
  std::string name;    // "#ao-forge"
  std::string reason;  // "the bot is not a member; …"
};

struct SyncReport {
  std::string team_id, team_name;  // the workspace the token answers for (auth.test)
  bool team_id_stored = false;     // the region had none: sync recorded it
  long users = 0, channels = 0, channels_read = 0, channels_up_to_date = 0, pages = 0, messages = 0, inserted = 0,
       updated = 0, threads = 0;
  DeriveReport derived;
  std::vector<SkippedChannel> skipped;  // every channel neither read nor up to date, with its reason
  double seconds = 0;
};

// Brings a region up to date through the Web API: users, channels (archived too), then each
// readable channel's history from its newest stored message minus the look-back (all of it the
// first time), with the replies of threads. Each page is committed with a checkpoint, so an
// interrupted sync resumes where it stopped without gaps. First it asks auth.test which
// workspace the token is for: a region without a team_id gets it stored; a region whose team_id
// differs is refused (UserError: the token is another workspace's). Throws SlackError when the
// token is bad (nothing more can be done); every channel not read is listed in `skipped`.
SyncReport sync(db::Database& db, std::string_view region, slack::Client& client, const SyncOptions& options = {});

// One message event of Slack's Events API (message, message_changed, message_deleted, thread
// replies, bot posts): stored in the raw store ("event" source; an older version never replaces
// a newer one, a deleted message is kept and marked), and its beatdown re-derived, in one
// transaction. Other events are ignored (channel left empty).
struct EventIngest {
  std::string channel, ts, edited_ts;
  bool deleted = false;
  bool is_backblast = false;       // it is (now) a beatdown
  std::string poster;              // who wrote it: the user, or the Q when an app posted it
  std::vector<ParseIssue> errors;  // the parse errors of this version
};
EventIngest ingest_message_event(db::Database& db, std::string_view region, const nlohmann::json& event);
// A stored message as it is now: its version (edited_ts, "" for none), whether it was deleted,
// and its parse errors. nullopt when no such message is stored.
struct MessageState {
  std::string edited_ts;
  bool deleted = false;
  std::vector<ParseIssue> errors;
};
std::optional<MessageState> message_state(db::Database& db, std::string_view region, const std::string& channel,
                                          const std::string& ts);
// Many events in one transaction (what a busy workspace sends in a burst); results in order.
std::vector<EventIngest> ingest_message_events(db::Database& db, std::string_view region,
                                               const std::vector<nlohmann::json>& events);

// Derives every beatdown, attendance and parse issue of a region again from its raw store,
// writing those that differ from what is stored (by their fingerprints). `full`: every beatdown
// is written again, also those whose parse matches (rows edited by hand in the derived tables
// are put back as the messages say).
DeriveReport reparse(db::Database& db, std::string_view region, bool full = false);

// The region's channels, for parse contexts.
std::vector<ChannelInfo> load_channels(db::Database& db, std::string_view region);

}  // namespace paxstats::mining
