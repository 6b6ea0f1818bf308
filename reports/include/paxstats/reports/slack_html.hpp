#pragma once
#include <map>
#include <string>
#include <string_view>

#include "paxstats/html_escape.hpp"

namespace paxstats::reports {

// A Slack message (mrkdwn, as paxstats sends it) as HTML that looks the way Slack shows it:
// <@U…> and <#C…> become @name and #name (from `names`, else the id), links become links,
// *bold*, _italic_, ~strike~ and `code` are formatted, line breaks kept, a few emoji codes
// (:fire:) drawn, and the text escaped exactly once (Slack's &amp; &lt; &gt; decoded first).
std::string slack_to_html(std::string_view text, const std::map<std::string, std::string>& names);

// Text escaped for HTML (& < > " '), and the same appended to out (common's).
using paxstats::append_html_escaped;
using paxstats::html_escape;

}  // namespace paxstats::reports
