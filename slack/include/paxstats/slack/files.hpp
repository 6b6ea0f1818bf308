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

}  // namespace paxstats::slack
