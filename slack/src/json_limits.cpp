#include "paxstats/slack/json_limits.hpp"

namespace paxstats::slack {

std::optional<size_t> json_too_deep(std::string_view s, int max_depth) {
  JsonNesting n;
  for (size_t i = 0; i < s.size(); ++i)
    if (n.feed(s[i]) == JsonNesting::Step::open && n.depth() > max_depth) return i;
  return std::nullopt;
}

nlohmann::json parse_json_limited(std::string_view text, int max_depth) {
  if (auto at = json_too_deep(text, max_depth)) throw JsonTooDeep(*at);
  return nlohmann::json::parse(text);
}

}  // namespace paxstats::slack
