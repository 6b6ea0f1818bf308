#include "paxstats/db/regions.hpp"

#include "detail/region_schema.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>

#include "detail/database_impl.hpp"
#include "detail/migrate_impl.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/db/store_reads.hpp"

namespace paxstats::db {
namespace {

const std::vector<std::string> kOptionalText = {"team_id",           "firstf_channel", "awards_channel",
                                                "kotter_channel",    "log_channel",    "community_channel",
                                                "moderators_channel"};
// Whole-number settings and their allowed ranges (the same CHECKs as the table's).
const std::vector<std::pair<std::string, std::pair<int, int>>> kNumbers = {
    {"kotter_min_posts", {1, 100}},      {"kotter_window_weeks", {1, 52}},
    {"kotter_quiet_weeks", {1, 26}},     {"monthly_day", {1, 28}},
    {"helper_min_replies", {1, 1000}},   {"nudge_quiet_days", {0, 365}},
    {"nudge_min_messages", {1, 100000}}, {"nudge_reply_days", {1, 90}},
    {"mentor_count", {0, 100}},          {"mentor_days", {1, 60}},
    {"award_max_winners", {1, 20}},      {"mention_budget", {0, 1000}}};

// The settings' words, each read here once.
constexpr const char* weekday_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// "mon" → Monday …; nothing for anything else ("off").
std::optional<std::chrono::weekday> weekday_of(std::string_view day) {
  for (unsigned i = 0; i < 7; ++i)
    if (day == weekday_names[i]) return std::chrono::weekday{i};
  return std::nullopt;
}

std::optional<DashboardAccess> dashboard_access(std::string_view text) {
  if (text == "public") return DashboardAccess::public_pages;
  if (text == "members") return DashboardAccess::members;
  if (text == "off") return DashboardAccess::off;
  return std::nullopt;
}
std::optional<PaxAudience> audience_of(std::string_view text) {
  if (text == "month") return PaxAudience::month;
  if (text == "year") return PaxAudience::year;
  return std::nullopt;
}
// "09:00" (checked by set_region, and by the table's CHECK) → 9:00.
TimeOfDay time_of(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') throw std::logic_error("a stored time of day \"" + std::string(text) + "\"");
  return {std::stoi(std::string(text.substr(0, 2))), std::stoi(std::string(text.substr(3, 2)))};
}
std::optional<CommunityEvery> community_every_of(std::string_view text) {
  if (text == "off") return CommunityEvery::off;
  if (text == "month") return CommunityEvery::month;
  if (text == "quarter") return CommunityEvery::quarter;
  if (text == "year") return CommunityEvery::year;
  return std::nullopt;
}

std::string region_columns() {
  std::string cols =
      "slug, name, tz, team_id, firstf_channel, awards_channel, kotter_channel, token_env, active, "
      "templates_dir, pax_monthly_audience, kotter_min_posts, kotter_window_weeks, kotter_quiet_weeks, "
      "monthly_day, monthly_time, log_channel, weekly_day, weekly_time, weekly_sections, weekly_to, "
      "community_channel, help_channels, engagement_weights, community_awards, helper_min_replies, community_every, "
      "nudge_quiet_days, nudge_min_messages, nudge_reply_days, moderators_channel, mentor_count, mentor_days, "
      "dashboard, admins, award_max_winners, public_real_names, extract(epoch FROM updated_at)::text, mention_budget";
  for (const auto& f : flag_settings()) cols += std::string(", ") + f.name;
  for (const auto& k : kotter_settings()) cols += std::string(", ") + k.name;
  return cols;
}

Region from_row(const pqxx::row& r) {
  Region reg;
  reg.slug = r[0].c_str();
  reg.name = r[1].c_str();
  reg.tz = r[2].c_str();
  auto opt = [&](int i) -> std::optional<std::string> {
    if (r[i].is_null()) return std::nullopt;
    return std::string(r[i].c_str());
  };
  reg.team_id = opt(3);
  reg.firstf_channel = opt(4);
  reg.awards_channel = opt(5);
  reg.kotter_channel = opt(6);
  reg.token_env = r[7].c_str();
  reg.active = r[8].as<bool>();
  reg.templates_dir = opt(9);
  reg.pax_monthly_audience = audience_of(r[10].c_str()).value_or(PaxAudience::month);
  reg.kotter_min_posts = r[11].as<int>();
  reg.kotter_window_weeks = r[12].as<int>();
  reg.kotter_quiet_weeks = r[13].as<int>();
  reg.monthly_day = r[14].as<int>();
  reg.monthly_time = time_of(r[15].c_str());
  reg.log_channel = opt(16);
  reg.weekly_day = weekday_of(r[17].c_str());
  reg.weekly_time = time_of(r[18].c_str());
  reg.weekly_sections = split_list(r[19].c_str());
  reg.weekly_to = split_list(r[20].c_str());
  reg.community_channel = opt(21);
  reg.help_channels = split_list(r[22].c_str());
  reg.engagement_weights = parse_engagement_weights(r[23].c_str());
  reg.community_awards = split_list(r[24].c_str());
  reg.helper_min_replies = r[25].as<int>();
  reg.community_every = community_every_of(r[26].c_str()).value_or(CommunityEvery::off);
  reg.nudge_quiet_days = r[27].as<int>();
  reg.nudge_min_messages = r[28].as<int>();
  reg.nudge_reply_days = r[29].as<int>();
  reg.moderators_channel = opt(30);
  reg.mentor_count = r[31].as<int>();
  reg.mentor_days = r[32].as<int>();
  // Stored values were checked by set_region; one from elsewhere shows nothing to anyone outside.
  reg.dashboard = dashboard_access(r[33].c_str()).value_or(DashboardAccess::members);
  reg.admins = split_list(r[34].c_str());
  reg.award_max_winners = r[35].as<int>();
  reg.public_real_names = r[36].as<bool>();
  reg.updated_at = r[37].c_str();
  reg.mention_budget = r[38].as<int>();
  int i = 39;
  for (const auto& f : flag_settings()) reg.flags.*f.field = r[i++].as<bool>();
  for (const auto& k : kotter_settings()) reg.kotter.*k.field = r[i++].as<int>();
  return reg;
}

bool parse_bool(std::string_view key, std::string_view v) {
  std::string s(v);
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  throw UserError("region setting " + std::string(key) + " takes true or false, not \"" + std::string(v) + "\"");
}

void validate_slack_id(std::string_view key, std::string_view v, std::string_view prefixes) {
  static const std::regex id(R"([A-Z][A-Z0-9]{2,20})");
  if (!std::regex_match(v.begin(), v.end(), id) || prefixes.find(v.front()) == std::string_view::npos)
    throw UserError("region setting " + std::string(key) + " takes a Slack id starting with one of \"" +
                    std::string(prefixes) + "\" (e.g. C0123ABCD), not \"" + std::string(v) +
                    "\". Find it in Slack under the channel's details.");
}

void check_number(const std::string& key, const std::string& value, int lo, int hi) {
  int v = 0;
  if (!std::regex_match(value, std::regex("[0-9]{1,5}")) || (v = std::stoi(value)) < lo || v > hi)
    throw UserError("region setting " + key + " takes a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi) + ", not \"" + value + "\"");
}

void check_user_id(std::string_view user_id) {
  if (!std::regex_match(user_id.begin(), user_id.end(), std::regex("[UW][A-Z0-9]{2,20}")))
    throw UserError("\"" + std::string(user_id) +
                    "\" is not a Slack user id (U0123ABCD): find it in the person's Slack "
                    "profile under ⋮ → Copy member ID");
}

}  // namespace

const std::vector<FlagSetting>& flag_settings() {
  using F = RegionFlags;
  static const std::vector<FlagSetting> settings = {{"send_pax_monthly", &F::send_pax_monthly},
                                                    {"send_q_counts", &F::send_q_counts},
                                                    {"send_ao_trend", &F::send_ao_trend},
                                                    {"send_ao_summary", &F::send_ao_summary},
                                                    {"send_fng_counts", &F::send_fng_counts},
                                                    {"send_leaderboards", &F::send_leaderboards},
                                                    {"send_awards", &F::send_awards},
                                                    {"send_kotter", &F::send_kotter},
                                                    {"send_year_glance", &F::send_year_glance},
                                                    {"send_feedback_dms", &F::send_feedback_dms},
                                                    {"scrape_backblasts", &F::scrape_backblasts}};
  return settings;
}

const std::vector<KotterSetting>& kotter_settings() {
  using K = KotterClasses;
  static const std::vector<KotterSetting> settings = {
      {"kotter_min_days", &K::min_days, 1, 365},
      {"kotter_max_days", &K::max_days, 1, 730},
      {"kotter_new_max_posts", &K::new_max_posts, 1, 100},
      {"kotter_new_first_days", &K::new_first_days, 1, 730},
      {"kotter_veteran_min_posts", &K::veteran_min_posts, 1, 10000},
      {"kotter_veteran_per_month", &K::veteran_per_month, 0, 100},
      {"kotter_veteran_quiet_days", &K::veteran_quiet_days, 1, 365},
      {"kotter_seasonal_min_posts", &K::seasonal_min_posts, 1, 10000},
      {"kotter_seasonal_per_month", &K::seasonal_per_month, 0, 100},
      {"kotter_seasonal_recent_posts", &K::seasonal_recent_posts, 0, 100},
      {"kotter_seasonal_quiet_days", &K::seasonal_quiet_days, 1, 365},
      {"kotter_seasonal_max_days", &K::seasonal_max_days, 1, 730},
      {"kotter_seasonal_max_aos", &K::seasonal_max_aos, 1, 1000},
      {"kotter_soft_min_posts", &K::soft_min_posts, 1, 10000},
      {"kotter_soft_max_posts", &K::soft_max_posts, 1, 10000},
      {"kotter_soft_quiet_days", &K::soft_quiet_days, 1, 365},
      {"kotter_soft_max_days", &K::soft_max_days, 1, 730}};
  return settings;
}

std::vector<std::string> region_setting_names() {
  std::vector<std::string> names = {
      "name",        "tz",        "team_id", "firstf_channel", "awards_channel",      "kotter_channel",
      "log_channel", "token_env", "active",  "templates_dir",  "pax_monthly_audience"};
  for (const auto& number : kNumbers) names.push_back(number.first);
  for (const auto& k : kotter_settings()) names.push_back(k.name);
  names.push_back("monthly_time");
  names.push_back("weekly_day");
  names.push_back("weekly_time");
  names.push_back("weekly_sections");
  names.push_back("weekly_to");
  names.push_back("community_channel");
  names.push_back("moderators_channel");
  names.push_back("help_channels");
  names.push_back("engagement_weights");
  names.push_back("community_awards");
  names.push_back("community_every");
  names.push_back("dashboard");
  names.push_back("admins");
  names.push_back("public_real_names");
  for (const auto& f : flag_settings()) names.push_back(f.name);
  return names;
}

void validate_slug(std::string_view slug) {
  static const std::regex pattern(R"([a-z][a-z0-9_]{0,39})");
  const std::string s(slug);
  if (!std::regex_match(s, pattern))
    throw UserError("region slug \"" + s +
                    "\" is not allowed: it becomes a PostgreSQL schema name, so it must start with a lower-case "
                    "letter and hold only a-z, 0-9 and _ (at most 40 characters), e.g. \"stl\" or \"f3_stl\".");
  if (s == "public" || s == "paxstats" || s == "information_schema" || s.starts_with("pg_"))
    throw UserError("region slug \"" + s +
                    "\" is reserved (public, paxstats, information_schema and pg_* are "
                    "PostgreSQL's or paxstats's own schemas). Choose another slug.");
}

void validate_time_zone(std::string_view tz) {
  try {
    (void)date::locate_zone(tz);
  } catch (const std::exception&) {
    throw UserError("unknown time zone \"" + std::string(tz) +
                    "\": use an IANA name such as America/Chicago, America/New_York or Europe/London "
                    "(see /usr/share/zoneinfo).");
  }
}

Region add_region(Database& db, std::string_view slug, std::string_view name, std::string_view tz) {
  validate_slug(slug);
  validate_time_zone(tz);
  if (name.empty()) throw UserError("region " + std::string(slug) + " needs a display name (--name \"F3 St. Louis\")");
  apply_migrations(db, control_migrations(), "paxstats");

  pqxx::work tx(db.impl().conn);
  detail::lock_schema(tx, slug);
  if (!detail::exec_params(tx, "SELECT 1 FROM paxstats.regions WHERE slug = $1", {std::string(slug)}).empty())
    throw UserError("region " + std::string(slug) + " already exists (see paxstats region list).");
  if (!detail::exec_params(tx, "SELECT 1 FROM pg_namespace WHERE nspname = $1", {std::string(slug)}).empty())
    throw UserError("a schema named " + std::string(slug) +
                    " already exists in this database and is not a paxstats region. Choose another slug.");
  detail::exec_params(tx, "INSERT INTO paxstats.regions (slug, name, tz) VALUES ($1, $2, $3)",
                      {std::string(slug), std::string(name), std::string(tz)});
  detail::ensure_ledger(tx, slug);
  const auto set = region_migrations();
  for (const auto& file : set.files) detail::apply_one(tx, set, file, slug);
  detail::exec_params(tx, "UPDATE paxstats.regions SET migrated = $2 WHERE slug = $1",
                      {std::string(slug), detail::region_set_fingerprint()});
  auto r = detail::exec_params(tx, "SELECT " + region_columns() + " FROM paxstats.regions WHERE slug = $1",
                               {std::string(slug)});
  Region region = from_row(r[0]);
  tx.commit();
  return region;
}

std::vector<Region> list_regions(Database& db) {
  apply_migrations(db, control_migrations(), "paxstats");
  pqxx::work tx(db.impl().conn);
  std::vector<Region> out;
  for (const auto& row : tx.exec("SELECT " + region_columns() + " FROM paxstats.regions ORDER BY slug"))
    out.push_back(from_row(row));
  return out;
}

bool region_exists(Database& db, std::string_view slug) {
  return sql::value(db, "SELECT 1 FROM paxstats.regions WHERE slug = $1", {std::string(slug)}).has_value();
}

std::optional<std::string> region_of_team(Database& db, std::string_view team_id) {
  return sql::value(db, "SELECT slug FROM paxstats.regions WHERE team_id = $1 AND active", {std::string(team_id)});
}

int region_size(Database& db, std::string_view slug) {
  return std::stoi(
      sql::value(db, "SELECT count(*) FROM " + detail::region_schema(slug) + ".users WHERE NOT is_bot").value_or("0"));
}

std::vector<Schedule> schedules(Database& db) {
  std::vector<Schedule> out;
  for (const auto& r : sql::query(
           db,
           "SELECT slug, tz, token_env, monthly_day, split_part(monthly_time, ':', 1)::int, "
           "split_part(monthly_time, ':', 2)::int, extract(epoch FROM created_at)::bigint, "
           "weekly_day, split_part(weekly_time, ':', 1)::int, "
           "split_part(weekly_time, ':', 2)::int, community_every, scrape_backblasts, nudge_quiet_days, mentor_count "
           "FROM paxstats.regions WHERE active "
           // A region Slack took paxstats out of owes nothing meanwhile (db/installs).
           "AND NOT EXISTS (SELECT 1 FROM paxstats.installs i WHERE i.region = slug AND i.state <> 'installed') "
           "ORDER BY slug"))
    out.push_back({*r[0], *r[1], *r[2], std::stoi(*r[3]), std::stoi(*r[4]), std::stoi(*r[5]), weekday_of(*r[7]),
                   std::stoi(*r[8]), std::stoi(*r[9]), community_every_of(*r[10]).value_or(CommunityEvery::off),
                   *r[11] == "t", std::stoi(*r[12]), std::stoi(*r[13]),
                   std::chrono::sys_seconds{std::chrono::seconds{std::stoll(*r[6])}}});
  return out;
}

Region get_region(Database& db, std::string_view slug) {
  pqxx::work tx(db.impl().conn);
  auto r = detail::exec_params(tx, "SELECT " + region_columns() + " FROM paxstats.regions WHERE slug = $1",
                               {std::string(slug)});
  if (r.empty())
    throw UserError("no region \"" + std::string(slug) + "\". Create it with paxstats region add " + std::string(slug) +
                    " --name NAME --tz TZ, or see paxstats region list.");
  return from_row(r[0]);
}

Region set_region(Database& db, std::string_view slug, const std::vector<Setting>& settings) {
  const auto names = region_setting_names();
  std::vector<std::pair<std::string, std::optional<std::string>>> updates;
  // A channel may be named as people know it (#1st-f or 1st-f): the region's channel of that
  // name, stored by its id.
  auto channel_id_of = [&](const std::string& key, const std::string& written) -> std::string {
    std::string name = written;
    if (!name.empty() && name[0] == '#') name.erase(0, 1);
    if (std::regex_match(name, std::regex(R"([A-Z][A-Z0-9]{2,20})"))) return name;
    get_region(db, slug);  // throws for an unknown region
    if (auto id = channel_id_named(db, slug, name)) return *id;
    throw UserError("region setting " + key + ": region " + std::string(slug) + " has no channel named " +
                    quoted_input(name) +
                    ". Import or sync the workspace first, or give the channel's id (C0123ABCD, in Slack under the "
                    "channel's details).");
  };
  for (const auto& setting : settings) {
    // Plain references, not a structured binding: lambdas below capture `key` (clang 14, which
    // builds the fuzz targets, refuses to capture a binding).
    const std::string& key = setting.first;
    const std::string& value = setting.second;
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UserError("unknown region setting \"" + key + "\". Settings: " + list + ".");
    }
    std::optional<std::string> stored = value;
    if (key == "tz") {
      validate_time_zone(value);
    } else if (key == "name" || key == "token_env") {
      if (value.empty()) throw UserError("region setting " + key + " cannot be empty");
      // Only variables meant for bot tokens: any other name (SLACK_SIGNING_SECRET, DATABASE_URL)
      // would send that secret to Slack as a bearer token.
      if (key == "token_env" && !std::regex_match(value, std::regex("(SLACK_BOT_TOKEN|PAXSTATS_TOKEN_)[A-Z0-9_]*")))
        throw UserError(
            "token_env names the environment variable holding the region's bot token, and must be "
            "SLACK_BOT_TOKEN, SLACK_BOT_TOKEN_<NAME> or PAXSTATS_TOKEN_<NAME> (upper case), not \"" +
            value + "\"");
    } else if (key == "templates_dir") {
      if (value.empty())
        stored.reset();
      else if (!std::filesystem::path(value).is_absolute() || !std::filesystem::is_directory(value))
        throw UserError(
            "templates_dir takes the absolute path of a folder of NAME.mustache files (see templates/README.md), "
            "not \"" +
            value + "\"");
    } else if (key == "pax_monthly_audience") {
      if (!audience_of(value))
        throw UserError(
            "pax_monthly_audience takes month (everyone who posted in the month) or year (everyone who "
            "posted this year), not \"" +
            value + "\"");
    } else if (key == "monthly_time" || key == "weekly_time") {
      if (!std::regex_match(value, std::regex("([01][0-9]|2[0-3]):[0-5][0-9]")))
        throw UserError(key + " takes a local time as HH:MM (24-hour), e.g. 09:00, not \"" + value + "\"");
    } else if (key == "weekly_day") {
      if (!weekday_of(value) && value != "off")
        throw UserError("weekly_day takes a weekday (mon, tue, wed, thu, fri, sat, sun) or off, not \"" + value + "\"");
    } else if (key == "help_channels") {
      std::stringstream list(value);
      std::string ids;
      for (std::string one; std::getline(list, one, ',');) {
        const std::string id = channel_id_of(key, one);
        validate_slack_id(key, id, "CG");
        ids += (ids.empty() ? "" : ",") + id;
      }
      stored = ids;
    } else if (key == "community_every") {
      if (!community_every_of(value))
        throw UserError("community_every takes off, month, quarter or year, not \"" + value + "\"");
    } else if (key == "dashboard") {
      if (!dashboard_access(value))
        throw UserError(
            "dashboard takes public (anyone sees the pages, except admin and Kotter), members (people signed in "
            "with Slack from the region's workspace) or off, not \"" +
            value + "\"");
    } else if (key == "admins") {
      std::stringstream list(value);
      for (std::string id; std::getline(list, id, ',');) check_user_id(id);
    } else if (key == "community_awards") {
      static const std::regex awards(
          "((most_messages|most_threads|most_replies|most_reactions|fastest_helper|most_consistent|rising_star)"
          "(,|$))*");
      if (!std::regex_match(value, awards))
        throw UserError(
            "community_awards takes a comma list of most_messages, most_threads, most_replies, most_reactions, "
            "fastest_helper, most_consistent, rising_star (\"\": all of them), not \"" +
            value + "\"");
    } else if (key == "engagement_weights") {
      static const std::regex weights(
          "(((messages|replies|reactions|help|weeks)=[0-9]{1,4}(\\.[0-9]{1,3})?)(,(?=.)|$))*");
      if (value.empty() || !std::regex_match(value, weights))
        throw UserError(
            "engagement_weights takes a comma list of messages, replies, reactions, help and weeks, each =NUMBER "
            "(0 to 9999), e.g. messages=1,replies=3,reactions=0.5,help=5,weeks=2; not \"" +
            value + "\"");
      parse_engagement_weights(value);  // what from_row will read
    } else if (key == "weekly_to") {
      std::stringstream list(value);
      for (std::string id; std::getline(list, id, ',');) validate_slack_id(key, id, "CGDUW");
    } else if (key == "weekly_sections") {
      static const std::regex sections("((summary|fngs_by_ao|top_workout|top_posters|top_qs|trophies)(,|$))*");
      if (!std::regex_match(value, sections))
        throw UserError(
            "weekly_sections takes a comma list of summary, fngs_by_ao, top_workout, top_posters, top_qs, "
            "trophies (\"\": all of them), not \"" +
            value + "\"");
    } else if (auto n = std::find_if(kNumbers.begin(), kNumbers.end(), [&](const auto& k) { return k.first == key; });
               n != kNumbers.end()) {
      check_number(key, value, n->second.first, n->second.second);
    } else if (auto k = std::find_if(kotter_settings().begin(), kotter_settings().end(),
                                     [&](const KotterSetting& s) { return s.name == key; });
               k != kotter_settings().end()) {
      check_number(key, value, k->lo, k->hi);
    } else if (std::find(kOptionalText.begin(), kOptionalText.end(), key) != kOptionalText.end()) {
      if (value.empty()) {
        stored.reset();
      } else if (key == "team_id") {
        validate_slack_id(key, value, "TE");
      } else {
        stored = channel_id_of(key, value);
        validate_slack_id(key, *stored, "CGD");
      }
    } else {
      stored = parse_bool(key, value) ? "true" : "false";
    }
    updates.emplace_back(key, stored);
  }
  get_region(db, slug);  // throws for an unknown region
  for (const auto& [key, stored] : updates)
    if (key == "team_id" && stored) {
      const auto other = sql::value(db, "SELECT slug FROM paxstats.regions WHERE team_id = $1 AND slug <> $2",
                                    {*stored, std::string(slug)});
      if (other)
        throw UserError("team_id " + *stored + " is region " + *other +
                        "'s already: one Slack workspace is one region "
                        "(clear it there first: paxstats region set " +
                        *other + " team_id=)");
    }
  pqxx::work tx(db.impl().conn);
  for (const auto& [key, stored] : updates) {
    // key is one of the fixed column names checked above; the value is a bound parameter.
    detail::exec_params(tx, "UPDATE paxstats.regions SET " + key + " = $2, updated_at = now() WHERE slug = $1",
                        {std::string(slug), stored});
  }
  tx.commit();
  return get_region(db, slug);
}

