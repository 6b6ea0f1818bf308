// Layout: a Chart becomes drawing commands. All positions in points; text measured through
// Pango exactly as the rasterizer will draw it. This file: the canvas, the header, the legend and
// value axes, and the checks (layout_problems) that hold every layout to its rules.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "detail/builder.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace detail {

Ticks nice_ticks(double max, bool integer, int target_steps) {
  if (!(max > 0) || !std::isfinite(max)) max = integer ? 4 : 1;
  max = std::min(max, 1e15);  // beyond any count; keeps the steps below exact in a double
  const double raw = max / target_steps;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag * 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw - 1e-12 && !(integer && m == 2.5 && mag < 10)) {  // counts: no 2.5 steps
      step = m * mag;
      break;
    }
  if (integer) step = std::max(1.0, std::round(step));
  Ticks t;
  t.step = step;
  t.top = std::ceil(max / step - 1e-9) * step;
  for (int k = 0; k <= 40 && k * step <= t.top + step / 2; ++k) t.values.push_back(k * step);
  t.decimals = decimals_for(t.values, integer);
  return t;
}

void add_headroom(Ticks& t, double max, double plot_h, double room) {
  for (int guard = 0; guard < 4 && t.top > 0 && (t.top - max) / t.top * plot_h < room; ++guard) {
    t.top += t.step;
    t.values.push_back(t.top);
  }
}

std::string format_number(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s == "-0.0" || s == "-0.00") s.erase(0, 1);
  // Thousands apart from 10,000 up ("12,500"; "2500" stays short).
  const size_t digits_end = s.find('.') == std::string::npos ? s.size() : s.find('.');
  const size_t digits_begin = s[0] == '-' ? 1 : 0;
  if (digits_end - digits_begin > 4)
    for (size_t at = digits_end; at > digits_begin + 3; at -= 3) s.insert(at - 3, ",");
  return s;
}

int decimals_for(const std::vector<double>& values, bool integer) {
  if (integer) return 0;
  int d = 0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    while (d < 2 && std::fabs(v * std::pow(10, d) - std::round(v * std::pow(10, d))) > 1e-6) ++d;
  }
  return d;
}

