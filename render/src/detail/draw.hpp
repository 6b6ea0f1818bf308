#pragma once
// Internal to render/: drawing commands. Layout produces them from a Chart; only the rasterizer
// knows Cairo. Coordinates are points from the top-left; the rasterizer applies the scale.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "paxstats/render/chart.hpp"

namespace paxstats::render::detail {

struct Color {
  double r = 0, g = 0, b = 0, a = 1;
  static Color hex(const std::string& rgb, double alpha = 1);  // "#rrggbb"
  std::string hex() const;
  Color with_alpha(double alpha) const { return {r, g, b, alpha}; }
  Color mix(const Color& other, double t) const;  // t = 0: this, 1: other
};

// WCAG 2 relative luminance and contrast ratio (1–21).
double luminance(const Color& c);
double contrast(const Color& a, const Color& b);

struct Op {
  enum Type { rect, line, polyline, polygon, circle, text } type = rect;
  double x = 0, y = 0, w = 0, h = 0;              // rect; line: (x, y) → (w, h); circle: r = w
  std::vector<std::pair<double, double>> points;  // polyline, polygon
  Color fill{0, 0, 0, 0}, stroke{0, 0, 0, 0};
  double stroke_width = 0;
  bool dashed = false;
  // text: anchored at (x, y); halign −1 left, 0 centre, 1 right; valign −1 top, 0 middle, 1 bottom
  std::string str;
  double size = 10;
  bool bold = false;
  int halign = -1, valign = -1;
  double rotate = 0;     // degrees, counter-clockwise, about the anchor
  double max_width = 0;  // ellipsize beyond this many points (0: never)
  int lines = 1;         // with max_width: wrap over up to this many lines, then ellipsize
};

using DrawList = std::vector<Op>;

// Measures text as the rasterizer will draw it (Pango, DejaVu Sans with fontconfig fallback),
// ellipsized at max_width (0: never) and wrapped over up to `lines` lines.
struct TextSize {
  double width = 0, height = 0;
};
TextSize measure_text(const std::string& text, double size, bool bold, double max_width = 0, int lines = 1);

// A text as the rasterizer lays it out, line by line, for writers that set text themselves (SVG):
// each line's characters as shown (an ellipsized line ends in "…"), its left edge and its
// baseline, in points from the layout's top-left corner; and the layout's size (measure_text's).
struct TextLine {
  std::string text;
  double x = 0, baseline = 0, width = 0;
};
struct TextBox {
  TextSize size;
  std::vector<TextLine> lines;
};
TextBox text_box(const std::string& text, double size, bool bold, double max_width = 0, int lines = 1);

// The drawing as SVG (svg.cpp): shapes as SVG shapes and text as <text> set in DejaVu Sans at the
// positions Pango gives it, so the file is small, its words searchable and selectable, and it
// is drawn in a browser at any zoom. Standalone: a file (XML declaration, size in pixels at
// `scale`); otherwise an element for an HTML page (the viewBox, width 100%, aria-label).
struct SvgOptions {
  bool standalone = true;
  std::string id_prefix;   // prefixed to every id, unique per chart on a page
  std::string aria_label;  // the alt text, for an element
};
std::string write_svg(const DrawList& ops, double scale, const SvgOptions& options);

struct Palette {
  Color background, text, muted, grid, axis, card, other;
  std::vector<Color> series;  // the first 8 strongly distinct, then 8 more; all ≥ 3:1 on background
};
const Palette& palette(Theme theme);

// A chart made ready to draw: the smallest series folded into "Other" (stacked and horizontal
// bars), stacks ordered biggest first (the bottom), too many lines turned into small multiples,
// and every series given its colour, no two alike. Layout and alt text both read this.
struct Prepared {
  Chart chart;
  bool small_multiples = false;  // panels made from too many lines: one value scale for all
  size_t folded = 0;             // how many series went into "Other"
};
Prepared prepare(const Chart& chart);

// Lays a chart out (the layout step of the renderer). The first command is the background and
// gives the canvas size, in whole points (a table's is only as tall as its rows; panels grow it).
DrawList layout(const Chart& chart);

}  // namespace paxstats::render::detail
