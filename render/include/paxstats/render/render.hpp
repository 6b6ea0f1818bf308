#pragma once
#include <string>

#include "paxstats/render/chart.hpp"

namespace paxstats::render {

enum class Format { png, svg, pdf };

// Draws a chart and encodes it: PNG (in memory, fast), SVG or PDF, all from the same drawing.
// An empty chart is drawn as a clear message ("No posts this month"), never a blank image.
// Thread-safe: charts may be rendered in parallel.
std::string render(const Chart& chart, Format format = Format::png);

// A short description of what the chart shows, for Slack's alt_txt (at most 1000 characters).
std::string alt_text(const Chart& chart);

// The drawing commands, one per line with positions rounded to 0.1 pt: what golden tests compare
// (text positions depend on the pinned font, DejaVu Sans).
std::string draw_list(const Chart& chart);

// The colour (#rrggbb) a series key gets in a chart.
std::string series_color(const Chart& chart, const std::string& key);

}  // namespace paxstats::render
