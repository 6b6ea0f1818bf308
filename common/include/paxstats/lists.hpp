#pragma once
// Comma lists as settings and options write them ("summary,top_qs"; "C01,U02").
#include <string>
#include <string_view>
#include <vector>

namespace paxstats {

// The items of a comma list, in order, empty items dropped ("" and "a,,b" → [], [a, b]).
inline std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto item = list.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// The items as a comma list (["a", "b"] → "a,b").
inline std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace paxstats
