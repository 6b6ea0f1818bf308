// Layout: a Chart becomes drawing commands. All positions in points; text measured through
// Pango exactly as the rasterizer will draw it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "detail/draw.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace detail {
namespace {

constexpr double kPad = 16;

struct Ticks {
  double step = 1, top = 1;
  std::vector<double> values;
};

// Ticks at 1, 2 or 5 × 10ⁿ covering [0, max] in at most ~6 steps; whole numbers for counts.
Ticks nice_ticks(double max, bool integer) {
  if (!(max > 0) || !std::isfinite(max)) max = integer ? 4 : 1;
  max = std::min(max, 1e15);  // beyond any count; keeps the steps below exact in a double
  const double raw = max / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  if (integer) step = std::max(1.0, std::round(step));
  Ticks t;
  t.step = step;
  t.top = std::ceil(max / step - 1e-9) * step;
  for (int k = 0; k <= 20 && k * step <= t.top + step / 2; ++k) t.values.push_back(k * step);
  return t;
}

std::string number(double v, bool integer) {
  char buf[32];
  if (integer || std::fabs(v - std::round(v)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

Op text(double x, double y, std::string s, double size, const Color& c, int halign = -1, int valign = -1, bool bold = false,
        double max_width = 0, double rotate = 0) {
  Op o;
  o.type = Op::text;
  o.x = x;
  o.y = y;
  o.str = std::move(s);
  o.size = size;
  o.fill = c;
  o.halign = halign;
  o.valign = valign;
  o.bold = bold;
  o.max_width = max_width;
  o.rotate = rotate;
  return o;
}

Op rect(double x, double y, double w, double h, const Color& fill, const Color& stroke = {0, 0, 0, 0}, double sw = 0) {
  Op o;
  o.type = Op::rect;
  o.x = x;
  o.y = y;
  o.w = w;
  o.h = h;
  o.fill = fill;
  o.stroke = stroke;
  o.stroke_width = sw;
  return o;
}

Op line(double x1, double y1, double x2, double y2, const Color& c, double width, bool dashed = false) {
  Op o;
  o.type = Op::line;
  o.x = x1;
  o.y = y1;
  o.w = x2;
  o.h = y2;
  o.stroke = c;
  o.stroke_width = width;
  o.dashed = dashed;
  return o;
}

double text_width(const std::string& s, double size, bool bold = false, double cap = 0) {
  double w = measure_text(s, size, bold).width;
  return cap > 0 ? std::min(w, cap) : w;
}

struct Frame {
  double left, top, right, bottom;  // the plot area
};

class Builder {
 public:
  explicit Builder(const Chart& c) : c_(c), p_(palette(c.theme)) {}

  DrawList build() {
    ops_.push_back(rect(0, 0, c_.width, c_.height, p_.background));
    header();
    if (is_empty(c_)) {
      empty();
    } else {
      switch (c_.kind) {
        case Kind::stacked_bar:
        case Kind::grouped_bar:
        case Kind::line: columns(); break;
        case Kind::horizontal_bar: rows(); break;
        case Kind::table: table(); break;
        case Kind::award: award(); break;
      }
    }
    return std::move(ops_);
  }

 private:
  const Chart& c_;
  const Palette& p_;
  DrawList ops_;
  double header_bottom_ = kPad;

  Color color(const Series& s) const { return Color::hex(series_color(c_, s.key)); }

  double total() const {
    double t = 0;
    for (const auto& s : c_.series)
      for (double v : s.values) t += v;
    return t;
  }

  void header() {
    double y = kPad;
    double title_room = c_.width - 2 * kPad;
    if (c_.kind == Kind::stacked_bar && c_.show_total && !is_empty(c_)) {
      const std::string t = "Total: " + number(total(), c_.integer_axis);
      ops_.push_back(text(c_.width - kPad, y + 1, t, 12, p_.text, 1, -1, true));
      title_room -= text_width(t, 12, true) + 12;
    }
    if (!c_.title.empty() && c_.kind != Kind::award) {
      ops_.push_back(text(kPad, y, c_.title, 15, p_.text, -1, -1, true, title_room));
      y += measure_text(c_.title, 15, true).height + 2;
    }
    if (!c_.subtitle.empty() && c_.kind != Kind::award) {
      ops_.push_back(text(kPad, y, c_.subtitle, 11, p_.muted, -1, -1, false, c_.width - 2 * kPad));
      y += measure_text(c_.subtitle, 11, false).height;
    }
    header_bottom_ = y + 10;
  }

  void empty() {
    const double cy = (header_bottom_ + c_.height) / 2;
    ops_.push_back(line(kPad * 3, cy + 22, c_.width - kPad * 3, cy + 22, p_.grid, 1));
    ops_.push_back(text(c_.width / 2.0, cy, c_.empty_message, 14, p_.muted, 0, 0, false, c_.width - 4 * kPad));
  }

  // Legend: to the right when it fits in 30% of the width, else in rows under the plot.
  // Returns the space it takes: {width at right, height at bottom}.
  std::pair<double, double> legend_space(bool wanted) {
    if (!wanted) return {0, 0};
    double w = 0;
    for (const auto& s : c_.series) w = std::max(w, text_width(s.label, 10, false, 140));
    const double right = 10 + 6 + w;
    const double rows_needed = static_cast<double>(c_.series.size()) * 16;
    if (right <= c_.width * 0.3 && rows_needed <= c_.height - header_bottom_ - 40) {
      legend_right_ = true;
      return {right + 14, 0};
    }
    legend_right_ = false;
    double x = 0, lines = 1;
    for (const auto& s : c_.series) {
      const double item = 16 + text_width(s.label, 10, false, 140) + 14;
      if (x + item > c_.width - 2 * kPad && x > 0) {
        ++lines;
        x = 0;
      }
      x += item;
    }
    return {0, lines * 16 + 8};
  }
  bool legend_right_ = true;

  void legend(const Frame& f, double bottom_height) {
    if (legend_right_) {
      double y = f.top;
      const double x = f.right + 14;
      for (const auto& s : c_.series) {
        ops_.push_back(rect(x, y + 2, 10, 10, color(s)));
        ops_.push_back(text(x + 16, y + 7, s.label, 10, p_.text, -1, 0, false, 140));
        y += 16;
      }
    } else {
      double x = kPad, y = c_.height - kPad - bottom_height + 8;
      for (const auto& s : c_.series) {
        const double item = 16 + text_width(s.label, 10, false, 140) + 14;
        if (x + item > c_.width - kPad && x > kPad) {
          x = kPad;
          y += 16;
        }
        ops_.push_back(rect(x, y + 2, 10, 10, color(s)));
        ops_.push_back(text(x + 16, y + 7, s.label, 10, p_.text, -1, 0, false, 140));
        x += item;
      }
    }
  }

  // Stacked, grouped and line charts: categories along x, values up y.
  void columns() {
    const size_t n = c_.categories.size();
    double max = 0;
    for (size_t i = 0; i < n; ++i) {
      double stack = 0;
      for (const auto& s : c_.series) {
        const double v = i < s.values.size() ? s.values[i] : 0;
        stack += std::max(0.0, v);
        max = std::max(max, v);
      }
      if (c_.kind == Kind::stacked_bar) max = std::max(max, stack);
    }
    const Ticks ticks = nice_ticks(max, c_.integer_axis);
    const bool want_legend = c_.series.size() > 1;
    auto [legend_w, legend_h] = legend_space(want_legend);

    double tick_w = 0;
    for (double v : ticks.values) tick_w = std::max(tick_w, text_width(number(v, c_.integer_axis), 10));
    Frame f;
    f.left = kPad + (c_.y_title.empty() ? 0 : 18) + tick_w + 8;
    f.right = c_.width - kPad - legend_w;
    f.top = header_bottom_;
    // X labels: horizontal if they fit their slot, else turned 45° (and thinned when crowded).
    const double slot = (f.right - f.left) / static_cast<double>(std::max<size_t>(n, 1));
    double label_w = 0;
    for (const auto& cat : c_.categories) label_w = std::max(label_w, text_width(cat, 10));
    const bool rotated = label_w > slot * 0.95;
    const double cap = rotated ? 110 : slot;
    const double label_h = rotated ? std::min(label_w, cap) * 0.7071 + 12 : 16;
    const size_t every = rotated ? static_cast<size_t>(std::ceil(14.0 / std::max(slot, 1.0))) : 1;
    f.bottom = c_.height - kPad - legend_h - (c_.x_title.empty() ? 0 : 18) - label_h;

    const double plot_h = f.bottom - f.top;
    auto y_of = [&](double v) { return f.bottom - v / ticks.top * plot_h; };
    for (double v : ticks.values) {
      ops_.push_back(line(f.left, y_of(v), f.right, y_of(v), v == 0 ? p_.axis : p_.grid, 1));
      ops_.push_back(text(f.left - 6, y_of(v), number(v, c_.integer_axis), 10, p_.muted, 1, 0));
    }
    for (size_t i = 0; i < n; i += std::max<size_t>(every, 1)) {
      const double x = f.left + (static_cast<double>(i) + 0.5) * slot;
      if (rotated) ops_.push_back(text(x + 3, f.bottom + 6, c_.categories[i], 10, p_.text, 1, -1, false, cap, 45));
      else ops_.push_back(text(x, f.bottom + 6, c_.categories[i], 10, p_.text, 0, -1, false, cap));
    }
    if (!c_.y_title.empty())
      ops_.push_back(text(kPad + 6, (f.top + f.bottom) / 2, c_.y_title, 11, p_.muted, 0, 0, false, plot_h, 90));
    if (!c_.x_title.empty())
      ops_.push_back(text((f.left + f.right) / 2, c_.height - kPad - legend_h - 2, c_.x_title, 11, p_.muted, 0, 1, false,
                          f.right - f.left));

    if (c_.kind == Kind::stacked_bar) {
      const double bw = slot * 0.68;
      for (size_t i = 0; i < n; ++i) {
        const double x = f.left + static_cast<double>(i) * slot + (slot - bw) / 2;
        double acc = 0;
        for (const auto& s : c_.series) {
          const double v = i < s.values.size() ? std::max(0.0, s.values[i]) : 0;
          if (v <= 0) continue;
          ops_.push_back(rect(x, y_of(acc + v), bw, y_of(acc) - y_of(acc + v), color(s), p_.background, 0.5));
          acc += v;
        }
        if (c_.show_total && acc > 0) ops_.push_back(text(x + bw / 2, y_of(acc) - 3, number(acc, c_.integer_axis), 9, p_.muted, 0, 1));
      }
    } else if (c_.kind == Kind::grouped_bar) {
      const double group = slot * 0.8;
      const double bw = group / static_cast<double>(std::max<size_t>(c_.series.size(), 1));
      for (size_t i = 0; i < n; ++i)
        for (size_t k = 0; k < c_.series.size(); ++k) {
          const auto& s = c_.series[k];
          const double v = i < s.values.size() ? std::max(0.0, s.values[i]) : 0;
          if (v <= 0) continue;
          const double x = f.left + static_cast<double>(i) * slot + (slot - group) / 2 + static_cast<double>(k) * bw;
          ops_.push_back(rect(x, y_of(v), bw * 0.92, f.bottom - y_of(v), color(s)));
        }
    } else {  // line
      for (const auto& s : c_.series) {
        Op pl;
        pl.type = Op::polyline;
        pl.stroke = color(s);
        pl.stroke_width = 2;
        for (size_t i = 0; i < n && i < s.values.size(); ++i)
          pl.points.emplace_back(f.left + (static_cast<double>(i) + 0.5) * slot, y_of(s.values[i]));
        if (c_.area && !pl.points.empty()) {
          Op area;
          area.type = Op::polygon;
          area.fill = color(s).with_alpha(0.15);
          area.points = pl.points;
          area.points.emplace_back(pl.points.back().first, f.bottom);
          area.points.emplace_back(pl.points.front().first, f.bottom);
          ops_.push_back(area);
        }
        ops_.push_back(pl);
        for (const auto& [x, y] : pl.points) {
          Op m;
          m.type = Op::circle;
          m.x = x;
          m.y = y;
          m.w = 3.2;
          m.fill = color(s);
          m.stroke = p_.background;
          m.stroke_width = 1.2;
          ops_.push_back(m);
        }
      }
    }
    legend(f, legend_h);
  }

  // Horizontal bars: one row per category (names), stacked by series when there are several.
  void rows() {
    const size_t n = c_.categories.size();
    double max = 0;
    for (size_t i = 0; i < n; ++i) {
      double sum = 0;
      for (const auto& s : c_.series) sum += i < s.values.size() ? std::max(0.0, s.values[i]) : 0;
      max = std::max(max, sum);
    }
    const Ticks ticks = nice_ticks(max, c_.integer_axis);
    auto [legend_w, legend_h] = legend_space(c_.series.size() > 1);
    Frame f;
    f.top = header_bottom_;
    f.bottom = c_.height - kPad - legend_h - 16 - (c_.x_title.empty() ? 0 : 18);
    const double row_h = (f.bottom - f.top) / static_cast<double>(std::max<size_t>(n, 1));
    const double font = std::clamp(row_h * 0.62, 6.0, 10.0);
    double name_w = 0;
    for (const auto& cat : c_.categories) name_w = std::max(name_w, text_width(cat, font));
    name_w = std::min(name_w, c_.width * 0.32);
    f.left = kPad + name_w + 8;
    f.right = c_.width - kPad - legend_w - 24;  // room for the value at the end of the longest bar
    auto x_of = [&](double v) { return f.left + v / ticks.top * (f.right - f.left); };
    for (double v : ticks.values) {
      ops_.push_back(line(x_of(v), f.top, x_of(v), f.bottom, v == 0 ? p_.axis : p_.grid, 1));
      ops_.push_back(text(x_of(v), f.bottom + 4, number(v, c_.integer_axis), 10, p_.muted, 0, -1));
    }
    if (!c_.x_title.empty())
      ops_.push_back(text((f.left + f.right) / 2, c_.height - kPad - legend_h - 2, c_.x_title, 11, p_.muted, 0, 1));
    for (size_t i = 0; i < n; ++i) {
      const double y = f.top + static_cast<double>(i) * row_h;
      ops_.push_back(text(f.left - 6, y + row_h / 2, c_.categories[i], font, p_.text, 1, 0, false, name_w));
      double acc = 0;
      for (const auto& s : c_.series) {
        const double v = i < s.values.size() ? std::max(0.0, s.values[i]) : 0;
        if (v <= 0) continue;
        ops_.push_back(rect(x_of(acc), y + row_h * 0.15, x_of(acc + v) - x_of(acc), row_h * 0.7, color(s), p_.background, 0.5));
        acc += v;
      }
      if (acc > 0) ops_.push_back(text(x_of(acc) + 4, y + row_h / 2, number(acc, c_.integer_axis), font, p_.muted, -1, 0));
    }
    legend(f, legend_h);
  }

  // A table image: each numeric column shaded on its own scale.
  void table() {
    const size_t cols = c_.columns.size();
    const double top = header_bottom_;
    const double row_h = std::min(30.0, (c_.height - kPad - top) / static_cast<double>(c_.rows.size() + 1));
    // A table is as tall as its rows: the image ends below the last one (ops_[0] is the canvas).
    ops_[0].h = std::min<double>(c_.height, top + static_cast<double>(c_.rows.size() + 1) * row_h + kPad);
    const double font = std::clamp(row_h * 0.45, 7.0, 11.0);
    double label_w = 40;
    for (const auto& [name, values] : c_.rows) label_w = std::max(label_w, text_width(name, font, true));
    label_w = std::min(label_w + 12, c_.width * 0.34);
    const double cell_w = (c_.width - 2 * kPad - label_w) / static_cast<double>(std::max<size_t>(cols, 1));
    for (size_t j = 0; j < cols; ++j)
      ops_.push_back(text(kPad + label_w + (static_cast<double>(j) + 0.5) * cell_w, top + row_h / 2, c_.columns[j], font,
                          p_.muted, 0, 0, true, cell_w - 4));
    for (size_t j = 0; j < cols; ++j) {
      double lo = 0, hi = 0;
      bool first = true;
      for (const auto& [name, values] : c_.rows)
        if (j < values.size()) {
          lo = first ? values[j] : std::min(lo, values[j]);
          hi = first ? values[j] : std::max(hi, values[j]);
          first = false;
        }
      const Color accent = p_.series[j % p_.series.size()];
      for (size_t i = 0; i < c_.rows.size(); ++i) {
        const auto& values = c_.rows[i].second;
        const double v = j < values.size() ? values[j] : 0;
        const double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
        const double x = kPad + label_w + static_cast<double>(j) * cell_w, y = top + static_cast<double>(i + 1) * row_h;
        ops_.push_back(rect(x + 1, y + 1, cell_w - 2, row_h - 2, p_.card.mix(accent, 0.12 + 0.5 * t)));
        ops_.push_back(text(x + cell_w / 2, y + row_h / 2, number(v, std::fabs(v - std::round(v)) < 1e-9), font, p_.text, 0, 0));
      }
    }
    for (size_t i = 0; i < c_.rows.size(); ++i)
      ops_.push_back(text(kPad, top + static_cast<double>(i + 1.5) * row_h, c_.rows[i].first, font, p_.text, -1, 0, true,
                          label_w - 8));
  }

  void award() {
    const double w = c_.width, h = c_.height;
    const Color accent = p_.series[1];
    ops_.push_back(rect(kPad, kPad, w - 2 * kPad, h - 2 * kPad, p_.card, accent, 3));
    const double ex = kPad + 30 + 60, ey = h / 2;
    emblem(ex, ey, 58, accent);
    const double tx = ex + 90, room = w - tx - kPad - 20;
    ops_.push_back(text(tx, h * 0.22, c_.award, 24, p_.text, -1, 0, true, room));
    ops_.push_back(text(tx, h * 0.42, c_.person, 30, accent, -1, 0, true, room));
    ops_.push_back(text(tx, h * 0.60, c_.figure, 18, p_.text, -1, 0, false, room));
    ops_.push_back(text(tx, h * 0.75, c_.period, 13, p_.muted, -1, 0, false, room));
  }

  void emblem(double cx, double cy, double r, const Color& c) {
    Op shape;
    shape.type = Op::polygon;
    shape.fill = c;
    if (c_.emblem == "star") {
      for (int k = 0; k < 10; ++k) {
        const double a = -M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.45 : r;
        shape.points.emplace_back(cx + rr * std::cos(a), cy + rr * std::sin(a));
      }
    } else if (c_.emblem == "flame") {
      shape.points = {{cx, cy - r}, {cx + r * 0.55, cy - r * 0.1}, {cx + r * 0.6, cy + r * 0.45}, {cx, cy + r * 0.85},
                      {cx - r * 0.6, cy + r * 0.45}, {cx - r * 0.45, cy - r * 0.05}, {cx - r * 0.15, cy + r * 0.15}};
    } else if (c_.emblem == "medal") {
      shape.points = {{cx - r * 0.45, cy - r}, {cx - r * 0.1, cy - r}, {cx + r * 0.2, cy - r * 0.2}, {cx - r * 0.15, cy - r * 0.2}};
      ops_.push_back(shape);
      shape.points = {{cx + r * 0.45, cy - r}, {cx + r * 0.1, cy - r}, {cx - r * 0.2, cy - r * 0.2}, {cx + r * 0.15, cy - r * 0.2}};
      ops_.push_back(shape);
      Op disc;
      disc.type = Op::circle;
      disc.x = cx;
      disc.y = cy + r * 0.25;
      disc.w = r * 0.6;
      disc.fill = c;
      disc.stroke = p_.background;
      disc.stroke_width = 3;
      ops_.push_back(disc);
      return;
    } else {  // trophy: cup, stem, base
      shape.points = {{cx - r * 0.6, cy - r * 0.8}, {cx + r * 0.6, cy - r * 0.8}, {cx + r * 0.45, cy - r * 0.1},
                      {cx + r * 0.12, cy + r * 0.15}, {cx + r * 0.12, cy + r * 0.5}, {cx + r * 0.4, cy + r * 0.62},
                      {cx + r * 0.4, cy + r * 0.8}, {cx - r * 0.4, cy + r * 0.8}, {cx - r * 0.4, cy + r * 0.62},
                      {cx - r * 0.12, cy + r * 0.5}, {cx - r * 0.12, cy + r * 0.15}, {cx - r * 0.45, cy - r * 0.1}};
    }
    ops_.push_back(shape);
  }
};

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

DrawList layout(const Chart& chart) { return Builder(chart).build(); }

}  // namespace detail

std::string series_color(const Chart& chart, const std::string& key) {
  const auto& colors = detail::palette(chart.theme).series;
  auto it = std::find(chart.color_keys.begin(), chart.color_keys.end(), key);
  size_t index;
  if (it != chart.color_keys.end()) {
    index = static_cast<size_t>(it - chart.color_keys.begin());
  } else {  // not listed: a stable hash of the key
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char ch : key) h = (h ^ ch) * 1099511628211ULL;
    index = static_cast<size_t>(h % colors.size());
  }
  return colors[index % colors.size()].hex();
}

std::string draw_list(const Chart& chart) {
  std::string out;
  for (const auto& o : detail::layout(chart)) {
    using detail::fmt;
    switch (o.type) {
      case detail::Op::rect:
        out += "rect " + fmt(o.x) + " " + fmt(o.y) + " " + fmt(o.w) + " " + fmt(o.h) + " " + o.fill.hex();
        break;
      case detail::Op::line:
        out += "line " + fmt(o.x) + " " + fmt(o.y) + " " + fmt(o.w) + " " + fmt(o.h) + " " + o.stroke.hex();
        break;
      case detail::Op::polyline:
      case detail::Op::polygon:
        out += o.type == detail::Op::polyline ? "polyline" : "polygon";
        for (const auto& [x, y] : o.points) out += " " + fmt(x) + "," + fmt(y);
        out += " " + (o.type == detail::Op::polyline ? o.stroke : o.fill).hex();
        break;
      case detail::Op::circle:
        out += "circle " + fmt(o.x) + " " + fmt(o.y) + " " + fmt(o.w) + " " + o.fill.hex();
        break;
      case detail::Op::text:
        out += "text " + fmt(o.x) + " " + fmt(o.y) + " size=" + fmt(o.size) + (o.bold ? " bold" : "") +
               " align=" + std::to_string(o.halign) + "," + std::to_string(o.valign) +
               (o.rotate != 0 ? " rotate=" + fmt(o.rotate) : "") + (o.max_width > 0 ? " max=" + fmt(o.max_width) : "") + " " +
               o.fill.hex() + " \"" + o.str + "\"";
        break;
    }
    out += "\n";
  }
  return out;
}

}  // namespace paxstats::render
