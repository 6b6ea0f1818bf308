#pragma once
// Internal to serve/: the kinds of job the service queues, and each one's payload as a type. A
// payload is written with to_json and read with from_json, which throws for a missing or
// mistyped field: a malformed job fails loudly instead of running with defaults (run 0).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace paxstats::serve {

enum class JobKind {
  event,
  feedback,
  stats,
  ao_stats,
  run_monthly,
  run_weekly,
  run_community,
  nudges,
  sync,
  home,
  interaction
};

NLOHMANN_JSON_SERIALIZE_ENUM(JobKind, {{JobKind::event, "event"},
                                       {JobKind::feedback, "feedback"},
                                       {JobKind::stats, "stats"},
                                       {JobKind::ao_stats, "ao_stats"},
                                       {JobKind::run_monthly, "run_monthly"},
                                       {JobKind::run_weekly, "run_weekly"},
                                       {JobKind::run_community, "run_community"},
                                       {JobKind::nudges, "nudges"},
                                       {JobKind::sync, "sync"},
                                       {JobKind::home, "home"},
                                       {JobKind::interaction, "interaction"}})

// The kind's name as the jobs table stores it, and back (nullopt for a name no kind has).
std::string_view to_string(JobKind kind);
std::optional<JobKind> parse_job_kind(std::string_view name);

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

// A region's monthly run of `month` ("YYYY-MM"), recorded as run `run_id`.
struct RunMonthlyJob {
  long run_id = 0;
  std::string month;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunMonthlyJob, run_id, month)

// A region's weekly report of `week` ("YYYY-Www"), recorded as run `run_id`.
struct RunWeeklyJob {
  long run_id = 0;
  std::string week;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunWeeklyJob, run_id, week)

// A region's community reports of `period` ("2026-10", "2026-Q3", "2026"), recorded as run `run_id`.
struct RunCommunityJob {
  long run_id = 0;
  std::string period;
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

}  // namespace paxstats::serve
