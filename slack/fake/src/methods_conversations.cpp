// The fake's conversations methods, to Slack's documented semantics.
#include "state.hpp"

namespace paxstats::slack::fake {

json FakeSlack::Impl::conversations_list([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  int limit = page_limit(p, 100, 999);
  if (p.count("limit") && param(p, "limit") != "" && std::atoi(param(p, "limit").c_str()) >= 1000)
    return fail("invalid_limit");
  std::string types = param(p, "types");
  if (types.empty()) types = "public_channel";
  const bool exclude_archived = truthy(param(p, "exclude_archived"));
  std::vector<json> all;
  for (const auto& id : channel_order) {
    const Channel& c = channels.at(id);
    const char* type = c.is_im ? "im" : c.is_private ? "private_channel" : "public_channel";
    if (types.find(type) == std::string::npos) continue;
    if (exclude_archived && c.is_archived) continue;
    all.push_back(channel_json(c));
  }
  json out = ok();
  if (!page(method, p, all, limit, "channels", out)) return fail("invalid_cursor");
  return out;
}

json FakeSlack::Impl::conversations_info([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  auto it = channels.find(param(p, "channel"));
  if (it == channels.end()) return fail("channel_not_found");
  return ok({{"channel", channel_json(it->second)}});
}

json FakeSlack::Impl::conversations_history([[maybe_unused]] const std::string& method,
                                            [[maybe_unused]] const Params& p) {
  auto it = channels.find(param(p, "channel"));
  if (it == channels.end()) return fail("channel_not_found");
  if (!it->second.is_im && !it->second.members.count(options.bot_user_id)) return fail("not_in_channel");
  const int max = options.nonmarketplace_history ? 15 : 999;
  int limit = page_limit(p, options.nonmarketplace_history ? 15 : 100, max);
  if (limit < 0) return fail("invalid_limit");
  std::vector<json> selected;
  const auto& list = messages[it->first];
  if (method == "conversations.history") {
    const std::string oldest = param(p, "oldest"), latest = param(p, "latest");
    const bool inclusive = truthy(param(p, "inclusive"));
    for (auto m = list.rbegin(); m != list.rend(); ++m) {
      const std::string ts = (*m)["ts"];
      const std::string thread_ts = m->value("thread_ts", std::string());
      if (!thread_ts.empty() && thread_ts != ts && m->value("subtype", "") != "thread_broadcast") continue;
      if (!oldest.empty() && (inclusive ? ts < oldest : ts <= oldest)) continue;
      if (!latest.empty() && (inclusive ? ts > latest : ts >= latest)) continue;
      selected.push_back(*m);
    }
  } else {
    const std::string ts = param(p, "ts");
    bool found = false;
    for (const auto& m : list) {
      if (m["ts"] == ts) found = true;
      if (m["ts"] == ts || m.value("thread_ts", std::string()) == ts) selected.push_back(m);
    }
    if (!found) return fail("thread_not_found");
  }
  json out = ok();
  if (!page(method, p, selected, limit, "messages", out)) return fail("invalid_cursor");
  return out;
}

json FakeSlack::Impl::conversations_join([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  auto it = channels.find(param(p, "channel"));
  if (it == channels.end()) return fail("channel_not_found");
  Channel& c = it->second;
  if (c.is_private || c.is_im) return fail("method_not_supported_for_channel_type");
  if (c.is_archived) return fail("is_archived");
  json out = ok();
  if (c.members.count(options.bot_user_id)) out["warning"] = "already_in_channel";
  c.members.insert(options.bot_user_id);
  out["channel"] = channel_json(c);
  return out;
}

json FakeSlack::Impl::conversations_open([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  const std::string user = param(p, "users");
  if (user.empty()) return fail("users_list_not_supplied");
  if (user.find(',') != std::string::npos) return fail("not_implemented_in_fake");
  auto it = users.find(user);
  if (it == users.end()) return fail("user_not_found");
  if (it->second.deleted) return fail("user_disabled");
  const bool already = dms.count(user) > 0;
  json out = ok({{"channel", json{{"id", open_dm(user)}}}});
  if (already) out["already_open"] = true;
  return out;
}

}  // namespace paxstats::slack::fake
