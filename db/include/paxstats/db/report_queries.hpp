#pragma once
#include <date/date.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/row_memo.hpp"

namespace paxstats::db::dashboard {
class PostsCache;
}

// The numbers reports show, read through the counting rules of the region schema (views
// counted_beatdowns and posts; README "How paxstats counts"). Dates are local to the region.
namespace paxstats::db::report {

// An inclusive range of local dates (calendar::days_of(month), calendar::year_to(month), a
// calendar::Period), bound as dates only in the SQL.
using Period = calendar::Days;

// A person: a Slack user, or a name typed without a mention ("name:<lower-case name>").
struct PersonTotal {
  std::string person;   // user id, or "name:…"
  std::string user_id;  // "" for typed names
  std::string name;     // display name, or the name as typed
  int posts = 0;
  int unique_aos = 0;
};

struct AoPersonTotal {
  std::string ao_id;
  PersonTotal total;
};

struct MonthAoPosts {
  date::year_month month;
  std::string ao_id, ao_name;
  int posts = 0;
};

struct PersonMonthAo {
  std::string person, user_id, name;
  date::year_month month;
  std::string ao_id, ao_name;
  int posts = 0;
};

struct QCount {
  std::string person, user_id, name, ao_id, ao_name;
  int qs = 0;    // beatdowns led
  int coqs = 0;  // beatdowns co-led
};

struct AoMonth {
  std::string ao_id, ao_name;
  date::year_month month;
  int beatdowns = 0;
  int posts = 0;  // people named
  int unique_pax = 0;
  int headcount = 0;  // COUNT as the Qs wrote it (people named otherwise)
  int fngs = 0;
  double average_attendance() const { return beatdowns ? static_cast<double>(headcount) / beatdowns : 0; }
};

// The whole region per month within a period: beatdowns, posts, unique PAX (each person once
// however many AOs), FNGs. Months without a beatdown are left out.
struct RegionMonth {
  date::year_month month;
  int beatdowns = 0, posts = 0, unique_pax = 0, fngs = 0;
};

// What each person did in a period: posts, AOs, beatdowns led (as Q or Co-Q), the AOs they
// led at and the FNGs at the beatdowns they led. The figures behind awards and milestones.
struct PersonStats {
  std::string person, user_id, name;
  int posts = 0;
  int unique_aos = 0;
  int led = 0;       // beatdowns led as Q or Co-Q
  int led_aos = 0;   // distinct AOs led at
  int fngs_led = 0;  // FNGs at the beatdowns they led
};

struct Streak {
  std::string person, user_id, name;
  int weeks = 0;          // consecutive weeks (Monday–Sunday) with at least one post …
  std::string last_week;  // … the last of them, by its Monday "YYYY-MM-DD"
};

struct WeekPosts {
  std::string person, user_id, name;
  std::string week;  // its Monday, "YYYY-MM-DD"
  int posts = 0;
};

struct KotterRow {
  std::string person, user_id, name;
  int window_posts = 0;   // posts in the window weeks before the quiet weeks
  int quiet_posts = 0;    // posts in the quiet weeks
  int led_ever = 0;       // beatdowns ever led (Q or Co-Q) up to `day`
  std::string last_post;  // "YYYY-MM-DD"
  std::string home_ao;    // the AO of most posts in the window and quiet weeks (channel id)
};

// Everyone whose last post up to `day` was `min_days` to `max_days` days before it, with their
// whole history there: what the Kotter classes (PAX Vault's) are judged on.
struct Bestie {
  std::string person, user_id, name;
  int together = 0;  // beatdowns attended together
};
struct DriftRow {
  std::string person, user_id, name;
  int posts = 0;                      // every post up to `day`
  int recent_posts = 0;               // in the 90 days up to `day`
  int aos = 0;                        // distinct AOs ever
  int led_ever = 0;                   // beatdowns led, Q or Co-Q
  std::string first_post, last_post;  // "YYYY-MM-DD"
  std::string last_ao, last_ao_name;  // where they were last seen
  std::vector<Bestie> besties;        // the 3 they attended most beatdowns with, most first
};

// How people and channels are called in the region: user id → display name, channel id →
// "#name", for those of `ids` the region knows (the outbox page shows names, not ids).

// Everyone who posted up to `last`, as charts name them: person, user id ("" typed), the name
// shown, and the user's real name ("" for typed names and users without one).
struct PersonName {
  std::string person, user_id, name, real_name;
};
// With `named`, only the people of that name (any case): all a label of that name depends on.

// Everyone's posts by day and AO in a period (milestones crossed within a week).
struct PersonDayAo {
  std::string person, user_id, name;
  date::sys_days day;
  std::string ao_id;
  int posts = 0;
};

// The whole region over a period (a week): beatdowns, posts, unique PAX (each person once),
// FNGs. Zeros when nothing happened.
struct PeriodTotals {
  int beatdowns = 0, posts = 0, unique_pax = 0, fngs = 0;
};

// The best-attended counted beatdowns of a period, most people first (ties: earlier date, AO
// name): where, when, who led, how many were there (posts), and the message (channel, ts).
struct TopBeatdown {
  std::string ao_id, ao_name, date, q_name, channel_id, ts;
  int posts = 0;
};

// A region's report queries, reading its posts and counted beatdowns from where they were bound
// once: the views (Reader(db, region)), a Snapshot's table (Snapshot::reader()) or the dashboard's
// posts cache (dashboard::PostsCache::reader(), whose region-wide rows a RowMemo keeps). A
// reader of a snapshot or cache is valid while that lives.
class Reader {
 public:
  // The region's views, as they stand.
  Reader(Database& db, std::string_view region);

