#include "paxstats/slack/json_limits.hpp"

namespace paxstats::slack {

std::optional<size_t> json_too_deep(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return i;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

nlohmann::json parse_json_limited(std::string_view text, int max_depth) {
  if (auto at = json_too_deep(text, max_depth)) throw JsonTooDeep(*at);
  return nlohmann::json::parse(text);
}

}  // namespace paxstats::slack
