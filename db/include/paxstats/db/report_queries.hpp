#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

// The numbers reports show, read through the counting rules of the region schema (views
// counted_beatdowns and posts; README "How paxstats counts"). Dates are local to the region.
namespace paxstats::db::report {

// An inclusive range of local dates, "YYYY-MM-DD".
struct Period {
  std::string first, last;
};

// The calendar month "YYYY-MM"; throws UserError for anything else.
Period month(std::string_view yyyy_mm);
// January 1st to the end of the month "YYYY-MM".
Period year_to_month(std::string_view yyyy_mm);

// A person: a Slack user, or a name typed without a mention ("name:<lower-case name>").
struct PersonTotal {
  std::string person;     // user id, or "name:…"
  std::string user_id;    // "" for typed names
  std::string name;       // display name, or the name as typed
  int posts = 0;
  int unique_aos = 0;
};

// People by posts in a period, most first (ties: more AOs, then name), at one AO or all.
std::vector<PersonTotal> leaderboard(Database& db, std::string_view region, const Period& period,
                                     const std::optional<std::string>& ao = std::nullopt, int limit = 20);

struct AoPersonTotal {
  std::string ao_id;
  PersonTotal total;
};

// Every AO's leaderboard in one query: per AO, people by posts (most first), at most `limit` each.
std::vector<AoPersonTotal> leaderboards_by_ao(Database& db, std::string_view region, const Period& period, int limit = 20);

struct MonthAoPosts {
  std::string month;  // YYYY-MM
  std::string ao_id, ao_name;
  int posts = 0;
};

// One person's posts by month and AO (the personal chart).
std::vector<MonthAoPosts> person_posts(Database& db, std::string_view region, std::string_view person, const Period& period);

struct PersonMonthAo {
  std::string person, user_id, name, month, ao_id, ao_name;
  int posts = 0;
};

// Everyone's posts by month and AO in a period, in one query (the personal charts of a run).
std::vector<PersonMonthAo> posts_by_person(Database& db, std::string_view region, const Period& period);

// The region's AOs — channels where beatdowns were reported — as (channel id, name), by id:
// the fixed order that gives each AO its colour.
std::vector<std::pair<std::string, std::string>> aos(Database& db, std::string_view region);

// Users deactivated and channels archived, as last seen in Slack: nothing is sent to them.
std::vector<std::string> gone_recipients(Database& db, std::string_view region);

struct QCount {
  std::string person, user_id, name, ao_id, ao_name;
  int qs = 0;    // beatdowns led
  int coqs = 0;  // beatdowns co-led
};

// Qs and Co-Qs by person and AO in a period (at one AO, or all).
std::vector<QCount> q_counts(Database& db, std::string_view region, const Period& period,
                             const std::optional<std::string>& ao = std::nullopt);

struct AoMonth {
  std::string ao_id, ao_name, month;
  int beatdowns = 0;
  int posts = 0;       // people named
  int unique_pax = 0;
  int headcount = 0;   // COUNT as the Qs wrote it (people named otherwise)
  int fngs = 0;
  double average_attendance() const { return beatdowns ? static_cast<double>(headcount) / beatdowns : 0; }
};

// Per AO and month within a period.
std::vector<AoMonth> ao_months(Database& db, std::string_view region, const Period& period);

}  // namespace paxstats::db::report
