#pragma once
#include <map>
#include <string>
#include <string_view>

namespace paxstats::reports {

// A Slack message (mrkdwn, as paxstats sends it) as HTML that looks the way Slack shows it:
// <@U…> and <#C…> become @name and #name (from `names`, else the id), links become links,
// *bold*, _italic_, ~strike~ and `code` are formatted, line breaks kept, a few emoji codes
// (:fire:) drawn, and the text escaped exactly once (Slack's &amp; &lt; &gt; decoded first).
std::string slack_to_html(std::string_view text, const std::map<std::string, std::string>& names);

// Text escaped for HTML (& < > " ').
std::string html_escape(std::string_view text);
// The same, appended to out.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace paxstats::reports
