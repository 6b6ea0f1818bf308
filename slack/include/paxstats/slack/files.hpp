#pragma once
// What Slack's file objects say about where a file went.
#include <nlohmann/json.hpp>
#include <string>

namespace paxstats::slack {

// True when a files.info / completeUploadExternal file object shows the file shared in channel.
inline bool file_shared_in(const nlohmann::json& file, const std::string& channel) {
  if (file.contains("shares"))
    for (const char* kind : {"public", "private"})
      if (file["shares"].contains(kind) && file["shares"][kind].contains(channel)) return true;
  for (const char* list : {"channels", "groups", "ims"})
    if (file.contains(list) && file[list].is_array())
      for (const auto& c : file[list])
        if (c == channel) return true;
  return false;
}

// The ts of the message that shares a file in channel (files.info's shares), or "" when Slack
// does not show it (yet: sharing is asynchronous).
inline std::string share_ts(const nlohmann::json& file, const std::string& channel) {
  if (file.contains("shares"))
    for (const char* kind : {"public", "private"})
      if (file["shares"].contains(kind) && file["shares"][kind].contains(channel)) {
        const auto& list = file["shares"][kind][channel];
        if (list.is_array() && !list.empty() && list[0].is_object() && list[0].contains("ts") &&
            list[0]["ts"].is_string())
          return list[0]["ts"].get<std::string>();
      }
  return {};
}

}  // namespace paxstats::slack
