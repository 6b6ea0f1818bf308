#pragma once
// Internal to serve/: the kinds of job the service queues, and each one's payload as a type. A
// payload is written with to_json and read with from_json, which throws for a missing or
// mistyped field: a malformed job fails loudly instead of running with defaults (run 0).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/calendar.hpp"
#include "paxstats/db/jobs.hpp"

// A month and a period in a payload are their text ("2026-10", "2026-W48"), read into their
// types as the payload is read: a job with a malformed one fails for good, like a missing field.
namespace nlohmann {
template <>
struct adl_serializer<date::year_month> {
  static void to_json(json& j, const date::year_month& m) { j = paxstats::calendar::format(m); }
  static void from_json(const json& j, date::year_month& m) {
    m = paxstats::calendar::parse_month(j.get<std::string>());
  }
};
template <>
struct adl_serializer<paxstats::calendar::Period> {
  static void to_json(json& j, const paxstats::calendar::Period& p) { j = p.name; }
  static void from_json(const json& j, paxstats::calendar::Period& p) {
    p = paxstats::calendar::parse_period(j.get<std::string>());
  }
};
}  // namespace nlohmann

namespace paxstats::serve {

// The kinds (db/jobs.hpp reads them from the table; their names are db's).
using db::jobs::JobKind;
using db::jobs::parse_job_kind;
using db::jobs::to_string;

// A Slack event (Events API or Socket Mode), as received.
struct EventJob {
  nlohmann::json event;
  std::string event_id;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EventJob, event, event_id)

// A DM to a poster (and a log line) about a backblast version that could not be read.
struct FeedbackJob {
  std::string channel, ts, edited_ts, poster;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FeedbackJob, channel, ts, edited_ts, poster)

// "Send me my stats": a user's chart of a year ("" for this one), by DM.
struct StatsJob {
  std::string user, year;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StatsJob, user, year)

// /paxstats ao: an AO channel's charts of the month so far, by DM.
struct AoStatsJob {
  std::string user, channel;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AoStatsJob, user, channel)

// A region's monthly run of `month` ("YYYY-MM" in the payload), recorded as run `run_id`.
struct RunMonthlyJob {
  long run_id = 0;
  date::year_month month;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunMonthlyJob, run_id, month)

// A region's weekly report of `week` ("YYYY-Www"), recorded as run `run_id`.
struct RunWeeklyJob {
  long run_id = 0;
  calendar::Period week;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunWeeklyJob, run_id, week)

// A region's community reports of `period` ("2026-10", "2026-Q3", "2026"), recorded as run `run_id`.
struct RunCommunityJob {
  long run_id = 0;
  calendar::Period period;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunCommunityJob, run_id, period)

// A region's daily community DMs at the job's business time: nudges to members gone quiet, and
// near a quarter's end the mentor pick.
struct NudgesJob {};
inline void to_json(nlohmann::json& j, const NudgesJob&) { j = nlohmann::json::object(); }
inline void from_json(const nlohmann::json& j, NudgesJob&) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a nudges job's payload must be an object", &j);
}

// The daily sync of a region from Slack's Web API.
struct SyncJob {};
inline void to_json(nlohmann::json& j, const SyncJob&) { j = nlohmann::json::object(); }
inline void from_json(const nlohmann::json& j, SyncJob&) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a sync job's payload must be an object", &j);
}

// A member's App Home tab, published anew (on app_home_opened; at most once a minute a member).
struct HomeJob {
  std::string user;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HomeJob, user)

// A button pressed or a person picked in one of the bot's messages (Slack's block_actions
// payload, as received and verified): one action of it.
struct InteractionJob {
  nlohmann::json payload;
  std::string action_id, block_id, value, selected_user, action_ts;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(InteractionJob, payload, action_id, block_id, value, selected_user, action_ts)

// The kind of each payload type, so enqueueing names neither twice.
template <class P>
constexpr JobKind kind_of();
template <>
constexpr JobKind kind_of<EventJob>() {
  return JobKind::event;
}
template <>
constexpr JobKind kind_of<FeedbackJob>() {
  return JobKind::feedback;
}
template <>
constexpr JobKind kind_of<StatsJob>() {
  return JobKind::stats;
}
template <>
constexpr JobKind kind_of<AoStatsJob>() {
  return JobKind::ao_stats;
}
template <>
constexpr JobKind kind_of<RunMonthlyJob>() {
  return JobKind::run_monthly;
}
template <>
constexpr JobKind kind_of<RunWeeklyJob>() {
  return JobKind::run_weekly;
}
template <>
constexpr JobKind kind_of<RunCommunityJob>() {
  return JobKind::run_community;
}
template <>
constexpr JobKind kind_of<NudgesJob>() {
  return JobKind::nudges;
}
template <>
constexpr JobKind kind_of<SyncJob>() {
  return JobKind::sync;
}
template <>
constexpr JobKind kind_of<HomeJob>() {
  return JobKind::home;
}

template <>
constexpr JobKind kind_of<InteractionJob>() {
  return JobKind::interaction;
}

// Queues a typed job (see db::jobs::enqueue): its kind follows from the payload's type.
template <class Payload>
bool enqueue(db::Database& db, std::string_view region, const Payload& payload,
             const std::optional<std::string>& dedupe_key = std::nullopt, int delay_seconds = 0, int priority = 0) {
  return db::jobs::enqueue(db, region, kind_of<Payload>(), nlohmann::json(payload), dedupe_key, delay_seconds,
                           priority);
}

}  // namespace paxstats::serve