bool set_opt_out(Database& db, std::string_view region, std::string_view user_id, bool opted_out,
                 std::string_view source) {
  get_region(db, region);  // throws for an unknown region; the slug is then a valid identifier
  check_user_id(user_id);
  const std::string table = quote_identifier(region) + ".opt_outs";
  const auto changed =
      opted_out
          ? sql::query(db,
                       "INSERT INTO " + table + " (user_id, source) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
                       {std::string(user_id), std::string(source)})
          : sql::query(db, "DELETE FROM " + table + " WHERE user_id = $1 RETURNING 1", {std::string(user_id)});
  return !changed.empty();
}

void set_site_q(Database& db, std::string_view region, std::string_view channel_id, std::string_view user_id) {
  get_region(db, region);
  if (!user_id.empty()) check_user_id(user_id);
  const auto r =
      sql::query(db,
                 "UPDATE " + quote_identifier(region) +
                     ".channels SET site_q_user_id = $2 WHERE channel_id = $1 "
                     "RETURNING 1",
                 {std::string(channel_id), user_id.empty() ? std::nullopt : std::optional<std::string>(user_id)});
  if (r.empty())
    throw UserError("region " + std::string(region) + " has no channel " + std::string(channel_id) +
                    ": import or sync the workspace first (channel ids look like C0123ABCD)");
}

