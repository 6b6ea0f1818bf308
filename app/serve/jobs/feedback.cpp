// A backblast version that needs its Q: one that could not be read (a line in the admins' log, and
// a DM to its poster saying what to fix), or one that names people without a mention (a DM asking
// who they are), or whose COUNT and named people disagree (a DM asking which is right). The DM carries the fixes as
// Slack's blocks: a person picker for each typed name (jobs/interaction.cpp confirms the pick as an alias), a link to
// edit the message, and a button to stop paxstats DMs. Not sent when they opted out, or the region turned feedback DMs
// off. Only for the version it was made for: a newer one has its own job; a fixed one needs none.
#include <algorithm>

#include "../buttons.hpp"
#include "handlers.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/backblast_fixes.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/admin_log.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::serve::jobs {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxPickers = 20;  // Slack shows 50 blocks a message; a backblast of 20 typed names is rare

// The DM as blocks: what is wrong, who the typed names are, the message's link, the way out.
json feedback_blocks(const std::string& text, const std::string& channel, const std::string& ts,
                     const std::vector<db::TypedName>& typed, const std::optional<db::CountDisagreement>& count,
                     const std::string& link) {
  json blocks = json::array({text_block(text)});
  if (count) {
    // Which count is right: the Q knows. The value names the backblast.
    const std::string which = channel + "|" + ts;
    blocks.push_back(text_block("*COUNT says " + std::to_string(count->count) + ", but " +
                                std::to_string(count->named) + (count->named == 1 ? " person is" : " people are") +
                                " named.* paxstats counts " + std::to_string(count->count) + " until you say:"));
    blocks.push_back(
        {{"type", "actions"},
         {"block_id", ("count|" + which).substr(0, 255)},
         {"elements",
          json::array({button("count_is_right", "COUNT is right (" + std::to_string(count->count) + ")", which),
                       button("use_names", "Use the names (" + std::to_string(count->named) + ")", which)})}});
  }
  for (size_t i = 0; i < typed.size() && i < kMaxPickers; ++i) {
    const auto& t = typed[i];
    json picker = {{"type", "users_select"},
                   {"action_id", "confirm_alias"},
                   {"placeholder", {{"type", "plain_text"}, {"text", "Who is this?"}}}};
    std::string line = "*" + slack::escape_text(t.typed) + "*";
    if (!t.guess.empty()) {
      picker["initial_user"] = t.guess;
      line += " — paxstats counts them as <@" + t.guess + ">. Right? Pick again to change it.";
    } else if (!t.candidates.empty()) {
      line += " — could be " + std::to_string(t.candidates.size()) + " people. Who is it?";
    } else {
      line += " — not counted for anyone yet. Who is it?";
    }
    json section = text_block(line);
    // Which backblast and name the pick is for: the block id comes back with the action.
    section["block_id"] = ("alias|" + channel + "|" + ts + "|" + t.typed).substr(0, 255);
    section["accessory"] = picker;
    blocks.push_back(section);
  }
  json buttons = json::array();
  if (!link.empty())
    buttons.push_back({{"type", "button"},
                       {"action_id", "edit_backblast"},
                       {"url", link},
                       {"text", {{"type", "plain_text"}, {"text", "Open the backblast to edit it"}}}});
  buttons.push_back(opt_out_button());
  blocks.push_back({{"type", "actions"}, {"elements", buttons}});
  return blocks;
}

}  // namespace

void feedback(JobContext& s, db::Database& db, const std::string& region, const FeedbackJob& job) {
  const std::string &channel = job.channel, &ts = job.ts, &edited = job.edited_ts, &poster = job.poster;
  // Only for the version it was made for: a newer one has its own job; a fixed one needs none.
  const auto state = mining::message_state(db, region, channel, ts);
  if (!state || state->deleted || state->edited_ts != edited) return;
  const auto typed = db::unsettled_typed_names(db, region, channel, ts);
  const auto count = db::count_disagreement(db, region, channel, ts);
  const bool unplaced = std::any_of(typed.begin(), typed.end(), [](const auto& t) { return t.guess.empty(); });
  if (state->errors.empty() && !unplaced && !(count && count->count < count->named)) return;
  const auto r = db::get_region(db, region);
  const bool dm = r.flags.send_feedback_dms && !db::is_opted_out(db, region, poster);
  if (!dm && (!r.log_channel || state->errors.empty())) return;
  auto client = s.client_for(db, region);
  const std::vector<ParseIssue>& problems = state->errors;
  std::string link;
  try {
    link = client->permalink(channel, ts);
  } catch (const std::exception&) {  // the DM still helps without the link
  }
  // The admins' log first: it never fails the job (and so is never posted twice).
  if (!problems.empty())
    reports::post_to_log(db, region, *client, reports::log_parse_message(db, region, poster, channel, problems, link));
  if (!dm) return;
  const std::string text =
      !problems.empty() ? reports::feedback_message(db, region, poster, channel, problems, link)
      : typed.empty()   ? "Thanks for the backblast in <#" + channel + ">! One question about its count:"
      : typed.size() == 1
          ? "Thanks for the backblast in <#" + channel +
                ">! It names someone without an @-mention, so paxstats has to guess who. Pick them below and the "
                "post counts for them."
          : "Thanks for the backblast in <#" + channel + ">! It names " + std::to_string(typed.size()) +
                " people without an @-mention, so paxstats has to guess who they are. Pick each one below and "
                "their posts count for them.";
  client->post_message(client->open_dm(poster), text, feedback_blocks(text, channel, ts, typed, count, link));
  log::info("feedback: DM to " + poster + " about " + channel + "/" + ts + " (" + std::to_string(problems.size()) +
            " error(s), " + std::to_string(typed.size()) + " typed name(s)" + (count ? ", a COUNT to settle" : "") +
            ")");
}

}  // namespace paxstats::serve::jobs
