#pragma once
// Internal to reports/: one colour per AO for every chart of a region's run.
#include <map>
#include <string>
#include <vector>

#include "paxstats/db/report_queries.hpp"

namespace paxstats::reports::detail {

// The AOs a person's chart names (the rest are one "Other"): all of them when at most shown + 1,
// else `shown`: those of the month first (most posts first: the month's winner of "Most AOs"
// sees every AO he visited), then the year's most.
std::vector<std::string> shown_aos(const std::map<std::string, int>& year, const std::map<std::string, int>& month,
                                   size_t shown);

// Each AO's place in the palette (render::Chart::key_colors), from everyone's posts of the year:
// the AOs a person's chart draws together (shown_aos) should differ, so AOs are coloured biggest
// first, each taking the colour that clashes least with the AOs drawn beside it (by how many
// charts draw them together), then the least used. More AOs than colours means some share one;
// where two of them meet in one chart the renderer gives the smaller the next colour free, so a
// chart never shows two alike. On generated regions (visits spread at random: no colouring of 16
// avoids every clash) 85% of the AOs a chart draws are in their own colour; the region's
// biggest, drawn first, nearly always are.
std::map<std::string, int> ao_colors(const std::vector<db::report::PersonMonthAo>& year_posts, date::year_month month,
                                     size_t shown, int colors);

}  // namespace paxstats::reports::detail