std::vector<std::string> opt_outs(Database& db, std::string_view region) {
  validate_slug(region);
  std::vector<std::string> out;
  for (const auto& r : sql::query(db, "SELECT user_id FROM " + quote_identifier(region) + ".opt_outs ORDER BY user_id"))
    out.push_back(*r[0]);
  return out;
}

bool is_opted_out(Database& db, std::string_view region, std::string_view user_id) {
  validate_slug(region);
  return !sql::query(db, "SELECT 1 FROM " + quote_identifier(region) + ".opt_outs WHERE user_id = $1",
                     {std::string(user_id)})
              .empty();
}

bool is_listed_admin(const Region& region, std::string_view user_id) {
  return std::find(region.admins.begin(), region.admins.end(), user_id) != region.admins.end();
}

std::string_view to_string(PaxAudience audience) { return audience == PaxAudience::year ? "year" : "month"; }

std::string TimeOfDay::text() const {
  char out[8];
  std::snprintf(out, sizeof out, "%02d:%02d", hour, minute);
  return out;
}

EngagementWeights parse_engagement_weights(std::string_view text) {
  EngagementWeights w;
  auto bad = [&] {
    return UserError("engagement weights \"" + std::string(text) +
                     "\" are not a comma list of messages, replies, reactions, help and weeks, each =NUMBER (e.g. "
                     "messages=1,replies=3,reactions=0.5,help=5,weeks=2)");
  };
  const std::pair<const char*, double EngagementWeights::*> fields[] = {{"messages", &EngagementWeights::messages},
                                                                        {"replies", &EngagementWeights::replies},
                                                                        {"reactions", &EngagementWeights::reactions},
                                                                        {"help", &EngagementWeights::help},
                                                                        {"weeks", &EngagementWeights::weeks}};
  for (const auto& part : split_list(text)) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) throw bad();
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    double v = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v < 0 || v > 9999) throw bad();
    const auto field =
        std::find_if(std::begin(fields), std::end(fields), [&](const auto& f) { return key == f.first; });
    if (field == std::end(fields)) throw bad();
    w.*field->second = v;
  }
  return w;
}

std::string to_string(const EngagementWeights& w) {
  std::ostringstream out;
  out << "messages=" << w.messages << ",replies=" << w.replies << ",reactions=" << w.reactions << ",help=" << w.help
      << ",weeks=" << w.weeks;
  return out.str();
}

std::string_view to_string(DashboardAccess access) {
  switch (access) {
    case DashboardAccess::public_pages: return "public";
    case DashboardAccess::members: return "members";
    case DashboardAccess::off: return "off";
  }
  return "members";
}

std::string_view to_string(std::chrono::weekday day) { return weekday_names[day.c_encoding() % 7]; }

std::string_view to_string(CommunityEvery every) {
  switch (every) {
    case CommunityEvery::off: return "off";
    case CommunityEvery::month: return "month";
    case CommunityEvery::quarter: return "quarter";
    case CommunityEvery::year: return "year";
  }
  return "off";
}

}  // namespace paxstats::db
