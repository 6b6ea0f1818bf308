#pragma once
// A workspace's activity, read through the community counting rules of the region schema
// (views member_messages, message_reactions, member_mentions, member_threads, members; functions
// member_activity and channel_activity; README "Community analytics"). They read the raw store
// only, so they hold for any Slack workspace.
#include <date/date.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/copy_rows.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::db::community {

// A half-open span of time [since, until): ISO 8601 dates ("2026-10-01": midnight in the region's
// time zone) or instants ("2026-10-01T05:00:00Z"); empty is unbounded. Something PostgreSQL
// cannot read as a time is a UserError naming it.
struct Window {
  std::string since, until;
};

// The first and last local days of a member message ("" and "" when none): which periods the
// community page offers and opens on.
struct MessageSpan {
  std::string first, last;  // YYYY-MM-DD in tz
};
MessageSpan message_span(Database& db, std::string_view region, std::string_view tz);

struct MemberActivity {
  std::string user_id, user_name;
  std::int64_t messages = 0, replies = 0, threads_started = 0, reactions_received = 0, reactions_given = 0, files = 0,
               mentions_given = 0, mentions_received = 0, active_days = 0, active_weeks = 0;
  std::string first_ts, last_ts;  // Slack ts of the first and last member message ("" when none)
};

// Every member (users that are not bots, and anyone who wrote a member message), ordered by
// messages (most first), then user id. tz: the region's time zone, for active days and weeks.
std::vector<MemberActivity> member_activity(Database& db, std::string_view region, std::string_view tz,
                                            const Window& window = {});

struct ChannelActivity {
  std::string channel_id, name;
  std::int64_t messages = 0, active_members = 0, threads = 0, answered_threads = 0, reactions = 0;
  std::optional<double> median_first_reply_s, p90_first_reply_s;  // none when no thread was answered
};

// Every channel, ordered by messages (most first), then name.
std::vector<ChannelActivity> channel_activity(Database& db, std::string_view region, std::string_view tz,
                                              const Window& window = {});

// The parts of the engagement score (SQL function engagement_parts): every member.
struct EngagementParts {
  std::string user_id, user_name;
  std::int64_t messages = 0, replies_to_others = 0, reactions_received = 0, help_answers = 0, active_weeks = 0;
};
// With `activity`, also every member's member_activity row from the same query.
std::vector<EngagementParts> engagement_parts(Database& db, std::string_view region, std::string_view tz,
                                              const Window& window, const std::vector<std::string>& help_channels,
                                              std::vector<MemberActivity>* activity = nullptr);

// ------------------------------------------------------------------ the activity report's series
// Dates are local "YYYY-MM-DD"; months "YYYY-MM". The window is a whole number of days.

struct ChannelWeek {
  std::string channel_id, name, week;  // week: its Monday
  std::int64_t messages = 0;
};
// Member messages per channel and ISO week.
std::vector<ChannelWeek> messages_by_week(Database& db, std::string_view region, std::string_view tz,
                                          const Window& window);

struct ActiveMembers {
  std::string day;                // a Sunday of the window (the end of a week), or its last day
  std::int64_t wau = 0, mau = 0;  // members with a member message in the 7 and 28 days ending then
};
std::vector<ActiveMembers> active_members(Database& db, std::string_view region, std::string_view tz,
                                          const Window& window);

struct HourCount {
  int weekday = 0;  // 1 = Monday … 7 = Sunday
  int hour = 0;     // 0–23, local
  std::int64_t messages = 0;
};
std::vector<HourCount> messages_by_hour(Database& db, std::string_view region, std::string_view tz,
                                        const Window& window);

// Per month of the window: members whose first member message ever was in it (new); members who
// posted in it after a whole calendar month or more without a member message (returning); and
// members gone quiet at its end: in the top quarter by member messages over the 90 days before
// the month's end, with their last member message 7 to 28 days before it.
struct MonthMembers {
  date::year_month month;
  std::int64_t active = 0, fresh = 0, returning = 0, gone_quiet = 0;
};
std::vector<MonthMembers> members_by_month(Database& db, std::string_view region, std::string_view tz,
                                           const Window& window);

// Retention: for each month in which members wrote their first member message (within the
// window), how many they were, and how many of them posted in each later month up to the window's
// end (months_later[0] is the first month itself, so all of them).
struct Cohort {
  date::year_month month;
  std::int64_t size = 0;
  std::vector<std::int64_t> months_later;
};
std::vector<Cohort> retention_cohorts(Database& db, std::string_view region, std::string_view tz, const Window& window);

// One member's member messages by month and channel, and their figures, for "/paxstats me".
struct ChannelMonth {
  std::string channel_id, name;
  date::year_month month;
  std::int64_t messages = 0;
};
struct MemberSummary {
  std::int64_t messages = 0, replies = 0, reactions_received = 0, active_days = 0;
  std::vector<ChannelMonth> by_month;
};
MemberSummary member_summary(Database& db, std::string_view region, std::string_view tz, const Window& window,
                             std::string_view user_id);

