// Buttons and pickers in the bot's messages (POST /slack/interactions, or Socket Mode's
// "interactive" envelopes): each action of a verified block_actions payload is queued as an
// interaction job, acked at once. The job's dedupe key is the action's own (its action_ts, who,
// which): a replayed payload queues nothing. The work is jobs/interaction.cpp's.
#include "paxstats/log.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

int ServiceState::accept_interaction(const json& payload) {
  if (!payload.is_object()) return 400;
  if (text_of(payload, "type") != "block_actions") return 200;  // nothing else is asked of paxstats
  const json& team_j = payload.contains("team") && payload["team"].is_object() ? payload["team"] : json::object();
  const json& user_j = payload.contains("user") && payload["user"].is_object() ? payload["user"] : json::object();
  const std::string team = text_of(team_j, "id"), user = text_of(user_j, "id");
  if (team.empty() || user.empty() || !payload.contains("actions") || !payload["actions"].is_array()) return 400;
  try {
    auto db = pool.get();
    const auto region = team_regions.get(*db, team);
    if (!region) {
      log::warn("interaction from team " + team + ": no active region has this team_id");
      return 200;
    }
    for (const auto& a : payload["actions"]) {
      if (!a.is_object()) continue;
      InteractionJob job{payload,
                         text_of(a, "action_id"),
                         text_of(a, "block_id"),
                         text_of(a, "value"),
                         text_of(a, "selected_user"),
                         text_of(a, "action_ts")};
      if (job.action_id.empty() || job.action_ts.empty()) continue;
      const bool fresh = enqueue(*db, *region, job, "interaction:" + job.action_ts + ":" + user + ":" + job.action_id);
      log::info("interaction " + job.action_id + " by " + user + " in " + *region +
                (fresh ? " queued" : " already seen (a replay): nothing to do"));
    }
    sleep_cv.notify_all();
    return 200;
  } catch (const std::exception& e) {
    log::error("interaction not queued: " + log::redact(e.what()));
    return 500;
  }
}

}  // namespace paxstats::serve
