#pragma once
// Text for Slack messages.
#include <string>
#include <string_view>

namespace paxstats::slack {

// Escapes text for Slack's mrkdwn: only &, < and > (Slack's rule), so a name can never become a
// mention or a link.
inline std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

}  // namespace paxstats::slack
