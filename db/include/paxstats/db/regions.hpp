#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

// A region: one Slack workspace's F3 data, kept in its own schema named exactly as its slug.
// PAX Vault's Kotter classes (F3 Nation's dashboard): who has drifted, and how. A PAX is listed
// when their last post was min_days to max_days ago (a class may reach further) and they fall in
// a class, tried in this order. Region settings kotter_<field>.
struct KotterClasses {
  int min_days = 14, max_days = 90;
  int new_max_posts = 6, new_first_days = 90;                                   // new PAX drop
  int veteran_min_posts = 100, veteran_per_month = 4, veteran_quiet_days = 21;  // veteran drift
  int seasonal_min_posts = 50, seasonal_per_month = 2, seasonal_recent_posts = 1, seasonal_quiet_days = 30,
      seasonal_max_days = 120, seasonal_max_aos = 2;                                      // seasonal
  int soft_min_posts = 7, soft_max_posts = 99, soft_quiet_days = 21, soft_max_days = 45;  // soft drift
};

// The Kotter settings, as (setting name, field, lowest, highest): the one list that the database
// columns, `region set` and `region show` follow.
struct KotterSetting {
  const char* name;
  int KotterClasses::*field;
  int lo, hi;
};
const std::vector<KotterSetting>& kotter_settings();

// Who gets a personal chart in the monthly run: everyone who posted in the month, or this year.
enum class PaxAudience { month, year };
std::string_view to_string(PaxAudience audience);  // "month", "year"

// A local time of day, as a scheduled slot takes it.
struct TimeOfDay {
  int hour = 0, minute = 0;
  std::string text() const;  // "09:00"
};

// The engagement score's weights (community analytics).
struct EngagementWeights {
  double messages = 1, replies = 3, reactions = 0.5, help = 5, weeks = 2;
};
// "messages=1,replies=3,reactions=0.5,help=5,weeks=2" (any subset; the rest keep their default).
// Throws UserError naming the text for anything else.
EngagementWeights parse_engagement_weights(std::string_view text);
std::string to_string(const EngagementWeights& weights);  // every weight, in that order

// The report flags (each on unless set off): a monthly report kind NAME is sent when send_NAME
// is; the feedback DMs to posters of unreadable backblasts; whether the region's backblasts are
// read at all (off: a community that is not F3).
struct RegionFlags {
  bool send_pax_monthly = true, send_q_counts = true, send_ao_trend = true, send_ao_summary = true,
       send_fng_counts = true, send_leaderboards = true, send_awards = true, send_kotter = true,
       send_year_glance = true, send_feedback_dms = true, scrape_backblasts = true;
};
// The flags as (setting name, field): the one list that the database columns, `region set` and
// `region show` follow, in display order.
struct FlagSetting {
  const char* name;
  bool RegionFlags::*field;
};
const std::vector<FlagSetting>& flag_settings();

// Who sees a region's web pages: anyone (except the admin and Kotter pages), people signed in
// with Slack from its workspace, or nobody.
enum class DashboardAccess { public_pages, members, off };
// How often the community reports go out on their own (at the monthly slot that closes the period).
enum class CommunityEvery { off, month, quarter, year };
// The setting's text ("public", "members", "off"; "off", "month", "quarter", "year").
std::string_view to_string(DashboardAccess access);
std::string_view to_string(CommunityEvery every);
// A weekday as the weekly_day setting writes it: "mon" … "sun".
std::string_view to_string(std::chrono::weekday day);

struct Region {
  std::string slug;
  std::string name;
  std::string tz;                             // IANA time zone; beatdown dates and month boundaries are local to it
  std::optional<std::string> team_id;         // Slack team id, to match events
  std::optional<std::string> firstf_channel;  // the region's 1st-F channel id
  std::optional<std::string> awards_channel;  // awards go here (1st-F when unset)
  std::optional<std::string> kotter_channel;  // Kotter list for site Qs
  std::optional<std::string> log_channel;     // admins' log: unreadable backblasts, run summaries
  std::string token_env = "SLACK_BOT_TOKEN";  // env var holding this region's bot token
  bool active = true;
  RegionFlags flags;                                      // send_* report flags and scrape_backblasts
  std::optional<std::string> templates_dir;               // NAME.mustache files replacing built-in texts
  PaxAudience pax_monthly_audience = PaxAudience::month;  // personal charts for who posted in the month, or the year
  int kotter_min_posts = 4;                               // Kotter: at least this many posts …
  int kotter_window_weeks = 8;                            // … in these weeks before the quiet weeks …
  int kotter_quiet_weeks = 2;  // … and none in the last these weeks (the regulars who never led)
  KotterClasses kotter;
  int monthly_day = 2;                                   // the scheduled monthly run: day of month (1–28) …
  TimeOfDay monthly_time{9, 0};                          // … and local time
  std::optional<std::chrono::weekday> weekly_day;        // the weekly report: its local weekday (none: off) …
  TimeOfDay weekly_time{8, 0};                           // … and local time
  std::vector<std::string> weekly_sections;              // some of reports::weekly_sections(); none: all
  std::vector<std::string> weekly_to;                    // channel and user ids (DMs); none: 1st-F
  std::optional<std::string> community_channel;          // community reports (activity, awards, engagement)
  std::vector<std::string> help_channels;                // channel ids: their answers weigh in the score
  EngagementWeights engagement_weights;                  // the engagement score's
  std::vector<std::string> community_awards;             // the ceremony's awards; none: all
  int helper_min_replies = 5;                            // threads answered, for the fastest helper award
  int award_max_winners = 10;                            // an award more share is not given (its line says why)
  int mention_budget = 30;                               // @-mentions in a run's channel posts; past it names are plain
  CommunityEvery community_every = CommunityEvery::off;  // scheduled community reports
  int nudge_quiet_days = 0;                              // nudges to members gone quiet after this many days; 0: off
  int nudge_min_messages = 10;                           // … who wrote at least this many in the 90 days before
  int nudge_reply_days = 7;                              // days to wait for a reply before the next step
  std::optional<std::string> moderators_channel;         // the nudges' last step and the mentor list go here
  int mentor_count = 0;                                  // members asked to mentor near a quarter's end; 0: off
  int mentor_days = 7;                                   // … in its last this many days
  DashboardAccess dashboard = DashboardAccess::members;  // who sees the web pages
  std::vector<std::string> admins;                       // user ids: dashboard admins besides the workspace's
  bool public_real_names = false;  // real names on pages anyone sees (public dashboard, static export)
  std::string updated_at;          // when a setting last changed (epoch seconds): pages made before are stale
};

