// One action of a button or picker in the bot's messages:
//   confirm_alias   a Q picked who a typed name is (the feedback DM's user picker): the alias is
//                   confirmed, as the admin page does; the posts version moves, so every figure
//                   (/paxstats me, the App Home, the dashboard) counts it at once
//   count_is_right  COUNT and the named people disagree: COUNT stands (and the question is settled) …
//   use_names       … or the people named are the count (db::choose_count; the posts version moves)
//   opt_out/opt_in  no more DMs / DMs again, for the person who pressed it
//   edit_backblast  a link button: Slack opens the message; nothing to do here
// Only the backblast's Q, its Co-Qs or a region admin may fix a backblast; anyone else is told
// so, ephemerally, and nothing changes. Each action is logged once (web_actions, via slack,
// keyed by its action_ts): a second job of the same action changes nothing.
#include <algorithm>

#include "../buttons.hpp"
#include "handlers.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/backblast_fixes.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::serve::jobs {

using json = nlohmann::json;

namespace {

// "alias|C0123|1700000000.000100|Dozer" → {C0123, 1700000000.000100, Dozer}.
struct AliasBlock {
  std::string channel, ts, typed;
};
std::optional<AliasBlock> alias_block(const std::string& id) {
  const auto a = id.find('|'), b = id.find('|', a + 1), c = id.find('|', b + 1);
  if (id.rfind("alias|", 0) != 0 || b == std::string::npos || c == std::string::npos || c + 1 >= id.size())
    return std::nullopt;
  return AliasBlock{id.substr(a + 1, b - a - 1), id.substr(b + 1, c - b - 1), id.substr(c + 1)};
}

// Whether `user` may fix the backblast (channel, ts): its Q or a Co-Q, a listed admin, or an
// admin or owner of the workspace (Slack's users.info says).
bool may_fix(slack::Client& client, db::Database& db, const db::Region& region, const std::string& user,
             const std::string& channel, const std::string& ts) {
  const auto leaders = db::backblast_leaders(db, region.slug, channel, ts);
  if (std::find(leaders.begin(), leaders.end(), user) != leaders.end()) return true;
  return db::is_listed_admin(region, user) || client.workspace_admin(user).value_or(false);
}

std::string container_channel(const json& payload) {
  if (payload.contains("container") && payload["container"].is_object()) {
    const std::string c = text_of(payload["container"], "channel_id");
    if (!c.empty()) return c;
  }
  if (payload.contains("channel") && payload["channel"].is_object()) return text_of(payload["channel"], "id");
  return "";
}

}  // namespace

void interaction(JobContext& s, db::Database& db, const std::string& region, const InteractionJob& job) {
  const std::string user =
      job.payload.contains("user") && job.payload["user"].is_object() ? text_of(job.payload["user"], "id") : "";
  if (user.empty()) throw UserError("interaction job without a user (not a payload paxstats queued)");
  const std::string where = container_channel(job.payload);
  const auto r = db::get_region(db, region);
  auto client = s.client_for(db, region);
  auto tell = [&](const std::string& text) {
    if (where.empty()) return;
    try {
      client->post_ephemeral(where, user, text);
    } catch (const std::exception& e) {  // the change stands; only the word about it is lost
      log::warn("interaction " + job.action_id + ": the ephemeral reply failed: " + log::redact(e.what()));
    }
  };
  const std::string dedupe = "slack:" + job.action_ts + ":" + user + ":" + job.action_id;

  if (job.action_id == "opt_out" || job.action_id == "opt_in") {
    const bool out = job.action_id == "opt_out";
    if (!db::dashboard::log_action(db, region, user, out ? "opt_out" : "opt_in",
                                   out ? "no more DMs (a button in Slack)" : "DMs again (a button in Slack)",
                                   db::dashboard::ActionVia::slack, dedupe))
      return;  // this very press was done before
    db::set_opt_out(db, region, user, out, "slack");
    if (out) {
      // The opt-out's own DM carries the way back.
      const std::string text = "Done: paxstats will not DM you any more (monthly charts included). Changed your mind?";
      client->post_message(client->open_dm(user), text, with_buttons(text, json::array({opt_in_button()})));
    } else {
      client->post_message(client->open_dm(user), "Welcome back: paxstats DMs are on again.");
    }
    log::info("interaction: " + user + " in " + region + (out ? " opted out of DMs" : " opted in to DMs"));
    return;
  }

  if (job.action_id == "confirm_alias") {
    const auto block = alias_block(job.block_id);
    if (!block || job.selected_user.empty()) return;  // not one of ours, or nobody picked
    if (!may_fix(*client, db, r, user, block->channel, block->ts)) {
      tell("Only the Q of that backblast, a Co-Q or an admin can change this.");
      log::info("interaction: " + user + " in " + region + " may not fix " + block->channel + "/" + block->ts);
      return;
    }
    if (!db::dashboard::log_action(db, region, user, "confirm_alias",
                                   "\"" + block->typed + "\" is " + job.selected_user + " (the backblast " +
                                       block->channel + "/" + block->ts + ")",
                                   db::dashboard::ActionVia::slack, dedupe))
      return;
    db::confirm_alias(db, region, block->typed, job.selected_user);
    tell("Thanks: \"" + slack::escape_text(block->typed) + "\" is <@" + job.selected_user +
         "> now, in this backblast and every other one. Their posts count from now on.");
    // Their App Home shows the new count (at most once a minute).
    queue_home(s, db, region, job.selected_user, true);
    log::info("interaction: " + user + " in " + region + " confirmed \"" + block->typed + "\" as " + job.selected_user);
    return;
  }
  if (job.action_id == "count_is_right" || job.action_id == "use_names") {
    const auto bar = job.value.find('|');
    if (bar == std::string::npos) return;  // not one of ours
    const std::string channel = job.value.substr(0, bar), ts = job.value.substr(bar + 1);
    if (!may_fix(*client, db, r, user, channel, ts)) {
      tell("Only the Q of that backblast, a Co-Q or an admin can change this.");
      return;
    }
    const bool names = job.action_id == "use_names";
    if (!db::dashboard::log_action(db, region, user, job.action_id,
                                   std::string(names ? "the people named are the count" : "COUNT is the count") +
                                       " (the backblast " + channel + "/" + ts + ")",
                                   db::dashboard::ActionVia::slack, dedupe))
      return;
    if (!db::choose_count(db, region, channel, ts, names ? db::CountChoice::use_names : db::CountChoice::count_is_right,
                          user)) {
      tell("That backblast is gone (deleted since), so there is nothing to count.");
      return;
    }
    tell(names ? "Done: the people named are its count now." : "Done: COUNT stands, and paxstats won't ask again.");
    log::info("interaction: " + user + " in " + region + ": " + job.action_id + " for " + channel + "/" + ts);
    return;
  }
  // edit_backblast (a link) and anything else: nothing to do.
}

}  // namespace paxstats::serve::jobs
