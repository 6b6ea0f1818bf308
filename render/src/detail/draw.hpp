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

struct Op {
  enum Type { rect, line, polyline, polygon, circle, text } type = rect;
  double x = 0, y = 0, w = 0, h = 0;                // rect; line: (x, y) → (w, h); circle: r = w
  std::vector<std::pair<double, double>> points;    // polyline, polygon
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
};

using DrawList = std::vector<Op>;

// Measures text as the rasterizer will draw it (Pango, DejaVu Sans with fontconfig fallback).
struct TextSize {
  double width = 0, height = 0;
};
TextSize measure_text(const std::string& text, double size, bool bold);

struct Palette {
  Color background, text, muted, grid, axis, card;
  std::vector<Color> series;
};
const Palette& palette(Theme theme);

// Lays a chart out (the layout step of the renderer). The first command is the background and
// gives the canvas size (a table's is only as tall as its rows).
DrawList layout(const Chart& chart);

}  // namespace paxstats::render::detail