// Whether `user_id` is in the region's `admins` list (the workspace's own admins are not listed
// there: Slack tells those apart).
bool is_listed_admin(const Region& region, std::string_view user_id);

// Throws paxstats::UserError unless slug is [a-z][a-z0-9_]{0,39} and not reserved
// (public, paxstats, information_schema, pg_*).
void validate_slug(std::string_view slug);

// Throws paxstats::UserError unless tz is an IANA time zone known to this machine.
void validate_time_zone(std::string_view tz);

// Creates the region: its row, its schema and every region migration, in one transaction.
// Refuses (UserError, nothing created) an invalid slug or time zone, an existing region, or a
// schema that exists but is not a region's.
Region add_region(Database& db, std::string_view slug, std::string_view name, std::string_view tz);

std::vector<Region> list_regions(Database& db);

bool region_exists(Database& db, std::string_view slug);

// The active region whose team_id is `team_id` (events and commands name their workspace).
std::optional<std::string> region_of_team(Database& db, std::string_view team_id);

// When an active region's scheduled work is due: the monthly run on `day` at hour:minute local
// time (in tz), the daily sync when its token is set. A slot before created_at is not owed.
struct Schedule {
  std::string slug, tz, token_env;
  int day = 2, hour = 9, minute = 0;
  // The weekly report: its weekday (none: off), at hour:minute local.
  std::optional<std::chrono::weekday> weekly_day;
  int weekly_hour = 8, weekly_minute = 0;
  // The community reports, at the monthly slot.
  CommunityEvery community_every = CommunityEvery::off;
  bool scrape_backblasts = true;  // false: not an F3 region, no monthly F3 run
  int nudge_quiet_days = 0;       // > 0: the daily nudges run
  int mentor_count = 0;           // > 0: the daily mentor pick runs
  std::chrono::sys_seconds created_at;
};
std::vector<Schedule> schedules(Database& db);

// The region's people (its Slack users who are not bots): what a run of it is queued by, the
// biggest first.
int region_size(Database& db, std::string_view slug);

// Throws UserError when the region does not exist.
Region get_region(Database& db, std::string_view slug);

// Changes settings, all or none (one transaction; every value is validated first). Keys: name,
// tz, team_id, firstf_channel, awards_channel, kotter_channel, token_env, active, templates_dir,
// pax_monthly_audience, kotter_min_posts, kotter_window_weeks, kotter_quiet_weeks, monthly_day,
// monthly_time, weekly_day, weekly_time, weekly_sections, weekly_to, community_channel, help_channels,
// engagement_weights, community_awards, helper_min_replies, award_max_winners, mention_budget, community_every,
// nudge_quiet_days,
// nudge_min_messages, nudge_reply_days, moderators_channel, mentor_count, mentor_days, or a flag from
// flag_settings(). Values: "true"/"false" for flags, Slack ids for channels, IANA names for tz; "" clears an
// optional setting. Throws UserError naming the bad key or value.
using Setting = std::pair<std::string, std::string>;
Region set_region(Database& db, std::string_view slug, const std::vector<Setting>& settings);

// The names set_region accepts, for help text.
std::vector<std::string> region_setting_names();

// DM opt-outs: people who asked paxstats not to DM them. Every DM honours them (planned
// personal charts, Kotter lists to site Qs, stats on demand). `source`: "cli" or "slack".
// Returns true when something changed. Throws UserError for a malformed user id.
bool set_opt_out(Database& db, std::string_view region, std::string_view user_id, bool opted_out,
                 std::string_view source = "cli");
std::vector<std::string> opt_outs(Database& db, std::string_view region);
bool is_opted_out(Database& db, std::string_view region, std::string_view user_id);

// The site Q of an AO channel (the Kotter report DMs them their AO's list); "" clears. Throws
// UserError for an unknown channel (import or sync first) or a malformed user id.
void set_site_q(Database& db, std::string_view region, std::string_view channel_id, std::string_view user_id);

}  // namespace paxstats::db
