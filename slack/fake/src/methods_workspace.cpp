// The fake's workspace methods, to Slack's documented semantics.
#include "state.hpp"

namespace paxstats::slack::fake {

json FakeSlack::Impl::apps_connections_open([[maybe_unused]] const std::string& method,
                                            [[maybe_unused]] const Params& p) {
  if (options.socket_mode_url.empty()) return fail("not_allowed_token_type");
  return ok({{"url", options.socket_mode_url}});
}

json FakeSlack::Impl::auth_test([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  return ok({{"url", "https://" + options.team_domain + ".slack.com/"},
             {"team", options.team_name},
             {"user", "paxstats"},
             {"team_id", options.team_id},
             {"user_id", options.bot_user_id},
             {"bot_id", options.bot_id},
             {"is_enterprise_install", false}});
}

json FakeSlack::Impl::users_list([[maybe_unused]] const std::string& method, [[maybe_unused]] const Params& p) {
  int limit = page_limit(p, 100, 1000);
  std::vector<json> all;
  for (const auto& id : user_order) all.push_back(user_json(users.at(id)));
  json out = ok();
  if (!page(method, p, all, limit, "members", out)) return fail("invalid_cursor");
  return out;
}

}  // namespace paxstats::slack::fake
