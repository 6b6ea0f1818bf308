#pragma once
// Internal to reports/: the message templates (templates/*.mustache, compiled in; a region's
// templates_dir may replace any of them).
#include <kainjow/mustache.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

// The values of a message about a backblast that could not be read (templates feedback and
// log_parse): {{{poster}}}, {{{channel}}}, problems (line, field, reason), {{{permalink}}}.
kainjow::mustache::data parse_problem_values(std::string_view poster, std::string_view channel,
                                             const std::vector<ParseIssue>& problems, std::string_view permalink);

// A template's text: the region's override file when it has one, else the built-in one. Throws
// UserError for an override that cannot be read or is not valid mustache.
std::string template_text(const std::optional<std::string>& dir, const std::string& name);

// A template filled in: values escaped for Slack ({{triple}} ones as they are), empty lines
// dropped, and the text cut under Slack's 4,000 characters at a line, pointing to the chart.
std::string render_template(const std::string& text, const kainjow::mustache::data& values);

}  // namespace paxstats::reports::detail
