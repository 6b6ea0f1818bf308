#pragma once
// Internal to render/: the layout step, shared by the files that lay out each kind of chart
// (layout.cpp: canvas, header, legend, value axes; layout_xy.cpp: bars and lines over
// categories, small multiples; layout_cards.cpp: horizontal bars, tables, award cards).
#include <string>
#include <vector>

#include "detail/draw.hpp"

namespace paxstats::render::detail {

constexpr double kPad = 16;

// Ticks at 1, 2, 2.5 or 5 × 10ⁿ from 0 to `top`; `decimals` is what every label shows, so "7.5"
// never stands beside "7".
struct Ticks {
  double step = 1, top = 1;
  int decimals = 0;
  std::vector<double> values;
};
Ticks nice_ticks(double max, bool integer, int target_steps = 5);
// Adds steps until the top tick stands `room` points above `max` in a plot `plot_h` tall.
void add_headroom(Ticks& t, double max, double plot_h, double room);
std::string format_number(double v, int decimals);
// The decimals a set of values needs to be shown alike (0, 1 or 2).
int decimals_for(const std::vector<double>& values, bool integer);

Op text(double x, double y, std::string s, double size, const Color& c, int halign = -1, int valign = -1,
        bool bold = false, double max_width = 0, double rotate = 0);
Op rect(double x, double y, double w, double h, const Color& fill, const Color& stroke = {0, 0, 0, 0}, double sw = 0);
Op line(double x1, double y1, double x2, double y2, const Color& c, double width, bool dashed = false);
double text_width(const std::string& s, double size, bool bold = false, double cap = 0);
double text_height(double size, bool bold = false);

struct Frame {
  double left = 0, top = 0, right = 0, bottom = 0;  // the plot area
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

class Builder {
 public:
  explicit Builder(const Prepared& prepared);
  DrawList build();

 private:
  const Prepared& prep_;
  const Chart& c_;
  const Palette& p_;
  DrawList ops_;
  double width_, height_;        // the canvas in points (panels and long lists make it taller)
  double header_bottom_ = kPad;  // where the plot may begin

  // layout.cpp
  void header();
  void empty();
  Color color(const Series& s) const { return Color::hex(s.color); }
  // The legend: right of the plot when it fits in 30% of the width, else in rows under it.
  struct Legend {
    std::vector<const Series*> items;
    bool right = false, as_lines = false;
    double width = 0, height = 0;  // the room it takes: at the right, or at the bottom
  };
  Legend plan_legend(std::vector<const Series*> items, bool as_lines, double room_height) const;
  void draw_legend(const Legend& legend, double x_right, double top, double bottom);
  void swatch(double x, double y, const Series& s, bool as_line);
  // A value axis along y for a frame: grid lines and tick labels.
  void y_axis(const Frame& f, const Ticks& t, double label_size = 10);
  void grow_to(double height);

  // layout_xy.cpp
  void columns();
  void draw_lines(const Frame& f, const std::vector<Series>& series, double top, double marker);
  void panels();
  void explicit_panels();
  void small_multiples();

  // layout_cards.cpp
  void rows();
  void table();
  void award();
  void emblem(double cx, double cy, double r, const Color& c);
};

}  // namespace paxstats::render::detail