// The awards' other figures.
struct Helper {
  std::string user_id, user_name;
  double median_s = 0;       // median time from a thread's start to their first reply in it
  std::int64_t threads = 0;  // threads of others they answered (started in the window)
};
// Members who answered at least min_threads threads others started in the window, fastest first.
std::vector<Helper> fastest_helpers(Database& db, std::string_view region, std::string_view tz, const Window& window,
                                    int min_threads);
// Members whose first member message ever was written in the window.
std::vector<std::string> newcomers(Database& db, std::string_view region, std::string_view tz, const Window& window);

// ------------------------------------------------------------------ nudges

enum class NudgeStep { first, second, moderators };
std::string_view to_string(NudgeStep step);

// A step owed to a member gone quiet at business time `now` ("…Z"): one who wrote at least
// min_messages member messages in the 90 days before now and none in the last quiet_days (not a
// deleted user). first: not yet nudged this quiet spell; second: the first went out reply_days
// ago and no message of theirs came since; moderators: the same after the second.
struct DueNudge {
  std::string user_id, user_name;
  NudgeStep step = NudgeStep::first;
  std::string quiet_since;           // their last member message (the spell's key), as PostgreSQL writes it
  std::int64_t recent_messages = 0;  // member messages in the 90 days before now
  std::string first_at, second_at;   // earlier steps of this spell ("" when none)
};
std::vector<DueNudge> due_nudges(Database& db, std::string_view region, std::string_view now, int quiet_days,
                                 int min_messages, int reply_days);

// Records a step before it is sent; false when it was already recorded (never send it again).
bool claim_nudge(Database& db, std::string_view region, const DueNudge& n, std::string_view now);
// The step went out (sent) or did not (failed, with why).
void finish_nudge(Database& db, std::string_view region, const DueNudge& n, bool sent, std::string_view detail);

// The mentor pick's record (region table mentor_asks): claim before sending; false when that
// member (or "#moderators", the list) was already asked for the period.
bool claim_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                      std::string_view now);
void finish_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                       bool sent, std::string_view detail);

// ------------------------------------------------------------------ the dataset export
// db/ reads the dataset; export/ (paxstats::dataset) counts it and writes its files.

enum class ExportFormat { csv, ndjson };

// The tables of the master dataset, in the order they are written.
enum class ExportTable {
  users,
  channels,
  messages,
  reactions,
  files,
  member_activity,
  channel_activity,
  nodes,  // the interaction network in Gephi's spreadsheet format (Id, Label, …)
  edges,  // (Source, Target, Weight, Type, Kind)
};
std::string_view table_name(ExportTable t);
std::vector<ExportTable> export_tables();
// The tables read from the store as they are (the others are counted by export/'s tally).
bool is_raw(ExportTable t);

// A column of an exported table: what its values are (a record: a message's reactions in
// NDJSON, with its fields), and whether it may be NULL or holds a list.
enum class ColumnType { string, integer, floating, boolean, timestamp, record };
enum class ColumnMode { nullable, required, repeated };
struct ExportColumn {
  std::string name;
  ColumnType type = ColumnType::string;
  ColumnMode mode = ColumnMode::nullable;
  std::vector<ExportColumn> fields;
};
// The columns of a table as the export writes them (CSV header order; NDJSON keys).
std::vector<ExportColumn> export_columns(ExportTable t, ExportFormat format);

// Reads a region's dataset for one window, on a PostgreSQL connection of its own holding one
// read-only REPEATABLE READ transaction: every table read from it is the same moment's data,
// even while an import or the service writes. Dates in the window are local midnights in tz.
class DatasetReader {
 public:
  DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window);
  // A reader of the same data as `first` (its snapshot), on a connection of its own: tables read
  // by several at once, in parallel, are one consistent dataset.
  DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window, DatasetReader& first);
  ~DatasetReader();
  DatasetReader(const DatasetReader&) = delete;
  DatasetReader& operator=(const DatasetReader&) = delete;

  // A raw table's rows (is_raw), read in binary: each column of export_columns(table, csv) a
  // text, bigint, boolean or timestamptz. Users and channels are every one; the others follow
  // the window.
  CopyRows rows(ExportTable table);
  // A raw table as NDJSON, one JSON object per line as the server's row_to_json writes it; bytes
  // go to `sink` as they arrive, so memory stays flat whatever its size. Returns the rows.
  std::int64_t copy_ndjson(ExportTable table, const std::function<void(std::string_view)>& sink);

  // What the tally counts (export/tally.hpp), every stored row whatever the window (the tally
  // applies it): users (user_id, user_name, is_bot); channels (channel_id, name); messages (view
  // message_facts: channel_id, ts, thread_ts, user_id, posted_at, is_member, deleted,
  // reply_count, reaction_count, mentions, and the local date of a member message); files
  // (channel_id, ts, count); reactions (channel_id, ts, emoji, user_id, in that order).
  enum class Fact { users, channels, messages, files, reactions };
  CopyRows facts(Fact what);
  // The planner's estimate of the stored messages (room to reserve for them).
  std::size_t estimated_messages();
  // The window's ends as timestamptz counts them (microseconds since 2000-01-01 UTC); none:
  // unbounded. bounded(): either end is.
  std::optional<std::int64_t> since_micros() const;
  std::optional<std::int64_t> until_micros() const;
  bool bounded() const;

 private:
  DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window, DatasetReader* first);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paxstats::db::community
