#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/parse_issue.hpp"
#include "paxstats/role.hpp"

namespace paxstats::db {

// Rows of a region's raw store, as the mining engine hands them over. `raw` is the object as
// received from Slack (JSON text); the typed fields are read from it by the caller.
struct UserRecord {
  std::string id, user_name, real_name, display_name, email, tz;
  bool is_bot = false, deleted = false;
  std::optional<long long> updated;  // Slack's "updated", Unix seconds
  std::string raw;
};

struct ChannelRecord {
  std::string id, name;
  bool is_archived = false, is_private = false;
  std::optional<long long> created;  // Unix seconds
  std::string raw;
};

struct FileRecord {
  std::string file_id, name, title, mimetype, filetype, url_private;
  std::optional<long long> size;
  std::string raw;  // the file object's JSON
};

struct MessageRecord {
  std::string channel_id, ts;                                        // ts: Slack's id of the message, kept as text
  std::string thread_ts, user_id, bot_id, subtype, text, edited_ts;  // "" = none
  bool deleted = false;
  int reply_count = 0;
  std::string raw;
  std::vector<std::pair<std::string, std::string>> reactions;  // (emoji, user id), from raw
  std::vector<FileRecord> files;                               // from raw
  // What the community counting reads without JSON (region migration 0008 states the same rules
  // in SQL, slack_mentions and slack_reaction_total, and a test holds the two equal):
  std::vector<std::string> mentions;  // the ids the text tags, <@U…> or <@W…|label>: each once, sorted
  int reaction_count = 0;             // Slack's total: each reaction's `count`, else its users
  // What the export writes of them (migration 0013's slack_reaction_list): "name/users/count"
  // entries joined by ";", "" when none.
  std::string reaction_list;
};

// A stored message, as the parser needs it.
struct StoredMessage {
  std::string channel_id, ts, text, subtype, edited_ts;
  std::string blocks, metadata;  // JSON text, "" when absent
  bool deleted = false;
};

struct AttendeeRecord {
  std::optional<std::string> user_id, name;  // exactly one
  Role role = Role::pax;
};

struct BeatdownRecord {
  std::string channel_id, ts;  // the message that reported it
  std::optional<std::string> ao_channel_id, ao_name;
  std::string bd_date;  // YYYY-MM-DD, local to the region
  std::optional<std::string> q_user_id, q_name;
  std::vector<std::string> coq_user_ids, coq_names;
  std::optional<int> pax_count;
  int derived_count = 0;
  int fng_count = 0;
  std::vector<std::string> fng_names;
  std::string title, parse_status, edited_ts;
  std::vector<AttendeeRecord> attendees;
};

// Parse issues of one message (backblast or not: a post that looked like one but had no field).
struct MessageIssues {
  std::string channel_id, ts;
  std::vector<ParseIssue> issues;
};

struct MergeStats {
  long staged = 0;    // rows handed over
  long inserted = 0;  // new messages
  long updated = 0;   // stored messages replaced by a newer version (an edit, more replies…)
  // Messages handed over more than once (the same channel and ts) in one merge: one copy of each
  // is kept. `differing`: those whose copies are not the same JSON. Examples: "C…/ts", a few.
  long duplicates = 0, differing = 0;
  std::vector<std::string> duplicate_examples;
};

// Every write to one region's raw store and derived tables, in one transaction: nothing of it
// is visible until commit(), and all of it is rolled back if the writer dies first. The region
// must exist (UserError otherwise). Not thread-safe.
// Direct mode met one message (channel, ts) twice; the writer's transaction is lost.
struct DuplicateMessage : std::runtime_error {
  DuplicateMessage() : std::runtime_error("a message appears twice") {}
};

class RegionWriter {
 public:
  RegionWriter(Database& db, std::string_view region);
  ~RegionWriter();
  RegionWriter(const RegionWriter&) = delete;
  RegionWriter& operator=(const RegionWriter&) = delete;

  void upsert_users(const std::vector<UserRecord>& users);
  void upsert_channels(const std::vector<ChannelRecord>& channels);

  // True when the region stores no message yet: a first import can then write straight into
  // the tables (see direct_mode).
  bool region_is_empty();
  // Direct mode, for a first import into an empty region: messages, reactions and files are
  // streamed into their tables without staging or merging, and derivation covers the whole
  // region. A message that comes twice fails the transaction with DuplicateMessage (from
  // stage_message or merge_messages): the caller starts again on the merge path, which can
  // choose between the two. Call before the first stage_message.
  void direct_mode();
  // replace_derived writes every beatdown again, as if none were stored (a reparse --full).
  void rewrite_all();

  // Streams a message into staging (COPY). merge_messages() moves staged rows into `messages`.
  void stage_message(const MessageRecord& m);

  // Merges staged messages: new ones are inserted; a stored one is replaced when the staged
  // version carries a newer edit, or the same edit with other content (replies, reactions).
  // An older version never replaces a newer one. The reactions and files of changed messages
  // are replaced by the staged ones. Changed messages are remembered for derivation.
  MergeStats merge_messages(std::string_view source);

  // The messages whose derived rows must be rebuilt: those merged by this writer, or every
  // message of the region when `everything`. Only messages that may be backblasts are handed
  // to `fn` (their text, blocks or metadata mention a blast, or they carry metadata); the
  // derived rows of the others are cleared by replace_derived all the same.
  void for_each_message_to_derive(bool everything, const std::function<void(const StoredMessage&)>& fn);

  // Makes the beatdowns, attendance and parse issues of every message to derive these: rows
  // of messages no longer derived go, and only rows that differ from the stored ones are
  // written (each beatdown's fingerprint tells). Call after for_each_message_to_derive with
  // the same `everything`. Returns how many messages' rows changed; 0 means nothing was
  // written, and the dashboard's posts version stands.
  long replace_derived(const std::vector<BeatdownRecord>& beatdowns, const std::vector<MessageIssues>& issues);
  // The messages (channel_id, ts) a derivation after the merges covers: those merged by this
  // writer; none when it covers every message of the region (direct mode). Ask
  // after merge_messages and before replace_derived, which clears the list. What replace_derived
  // writes is what each of them is then (one with no beatdown handed over has none).
  std::optional<std::set<std::pair<std::string, std::string>>> derivation_scope();

  std::vector<ChannelRecord> channels();
  // The newest stored ts of a channel ("" when none): where an incremental sync resumes.
  std::string newest_ts(std::string_view channel_id);
  // Marks channels where beatdowns are reported (AO channels) as backblast channels.
  void mark_backblast_channels();

  // A channel's interrupted history sync: {oldest, latest}, or nullopt when none is pending.
  std::optional<std::pair<std::string, std::string>> sync_checkpoint(std::string_view channel_id);
  void set_sync_checkpoint(std::string_view channel_id, std::string_view oldest, std::string_view latest);
  void clear_sync_checkpoint(std::string_view channel_id);

  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paxstats::db
