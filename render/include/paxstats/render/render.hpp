#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/render/chart.hpp"

namespace paxstats::render {

enum class Format { png, svg, pdf };

// Draws a chart and encodes it: PNG (in memory, fast), SVG or PDF, all from the same drawing.
// An empty chart is drawn as a clear message ("No posts this month"), never a blank image.
// Thread-safe: charts may be rendered in parallel.
std::string render(const Chart& chart, Format format = Format::png);

// The chart as an <svg> element for an HTML page (the dashboard): the SVG drawing with every id
// prefixed by id_prefix (unique per chart on a page), sized to the page's width, its alt text as
// aria-label.
std::string svg_element(const Chart& chart, std::string_view id_prefix);

// What the chart shows, series by series, for Slack's alt_txt (at most 1000 characters). It
// describes what is drawn (the folded "Other", the cut list), and never adds up series that
// measure different things.
std::string alt_text(const Chart& chart);

// The drawing commands, one per line with positions rounded to 0.1 pt: what golden tests compare
// (text positions depend on the pinned font, DejaVu Sans).
std::string draw_list(const Chart& chart);

// What is wrong with a chart's drawing: a mark or text (as measured) that reaches the outermost
// point of the canvas or beyond, and texts that overlap. Empty when the layout is sound.
std::vector<std::string> layout_problems(const Chart& chart);

// The colour (#rrggbb) a series key gets in a chart ("" when no series has that key).
std::string series_color(const Chart& chart, const std::string& key);

// The size of the image in pixels, as render() makes it.
struct PixelSize {
  int width = 0, height = 0;
};
PixelSize pixel_size(const Chart& chart);

}  // namespace paxstats::render

namespace paxstats::render {
// The series colours of a theme in the order they are given out, and its background.
std::vector<std::string> series_palette(Theme theme);
std::string background_color(Theme theme);
}  // namespace paxstats::render