Op text(double x, double y, std::string s, double size, const Color& c, int halign, int valign, bool bold,
        double max_width, double rotate) {
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

Op rect(double x, double y, double w, double h, const Color& fill, const Color& stroke, double sw) {
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

Op line(double x1, double y1, double x2, double y2, const Color& c, double width, bool dashed) {
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

double text_width(const std::string& s, double size, bool bold, double cap) {
  double w = measure_text(s, size, bold).width;
  return cap > 0 ? std::min(w, cap) : w;
}

double text_height(double size, bool bold) { return measure_text("Ag", size, bold).height; }

Builder::Builder(const Prepared& prepared)
    : prep_(prepared),
      c_(prepared.chart),
      p_(palette(prepared.chart.theme)),
      width_(prepared.chart.width),
      height_(prepared.chart.height) {}

DrawList Builder::build() {
  ops_.push_back(rect(0, 0, width_, height_, p_.background));
  header();
  if (is_empty(c_)) {
    empty();
  } else {
    switch (c_.kind) {
      case Kind::stacked_bar:
      case Kind::grouped_bar: columns(); break;
      case Kind::line: c_.panels.empty() ? columns() : panels(); break;
      case Kind::horizontal_bar: rows(); break;
      case Kind::table: table(); break;
      case Kind::award: award(); break;
    }
  }
  // The canvas is whole points, so every pixel of the image is covered by the background.
  ops_[0].w = std::ceil(ops_[0].w - 1e-9);
  ops_[0].h = std::ceil(ops_[0].h - 1e-9);
  return std::move(ops_);
}

void Builder::grow_to(double height) {
  height_ = std::max(height_, std::ceil(height));
  ops_[0].h = height_;
}

void Builder::header() {
  double y = kPad;
  double title_room = width_ - 2 * kPad;
  if (c_.kind == Kind::stacked_bar && c_.show_total && !is_empty(c_)) {
    double total = 0;
    std::vector<double> all;
    for (const auto& s : c_.series)
      for (double v : s.values)
        if (std::isfinite(v)) total += v, all.push_back(v);
    const std::string t = "Total: " + format_number(total, decimals_for(all, c_.integer_axis));
    ops_.push_back(text(width_ - kPad, y + 1, t, 12, p_.text, 1, -1, true));
    title_room -= text_width(t, 12, true) + 12;
  }
  if (c_.kind == Kind::award) return;
  if (!c_.title.empty()) {
    ops_.push_back(text(kPad, y, c_.title, 15, p_.text, -1, -1, true, title_room));
    // The title's own height: a fallback font (Korean, emoji) can stand taller than DejaVu.
    y += std::max(text_height(15, true), measure_text(c_.title, 15, true, title_room).height) + 2;
  }
  std::string subtitle = c_.subtitle;
  if (c_.cut_of > static_cast<int>(c_.categories.size()) && !c_.categories.empty()) {
    const std::string cut = "top " + std::to_string(c_.categories.size()) + " of " + std::to_string(c_.cut_of) +
                            (c_.cut_noun.empty() ? "" : " " + c_.cut_noun);
    subtitle += subtitle.empty() ? cut : " · " + cut;
  }
  if (!subtitle.empty()) {
    ops_.push_back(text(kPad, y, subtitle, 11, p_.muted, -1, -1, false, width_ - 2 * kPad));
    y += std::max(text_height(11), measure_text(subtitle, 11, false, width_ - 2 * kPad).height);
  }
  header_bottom_ = y + 10;
}

void Builder::empty() {
  const double cy = (header_bottom_ + height_) / 2;
  ops_.push_back(line(kPad * 3, cy + 22, width_ - kPad * 3, cy + 22, p_.grid, 1));
  ops_.push_back(text(width_ / 2.0, cy, c_.empty_message, 14, p_.muted, 0, 0, false, width_ - 4 * kPad));
}

namespace {
constexpr double kLegendRow = 16, kLegendLabelCap = 140, kSwatch = 10;
}

Builder::Legend Builder::plan_legend(std::vector<const Series*> items, bool as_lines, double room_height) const {
  Legend l;
  l.items = std::move(items);
  l.as_lines = as_lines;
  if (l.items.size() < 2) return l;  // one series: the title says what it is
  double w = 0;
  for (const auto* s : l.items) w = std::max(w, text_width(s->label, 10, false, kLegendLabelCap));
  const double swatch = as_lines ? 18 : kSwatch;
  const double right = swatch + 6 + w;
  if (right <= width_ * 0.3 && static_cast<double>(l.items.size()) * kLegendRow <= room_height) {
    l.right = true;
    l.width = right + 14;
    return l;
  }
  double x = 0, lines = 1;
  for (const auto* s : l.items) {
    const double item = swatch + 6 + text_width(s->label, 10, false, kLegendLabelCap) + 14;
    if (x + item > width_ - 2 * kPad && x > 0) {
      ++lines;
      x = 0;
    }
    x += item;
  }
  l.height = lines * kLegendRow + 8;
  return l;
}

void Builder::swatch(double x, double y, const Series& s, bool as_line) {
  if (as_line) {
    ops_.push_back(line(x, y + 7, x + 18, y + 7, color(s), 2, s.dashed));
  } else {
    ops_.push_back(rect(x, y + 2, kSwatch, kSwatch, color(s)));
  }
}

void Builder::draw_legend(const Legend& l, double x_right, double top, double bottom) {
  if (l.items.size() < 2) return;
  const double swatch_w = l.as_lines ? 18 : kSwatch;
  if (l.right) {
    double y = top;
    for (const auto* s : l.items) {
      swatch(x_right, y, *s, l.as_lines);
      ops_.push_back(text(x_right + swatch_w + 6, y + 7, s->label, 10, p_.text, -1, 0, false, kLegendLabelCap));
      y += kLegendRow;
    }
    return;
  }
  double x = kPad, y = bottom - l.height + 8;
  for (const auto* s : l.items) {
    const double item = swatch_w + 6 + text_width(s->label, 10, false, kLegendLabelCap) + 14;
    if (x + item > width_ - kPad && x > kPad) {
      x = kPad;
      y += kLegendRow;
    }
    swatch(x, y, *s, l.as_lines);
    ops_.push_back(text(x + swatch_w + 6, y + 7, s->label, 10, p_.text, -1, 0, false, kLegendLabelCap));
    x += item;
  }
}

void Builder::y_axis(const Frame& f, const Ticks& t, double label_size) {
  for (double v : t.values) {
    const double y = f.bottom - v / t.top * f.height();
    ops_.push_back(line(f.left, y, f.right, y, v == 0 ? p_.axis : p_.grid, 1));
    ops_.push_back(text(f.left - 6, y, format_number(v, t.decimals), label_size, p_.muted, 1, 0));
  }
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

DrawList layout(const Chart& chart) {
  const Prepared prepared = prepare(chart);
  return Builder(prepared).build();
}

namespace {

struct Box {
  double x0, y0, x1, y1;
};

Box bounds(const Op& o) {
  switch (o.type) {
    case Op::rect: {
      const double s = o.stroke_width / 2;
      return {std::min(o.x, o.x + o.w) - s, std::min(o.y, o.y + o.h) - s, std::max(o.x, o.x + o.w) + s,
              std::max(o.y, o.y + o.h) + s};
    }
    case Op::line: {
      const double s = o.stroke_width / 2;
      return {std::min(o.x, o.w) - s, std::min(o.y, o.h) - s, std::max(o.x, o.w) + s, std::max(o.y, o.h) + s};
    }
    case Op::polyline:
    case Op::polygon: {
      Box b{1e18, 1e18, -1e18, -1e18};
      for (const auto& [x, y] : o.points)
        b = {std::min(b.x0, x), std::min(b.y0, y), std::max(b.x1, x), std::max(b.y1, y)};
      const double s = o.type == Op::polyline ? o.stroke_width / 2 : 0;
      return {b.x0 - s, b.y0 - s, b.x1 + s, b.y1 + s};
    }
    case Op::circle: {
      const double r = o.w + o.stroke_width / 2;
      return {o.x - r, o.y - r, o.x + r, o.y + r};
    }
    case Op::text: {
      const TextSize t = measure_text(o.str, o.size, o.bold, o.max_width, o.lines);
      const double left = -(o.halign + 1) / 2.0 * t.width, top = -(o.valign + 1) / 2.0 * t.height;
      const double a = -o.rotate * M_PI / 180, ca = std::cos(a), sa = std::sin(a);
      Box b{1e18, 1e18, -1e18, -1e18};
      for (auto [dx, dy] :
           {std::pair{left, top}, {left + t.width, top}, {left, top + t.height}, {left + t.width, top + t.height}}) {
        const double x = o.x + dx * ca - dy * sa, y = o.y + dx * sa + dy * ca;
        b = {std::min(b.x0, x), std::min(b.y0, y), std::max(b.x1, x), std::max(b.y1, y)};
      }
      return b;
    }
  }
  return {0, 0, 0, 0};
}

std::string describe(const Op& o) {
  switch (o.type) {
    case Op::text: return "text \"" + o.str + "\"";
    case Op::rect: return "rect at " + fmt(o.x) + "," + fmt(o.y);
    case Op::line: return "line at " + fmt(o.x) + "," + fmt(o.y);
    case Op::polyline: return "polyline";
    case Op::polygon: return "polygon";
    case Op::circle: return "circle at " + fmt(o.x) + "," + fmt(o.y);
  }
  return "op";
}

}  // namespace
}  // namespace detail

std::vector<std::string> layout_problems(const Chart& chart) {
  using namespace detail;
  const DrawList ops = layout(chart);
  std::vector<std::string> out;
  const double w = ops.front().w, h = ops.front().h;
  std::vector<std::pair<Box, const Op*>> texts;
  for (size_t i = 1; i < ops.size(); ++i) {
    const Box b = bounds(ops[i]);
    // The outermost point on every side stays background.
    if (b.x0 < 1 || b.y0 < 1 || b.x1 > w - 1 || b.y1 > h - 1)
      out.push_back(describe(ops[i]) + " reaches the edge: " + fmt(b.x0) + "," + fmt(b.y0) + " to " + fmt(b.x1) + "," +
                    fmt(b.y1) + " on a " + fmt(w) + " × " + fmt(h) + " canvas");
    if (ops[i].type == Op::text && ops[i].rotate == 0 && !ops[i].str.empty()) texts.emplace_back(b, &ops[i]);
  }
  constexpr double tolerance = 0.75;  // glyph boxes include line spacing: touching is not overlapping
  for (size_t i = 0; i < texts.size(); ++i)
    for (size_t j = i + 1; j < texts.size(); ++j) {
      const Box &a = texts[i].first, &b = texts[j].first;
      if (std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > tolerance &&
          std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > tolerance)
        out.push_back(describe(*texts[i].second) + " overlaps " + describe(*texts[j].second));
    }
  // A chart mostly "Other" shows little (issue 30: 85% of every bar of a region's FNG chart).
  const auto prepared = prepare(chart);
  double all = 0, other = 0;
  std::string other_label;
  for (const auto& s : prepared.chart.series)
    for (double v : s.values)
      if (std::isfinite(v) && v > 0) {
        all += v;
        if (s.key == kOtherKey) other += v, other_label = s.label;
      }
  if (all > 0 && other / all > 0.5)
    out.push_back("\"" + other_label + "\" holds " + fmt(100 * other / all) +
                  "% of what is drawn: name more series, or "
                  "draw it another way");
  return out;
}

PixelSize pixel_size(const Chart& chart) {
  const auto ops = detail::layout(chart);
  const double scale = chart.scale > 0 ? chart.scale : 1;
  return {static_cast<int>(std::ceil(ops.front().w * scale - 1e-9)),
          static_cast<int>(std::ceil(ops.front().h * scale - 1e-9))};
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
        out += "line " + fmt(o.x) + " " + fmt(o.y) + " " + fmt(o.w) + " " + fmt(o.h) + " " + o.stroke.hex() +
               (o.dashed ? " dashed" : "");
        break;
      case detail::Op::polyline:
      case detail::Op::polygon:
        out += o.type == detail::Op::polyline ? "polyline" : "polygon";
        for (const auto& [x, y] : o.points) out += " " + fmt(x) + "," + fmt(y);
        out += " " + (o.type == detail::Op::polyline ? o.stroke : o.fill).hex() + (o.dashed ? " dashed" : "");
        break;
      case detail::Op::circle:
        out += "circle " + fmt(o.x) + " " + fmt(o.y) + " " + fmt(o.w) + " " + o.fill.hex();
        break;
      case detail::Op::text:
        out += "text " + fmt(o.x) + " " + fmt(o.y) + " size=" + fmt(o.size) + (o.bold ? " bold" : "") +
               " align=" + std::to_string(o.halign) + "," + std::to_string(o.valign) +
               (o.rotate != 0 ? " rotate=" + fmt(o.rotate) : "") + (o.max_width > 0 ? " max=" + fmt(o.max_width) : "") +
               (o.lines > 1 ? " lines=" + std::to_string(o.lines) : "") + " " + o.fill.hex() + " \"" + o.str + "\"";
        break;
    }
    out += "\n";
  }
  return out;
}

}  // namespace paxstats::render
