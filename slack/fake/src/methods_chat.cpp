// The fake's chat methods, to Slack's documented semantics.
#include "state.hpp"

namespace paxstats::slack::fake {

json FakeSlack::Impl::chat_postMessage([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  std::string error;
  Channel* c = postable(param(p, "channel"), error);
  if (!c) return fail(error);
  if (param(p, "text").empty() && param(p, "blocks").empty()) return fail("no_text");
  json m = {{"type", "message"},
            {"user", options.bot_user_id},
            {"bot_id", options.bot_id},
            {"text", param(p, "text")},
            {"ts", next_ts()}};
  if (!param(p, "blocks").empty()) m["blocks"] = json::parse(param(p, "blocks"), nullptr, false);
  if (!param(p, "thread_ts").empty()) m["thread_ts"] = param(p, "thread_ts");
  store_message(c->id, m);
  return ok({{"channel", c->id}, {"ts", m["ts"]}, {"message", m}});
}

json FakeSlack::Impl::chat_postEphemeral([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  std::string error;
  Channel* c = postable(param(p, "channel"), error);
  if (!c) return fail(error);
  if (!c->is_im && !c->members.count(param(p, "user"))) return fail("user_not_in_channel");
  return ok({{"message_ts", next_ts()}});
}

json FakeSlack::Impl::chat_getPermalink([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  const std::string cid = param(p, "channel"), ts = param(p, "message_ts");
  if (!channels.count(cid)) return fail("channel_not_found");
  for (const auto& m : messages[cid])
    if (m["ts"] == ts) {
      std::string digits = ts;
      digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
      return ok({{"channel", cid}, {"permalink", "https://fake.slack.com/archives/" + cid + "/p" + digits}});
    }
  return fail("message_not_found");
}

// views.publish: a user's App Home tab. The view is JSON text with type "home" and at most 100
// blocks (Slack's limits); the user must be in the workspace.
json FakeSlack::Impl::views_publish([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  const std::string user = param(p, "user_id");
  if (user.empty() || param(p, "view").empty()) return fail("invalid_arguments");
  if (!users.count(user)) return fail("user_not_found");
  json view = json::parse(param(p, "view"), nullptr, false);
  if (view.is_discarded() || !view.is_object() || view.value("type", "") != "home" || !view.contains("blocks") ||
      !view["blocks"].is_array())
    return fail("invalid_arguments");
  if (view["blocks"].size() > 100) return fail("too_many_blocks");
  for (const auto& b : view["blocks"])
    if (!b.is_object() || !b.contains("type")) return fail("invalid_blocks");
  home_views[user] = view;
  view["id"] = "V" + std::to_string(home_views.size());
  return ok({{"view", view}});
}

}  // namespace paxstats::slack::fake
