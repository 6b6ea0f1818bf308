#pragma once
// What the dashboard's pages read, through the counting rules (the posts and counted_beatdowns
// views; README "How paxstats counts"), so a page says what a report says. Dates are local to
// the region.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/report_queries.hpp"

namespace paxstats::db::dashboard {

using report::Period;

// The region's data version (region migration 0009): it grows with every statement that writes
// what a page shows. A page rendered at version v is the page while the version is v.
std::int64_t data_version(Database& db, std::string_view region);
// The region's posts version: it grows with every statement that writes what the posts view reads
// (beatdowns, attendance, users, channels, aliases), not with chat that is no backblast.
std::int64_t posts_version(Database& db, std::string_view region);

// The region's posts_cache and counted_beatdowns_cache tables, rebuilt first when the posts
// version (the tables the view reads) has moved since they were built (one rebuild at a time;
// readers see the old rows until it commits). Its reader() reads them, for the report queries and
// the ones below, and keeps the region-wide rows asked for again and again (every person's name,
// every AO's figures and months) in `memo`, when given, for this version of the cache.
class PostsCache {
 public:
  PostsCache(Database& db, std::string_view region, RowMemo* memo = nullptr);
  PostsCache(const PostsCache&) = delete;
  PostsCache& operator=(const PostsCache&) = delete;
  bool rebuilt() const { return rebuilt_; }
  const report::Reader& reader() const { return *reader_; }

 private:
  bool rebuilt_ = false;
  std::optional<report::Reader> reader_;
};

// The first and last days with a counted beatdown (none when there is none): which periods a
// page offers and opens on.
struct DataSpan {
  std::optional<date::sys_days> first, last;
};
DataSpan data_span(const report::Reader& read);

// The region over a period; active_30d counts the 30 days up to `today`, whatever the period.
struct Summary {
  int beatdowns = 0, aos = 0, unique_pax = 0, unique_qs = 0, fngs = 0, posts = 0, active_30d = 0;
  double average_attendance = 0;  // COUNT as the Qs wrote it (else the people named), per beatdown
};
Summary summary(const report::Reader& read, const Period& period, date::sys_days today);

// The region's AOs (beatdowns reported in a channel) with their figures in a period; an AO with
// no beatdown in it has zeros. By name.
struct AoRow {
  std::string ao_id, name;
  int beatdowns = 0, unique_pax = 0, fngs = 0;
  std::string first_beatdown, last_beatdown;  // ever; "" before the first
  std::string site_q_id, site_q_name;         // "" when it has none
};
std::vector<AoRow> ao_list(const report::Reader& read, const Period& period);

// Counted beatdowns, newest first, at one AO or of one person (or all), at most `limit`: where,
// when, who led, how many were named, and the message (its link is channel + ts).
struct BeatdownRow {
  std::string date, ao_id, ao_name, q_name, title, channel_id, ts;
  std::string role;  // the person's (q, coq, pax, fng) when the list is one person's
  int posts = 0, fngs = 0;
};
struct BeatdownFilter {
  std::optional<std::string> ao, person;
  int limit = 50;
};
std::vector<BeatdownRow> beatdowns(const report::Reader& read, const BeatdownFilter& filter);

// One person's record (person: a user id, or "name:…"). nullopt when the region has no such user
// and nobody of that name posted.
struct PaxProfile {
  std::string person, user_id, name, real_name;
  int posts = 0, qs = 0, coqs = 0, aos = 0, fngs_led = 0;
  std::string first_post, last_post, first_q, last_q;  // "" when none
  int met = 0;                                         // distinct people at the same beatdowns
  int led = 0;                                         // distinct people at the beatdowns they led (Q or Co-Q)
  std::string bestie, bestie_id, bestie_name;          // the one they attended most beatdowns with
  int bestie_together = 0;
  std::vector<std::string> weeks;  // Mondays of the weeks with a post, oldest first
  std::vector<std::string> years;  // the years with a post, oldest first
};
std::optional<PaxProfile> pax_profile(const report::Reader& read, std::string_view person);

// The Slack users who posted (the people with a PAX page), the latest poster first.
std::vector<std::string> posters(const report::Reader& read);

// People whose shown or real name holds `text` (any case), most posts first, at most `limit`.
struct PersonHit {
  std::string person, user_id, name, real_name;
  int posts = 0;
};
// Without real_names (a page anyone sees) real names are neither matched nor returned.
std::vector<PersonHit> search_people(const report::Reader& read, std::string_view text, int limit = 30,
                                     bool real_names = true);

// The parser's findings, newest message first, with the line they are about.
struct IssueRow {
  std::string channel_id, channel_name, ts, severity, field, reason, line_text, posted_at;
  int line = 0;  // 1-based; 0 when the issue is about the whole message
};
std::vector<IssueRow> parse_issue_list(Database& db, std::string_view region, int limit = 200);

// Data quality by month (the `months` months through `last_month`, oldest first): the
// beatdowns of the month (by their date), how many were read without a warning or error, and the
// backblasts posted that month that could not be read at all (an error, no beatdown); with
// `open_issues`, the parse issues stored now (every month).
struct QualityMonth {
  date::year_month month;
  int beatdowns = 0, clean = 0, unread = 0;
  double clean_share() const { return beatdowns ? static_cast<double>(clean) / beatdowns : 1.0; }
};
struct DataQuality {
  std::vector<QualityMonth> months;
  int open_issues = 0;
};
DataQuality data_quality(Database& db, std::string_view region, date::year_month last_month, int months = 12);

// The region's runs, newest first, with their deliveries by status.
struct RunRow {
  std::int64_t id = 0;
  jobs::RunKind kind = jobs::RunKind::monthly;
  std::string period;
  jobs::RunStatus status = jobs::RunStatus::queued;
  std::string started_at, finished_at, error;
  int delivered = 0, failed = 0, pending = 0;
};
std::vector<RunRow> runs(Database& db, std::string_view region, int limit = 30);

// Deliveries not sent (failed, in doubt or waiting), newest first.
struct DeliveryRow {
  std::int64_t id = 0;
  std::string report, period, recipient;
  outbox::Status status = outbox::Status::planned;
  std::string updated_at, error;
};
std::vector<DeliveryRow> open_deliveries(Database& db, std::string_view region, int limit = 100);

// Where an action was taken: the dashboard's forms, a button in Slack, or the service itself
// (an install, an uninstall).
enum class ActionVia { dashboard, slack, service };
std::string_view to_string(ActionVia via);
// An action on a region, kept (control table web_actions) and listed. With a dedupe key (a Slack
// button's action_ts), a second action of the same key is not kept: returns false, and the
// caller changes nothing.
bool log_action(Database& db, std::string_view region, std::string_view user_id, std::string_view action,
                std::string_view detail, ActionVia via = ActionVia::dashboard,
                const std::optional<std::string>& dedupe = std::nullopt);
struct ActionRow {
  std::string user_id, action, detail, at, via;
};
std::vector<ActionRow> actions(Database& db, std::string_view region, int limit = 50);

// The region's channels an admin may choose for 1st-F, awards, Kotter and the log: every one
// not archived, by name.
struct ChannelChoice {
  std::string id, name;
  bool is_private = false;
};
std::vector<ChannelChoice> channel_choices(Database& db, std::string_view region);

}  // namespace paxstats::db::dashboard
