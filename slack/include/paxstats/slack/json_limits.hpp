#pragma once
// Limits on JSON that comes from outside (exports, events, commands). Slack's own payloads are
// shallow — message blocks nest a dozen levels at most — so anything deeper is refused before a
// parser, a dump or PostgreSQL's jsonb ever recurses into it (100,000 levels crashed them).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace paxstats::slack {

// The deepest nesting of objects and arrays accepted anywhere (README, "Limits").
constexpr int kMaxJsonDepth = 64;

// Where a linear scan of JSON text stands: inside a string or not, and how deep in objects and
// arrays. No recursion, honours strings and escapes, does not check that the JSON is valid.
class JsonNesting {
 public:
  enum class Step { other, open, close };  // open: '{' or '[' outside strings; close: '}' or ']'
  Step feed(char c) {
    if (in_string_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        in_string_ = false;
      return Step::other;
    }
    if (c == '"')
      in_string_ = true;
    else if (c == '{' || c == '[')
      return ++depth_, Step::open;
    else if (c == '}' || c == ']')
      return --depth_, Step::close;
    return Step::other;
  }
  int depth() const { return depth_; }
  bool in_string() const { return in_string_; }

 private:
  int depth_ = 0;
  bool in_string_ = false, escaped_ = false;
};

// The byte offset at which `text` first nests deeper than max_depth, or nullopt. A linear scan
// (no recursion) that honours strings and escapes; it does not check that the JSON is valid.
std::optional<size_t> json_too_deep(std::string_view text, int max_depth = kMaxJsonDepth);

// JSON text refused for its depth, with the offset of the first byte too deep.
struct JsonTooDeep : std::runtime_error {
  explicit JsonTooDeep(size_t at)
      : std::runtime_error("JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep"), offset(at) {}
  size_t offset;
};

// json::parse after the depth check: throws JsonTooDeep, or nlohmann's parse_error.
nlohmann::json parse_json_limited(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace paxstats::slack