  Database& db() const { return *db_; }
  const std::string& region() const { return region_; }
  // For db/'s own queries: the relations this reader reads (schema-qualified, quoted).
  const std::string& posts_table() const { return posts_; }
  const std::string& counted_table() const { return counted_; }
  // `make()`'s result for `key`, kept in the memo for the cache's version; made afresh without one.
  template <class T>
  std::shared_ptr<const T> remembered(const std::string& key, const std::function<T()>& make) const {
    if (!memo_) return std::make_shared<const T>(make());
    return memo_->get<T>(region_, version_, key, make);
  }

  // People by posts in a period, most first (ties: more AOs, then name), at one AO or all.
  std::vector<PersonTotal> leaderboard(const Period& period, const std::optional<std::string>& ao = std::nullopt,
                                       int limit = 20) const;

  // Every AO's leaderboard in one query: per AO, people by posts (most first), at most `limit` each.
  std::vector<AoPersonTotal> leaderboards_by_ao(const Period& period, int limit = 20) const;

  // One person's posts by month and AO (the personal chart).
  std::vector<MonthAoPosts> person_posts(std::string_view person, const Period& period) const;

  // Everyone's posts by month and AO in a period, in one query (the personal charts of a run);
  // with `person`, that person's only.
  std::vector<PersonMonthAo> posts_by_person(const Period& period,
                                             const std::optional<std::string>& person = std::nullopt) const;

  // The region's AOs — channels where beatdowns were reported — as (channel id, name), by id:
  // the fixed order that gives each AO its colour.
  std::vector<std::pair<std::string, std::string>> aos() const;

  // Users deactivated and channels archived, as last seen in Slack: nothing is sent to them.
  std::vector<std::string> gone_recipients() const;

  // Qs and Co-Qs by person and AO in a period (at one AO, or all).
  std::vector<QCount> q_counts(const Period& period, const std::optional<std::string>& ao = std::nullopt) const;

  // A Slack user of the region: their name as charts show it; nullopt when the region has no such user.
  std::optional<std::string> user_name(std::string_view user_id) const;

  // Counted beatdowns in a period (every AO).
  int beatdown_count(const Period& period) const;

  // Per AO and month within a period.
  std::vector<AoMonth> ao_months(const Period& period) const;

  // The month of each AO's first counted beatdown (before it, the AO did not exist: its charts show
  // no data, not zeros).
  std::vector<std::pair<std::string, date::year_month>> ao_first_months() const;

  std::vector<RegionMonth> region_months(const Period& period) const;

  std::vector<PersonStats> person_stats(const Period& period) const;

  // Everyone's current weekly streak on `day`: consecutive weeks with a post,
  // ending with the week of `day`, or the week before when `day`'s week has no post yet (a week
  // still under way does not break a streak). People whose streak has ended are left out.
  // With `person`, that person's only.
  std::vector<Streak> weekly_streaks(date::sys_days day, const std::optional<std::string>& person = std::nullopt) const;

  // Weeks (Monday–Sunday) ending within the period in which a person posted at least `min` times.
  std::vector<WeekPosts> busy_weeks(const Period& period, int min) const;

  // People with at least `min_posts` posts in the `window_weeks + quiet_weeks` weeks up to `day`
  // (inclusive), with the figures the Kotter report needs; the report picks who is missing.
  std::vector<KotterRow> kotter_candidates(date::sys_days day, int min_posts, int window_weeks, int quiet_weeks) const;

  std::vector<DriftRow> drift_candidates(date::sys_days day, int min_days, int max_days) const;

  // AO channel → its site Q's user id, for AOs that have one (paxstats region site-q).
  std::vector<std::pair<std::string, std::string>> site_qs() const;

  std::vector<PersonDayAo> posts_by_day_ao(const Period& period) const;

  PeriodTotals period_totals(const Period& period) const;

  std::vector<TopBeatdown> top_beatdowns(const Period& period, int limit = 3) const;

  // The month of the region's latest counted beatdown; nullopt before the first.
  std::optional<date::year_month> latest_month() const;

  // Each AO's most frequent Q who is a Slack user (ties: the lower user id): (channel, user).
  std::vector<std::pair<std::string, std::string>> most_frequent_qs() const;

  std::vector<std::pair<std::string, std::string>> names_of(const std::vector<std::string>& ids) const;

  std::vector<PersonName> people(const std::optional<std::string>& named = std::nullopt) const;

 private:
  friend class Snapshot;
  friend class dashboard::PostsCache;
  Reader(Database& db, std::string_view region, std::string posts, std::string counted, RowMemo* memo = nullptr,
         std::string version = {});
  // The queries the memo keeps the rows of.
  std::vector<PersonName> people_query(const std::optional<std::string>& named) const;
  std::vector<AoMonth> ao_months_query(const Period& p) const;
  std::vector<RegionMonth> region_months_query(const Period& p) const;
  std::vector<std::pair<std::string, std::string>> aos_query() const;

  Database* db_;
  std::string region_, posts_, counted_;
  RowMemo* memo_ = nullptr;
  std::string version_;
};

// For a run of many report queries: the region's posts up to `last` copied once into a
// temporary table of this connection, which its reader() reads while the snapshot lives (same
// rows, same columns as the posts view). Its queries must not reach past `last`.
class Snapshot {
 public:
  Snapshot(Database& db, std::string_view region, date::sys_days last);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  const Reader& reader() const { return reader_; }

 private:
  Database& db_;
  std::string table_;
  Reader reader_;
};

}  // namespace paxstats::db::report
