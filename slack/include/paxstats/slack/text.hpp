#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace paxstats::slack {

// Escapes text for Slack's mrkdwn: only &, < and > (Slack's rule), so a name can never become a
// mention or a link.
inline std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

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
