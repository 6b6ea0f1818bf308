// Layout of charts over categories: stacked and grouped bars, lines (labelled at their ends
// where the labels fit, else with a legend), and panels: the few panels of a chart that asks for
// them (the year at a glance) or the small multiples that too many lines become.
#include <algorithm>
#include <cmath>
#include <map>

#include "detail/builder.hpp"

namespace paxstats::render::detail {
namespace {

bool finite(double v) { return std::isfinite(v); }

double value_at(const Series& s, size_t i) { return i < s.values.size() ? s.values[i] : NAN; }

// Category labels along x: horizontal when they fit their slot, else turned 45° (and thinned
// when even that is too crowded).
struct XLabels {
  bool rotated = false;
  double cap = 0, height = 16;
  size_t every = 1;
};

XLabels plan_x_labels(const std::vector<std::string>& categories, double slot) {
  XLabels x;
  double label_w = 0;
  for (const auto& cat : categories) label_w = std::max(label_w, text_width(cat, 10));
  x.rotated = label_w > slot * 0.95;
  x.cap = x.rotated ? 110 : slot;
  const double th = text_height(10);
  x.height = x.rotated ? (std::min(label_w, x.cap) + th) * 0.7071 + 8 : th + 8;
  x.every = x.rotated ? static_cast<size_t>(std::ceil((th + 2) / std::max(slot, 1.0))) : 1;
  return x;
}

// How far left of its anchor a turned label reaches.
double rotated_reach(const std::string& label, double cap) {
  return (text_width(label, 10, false, cap) + text_height(10)) * 0.7071;
}

}  // namespace

void Builder::draw_lines(const Frame& f, const std::vector<Series>& series, double top, double marker) {
  const size_t n = c_.categories.size();
  const double slot = f.width() / static_cast<double>(std::max<size_t>(n, 1));
  auto x_of = [&](size_t i) { return f.left + (static_cast<double>(i) + 0.5) * slot; };
  auto y_of = [&](double v) { return f.bottom - v / top * f.height(); };
  for (const auto& s : series) {
    // A line breaks where there is no data: each run of values is its own segment.
    std::vector<std::vector<std::pair<double, double>>> runs(1);
    for (size_t i = 0; i < n; ++i) {
      const double v = value_at(s, i);
      if (!finite(v)) {
        if (!runs.back().empty()) runs.emplace_back();
        continue;
      }
      runs.back().emplace_back(x_of(i), y_of(std::max(0.0, v)));
    }
    for (const auto& run : runs) {
      if (run.empty()) continue;
      if (c_.area && run.size() > 1) {
        Op area;
        area.type = Op::polygon;
        area.fill = color(s).with_alpha(0.15);
        area.points = run;
        area.points.emplace_back(run.back().first, f.bottom);
        area.points.emplace_back(run.front().first, f.bottom);
        ops_.push_back(area);
      }
      Op pl;
      pl.type = Op::polyline;
      pl.stroke = color(s);
      pl.stroke_width = marker > 0 ? 2 : 1.5;
      pl.dashed = s.dashed;
      pl.points = run;
      if (run.size() > 1) ops_.push_back(pl);
      if (marker > 0 || run.size() == 1)  // a lone point is drawn as a dot, or it would vanish
        for (const auto& [x, y] : run) {
          Op m;
          m.type = Op::circle;
          m.x = x;
          m.y = y;
          m.w = marker > 0 ? marker : 1.8;
          m.fill = s.dashed ? p_.background : color(s);
          m.stroke = s.dashed ? color(s) : p_.background;
          m.stroke_width = 1.2;
          ops_.push_back(m);
        }
    }
  }
}

void Builder::columns() {
  const size_t n = c_.categories.size();
  const bool is_line = c_.kind == Kind::line, stacked = c_.kind == Kind::stacked_bar;
  double max = 0;
  std::vector<double> all_values;
  for (size_t i = 0; i < n; ++i) {
    double stack = 0;
    for (const auto& s : c_.series) {
      const double v = value_at(s, i);
      if (!finite(v)) continue;
      all_values.push_back(v);
      stack += std::max(0.0, v);
      max = std::max(max, v);
    }
    if (stacked) max = std::max(max, stack);
  }
  Ticks ticks = nice_ticks(max, c_.integer_axis);
  const int value_decimals = decimals_for(all_values, c_.integer_axis);
  double tick_w = 0;
  for (double v : {ticks.top, ticks.top + ticks.step})
    tick_w = std::max(tick_w, text_width(format_number(v, ticks.decimals), 10));

  auto frame_for = [&](double right_room, double bottom_room, XLabels& xl) {
    Frame f;
    f.left = kPad + (c_.y_title.empty() ? 0 : 18) + tick_w + 8;
    f.right = width_ - kPad - right_room;
    f.top = header_bottom_ + 6;  // half the top tick label
    for (int pass = 0; pass < 2; ++pass) {
      const double slot = f.width() / static_cast<double>(std::max<size_t>(n, 1));
      xl = plan_x_labels(c_.categories, slot);
      if (!xl.rotated || c_.categories.empty()) break;
      // The first turned label reaches left of its bar: keep it on the canvas.
      const double reach = rotated_reach(c_.categories.front(), xl.cap) - 0.5 * slot - 3;
      if (f.left - reach >= kPad) break;
      f.left = kPad + reach + 1;
    }
    f.bottom = height_ - kPad - bottom_room - (c_.x_title.empty() ? 0 : 18) - xl.height;
    return f;
  };

  // Lines are labelled at their ends when the labels fit beside each other; else a legend.
  std::vector<const Series*> items;
  for (const auto& s : c_.series) items.push_back(&s);
  Legend legend;
  XLabels xl;
  Frame f;
  struct EndLabel {
    const Series* s;
    double y;
  };
  std::vector<EndLabel> end_labels;
  bool direct = false;
  if (is_line && c_.series.size() >= 2) {
    double label_w = 0;
    for (const auto& s : c_.series) label_w = std::max(label_w, text_width(s.label, 10, false, 110));
    f = frame_for(label_w + 16, 0, xl);
    add_headroom(ticks, max, f.height(), 6);
    const double gap = text_height(10) + 1;
    for (const auto& s : c_.series) {
      for (size_t i = n; i-- > 0;)
        if (finite(value_at(s, i))) {
          end_labels.push_back({&s, f.bottom - std::max(0.0, value_at(s, i)) / ticks.top * f.height()});
          break;
        }
    }
    std::stable_sort(end_labels.begin(), end_labels.end(),
                     [](const EndLabel& a, const EndLabel& b) { return a.y < b.y; });
    for (size_t i = 1; i < end_labels.size(); ++i)
      end_labels[i].y = std::max(end_labels[i].y, end_labels[i - 1].y + gap);
    if (!end_labels.empty()) end_labels.back().y = std::min(end_labels.back().y, f.bottom);
    for (size_t i = end_labels.size() - 1; i-- > 0;)
      end_labels[i].y = std::min(end_labels[i].y, end_labels[i + 1].y - gap);
    direct = end_labels.empty() || end_labels.front().y >= f.top;
  }
  if (!direct) {
    legend = plan_legend(items, is_line, height_ - header_bottom_ - 40);
    if (legend.right && stacked)
      std::reverse(legend.items.begin(), legend.items.end());  // listed as stacked: top first
    f = frame_for(legend.width, legend.height, xl);
    ticks = nice_ticks(max, c_.integer_axis);
    add_headroom(ticks, max, f.height(), stacked && c_.show_total ? text_height(9) + 5 : is_line ? 6 : 2);
  }

  const double slot = f.width() / static_cast<double>(std::max<size_t>(n, 1));
  auto y_of = [&](double v) { return f.bottom - v / ticks.top * f.height(); };
  y_axis(f, ticks);
  for (size_t i = 0; i < n; i += std::max<size_t>(xl.every, 1)) {
    const double x = f.left + (static_cast<double>(i) + 0.5) * slot;
    if (xl.rotated)
      ops_.push_back(text(x + 3, f.bottom + 6, c_.categories[i], 10, p_.text, 1, -1, false, xl.cap, 45));
    else
      ops_.push_back(text(x, f.bottom + 6, c_.categories[i], 10, p_.text, 0, -1, false, xl.cap));
  }
  if (!c_.y_title.empty())
    ops_.push_back(text(kPad + 6, (f.top + f.bottom) / 2, c_.y_title, 11, p_.muted, 0, 0, false, f.height(), 90));
  if (!c_.x_title.empty())
    ops_.push_back(text((f.left + f.right) / 2, height_ - kPad - legend.height - 2, c_.x_title, 11, p_.muted, 0, 1,
                        false, f.width()));

  if (stacked) {
    const double bw = slot * 0.68;
    // Totals above the bars only where every one fits its slot: fifty-three weeks' totals would
    // run into each other (the chart's header still gives the total, the alt text each one).
    bool totals_fit = c_.show_total;
    for (size_t i = 0; totals_fit && i < n; ++i) {
      double sum = 0;
      for (const auto& s : c_.series)
        if (const double v = value_at(s, i); finite(v) && v > 0) sum += v;
      totals_fit = sum <= 0 || text_width(format_number(sum, value_decimals), 9, false) + 3 <= slot;
    }
    for (size_t i = 0; i < n; ++i) {
      const double x = f.left + static_cast<double>(i) * slot + (slot - bw) / 2;
      double acc = 0;
      for (const auto& s : c_.series) {
        const double v = value_at(s, i);
        if (!finite(v) || v <= 0) continue;
        ops_.push_back(rect(x, y_of(acc + v), bw, y_of(acc) - y_of(acc + v), color(s), p_.background, 0.5));
        acc += v;
      }
      if (totals_fit && acc > 0)
        ops_.push_back(text(x + bw / 2, y_of(acc) - 3, format_number(acc, value_decimals), 9, p_.muted, 0, 1));
    }
  } else if (c_.kind == Kind::grouped_bar) {
    const double group = slot * 0.8;
    const double bw = group / static_cast<double>(std::max<size_t>(c_.series.size(), 1));
    for (size_t i = 0; i < n; ++i)
      for (size_t k = 0; k < c_.series.size(); ++k) {
        const auto& s = c_.series[k];
        const double v = value_at(s, i);
        if (!finite(v) || v <= 0) continue;
        const double x = f.left + static_cast<double>(i) * slot + (slot - group) / 2 + static_cast<double>(k) * bw;
        ops_.push_back(rect(x, y_of(v), bw * 0.92, f.bottom - y_of(v), color(s)));
      }
  } else {
    draw_lines(f, c_.series, ticks.top, n <= 40 ? 3.2 : 0);
  }
  if (direct) {
    for (const auto& l : end_labels) {
      ops_.push_back(line(f.right + 4, l.y, f.right + 12, l.y, color(*l.s), 2, l.s->dashed));
      ops_.push_back(text(f.right + 15, l.y, l.s->label, 10, p_.text, -1, 0, false, 110));
    }
  } else {
    draw_legend(legend, f.right + 14, f.top, height_ - kPad);
  }
}

void Builder::panels() { prep_.small_multiples ? small_multiples() : explicit_panels(); }

// A few panels one under the other, each with its own value axis; one legend for all (a key
// drawn in several panels is one item), and the categories under the last panel.
void Builder::explicit_panels() {
  const size_t n = c_.categories.size(), k = c_.panels.size();
  std::vector<const Series*> items;
  std::map<std::string, bool> seen;
  for (const auto& p : c_.panels)
    for (const auto& s : p.series)
      if (!seen[s.key]) {
        seen[s.key] = true;
        items.push_back(&s);
      }
  if (items.size() >= 2) {  // one row under the header: the panels keep the full width
    double x = kPad;
    const double y = header_bottom_ - 4;
    for (const auto* s : items) {
      swatch(x, y, *s, true);
      ops_.push_back(text(x + 24, y + 7, s->label, 10, p_.text, -1, 0, false, 140));
      x += 24 + text_width(s->label, 10, false, 140) + 18;
    }
    header_bottom_ += 20;
  }
  std::vector<Ticks> ticks(k);
  double tick_w = 0;
  for (size_t j = 0; j < k; ++j) {
    double max = 0;
    for (const auto& s : c_.panels[j].series)
      for (double v : s.values)
        if (finite(v)) max = std::max(max, v);
    ticks[j] = nice_ticks(max, c_.integer_axis, 3);
    for (double v : {ticks[j].top, ticks[j].top + ticks[j].step})
      tick_w = std::max(tick_w, text_width(format_number(v, ticks[j].decimals), 9));
  }
  const double left = kPad + tick_w + 8, right = width_ - kPad;
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(n, 1));
  const XLabels xl = plan_x_labels(c_.categories, slot);
  const double title_h = text_height(11, true) + 10;
  grow_to(header_bottom_ + static_cast<double>(k) * (title_h + 60) + xl.height + kPad);
  const double panel_h = (height_ - kPad - xl.height - header_bottom_) / static_cast<double>(std::max<size_t>(k, 1));
  for (size_t j = 0; j < k; ++j) {
    const double top = header_bottom_ + static_cast<double>(j) * panel_h;
    ops_.push_back(text(kPad, top, c_.panels[j].title, 11, p_.text, -1, -1, true, width_ - 2 * kPad));
    Frame f{left, top + title_h, right, top + panel_h - 6};
    double max = 0;
    for (const auto& s : c_.panels[j].series)
      for (double v : s.values)
        if (finite(v)) max = std::max(max, v);
    add_headroom(ticks[j], max, f.height(), 6);
    for (double v : ticks[j].values) {
      const double y = f.bottom - v / ticks[j].top * f.height();
      ops_.push_back(line(f.left, y, f.right, y, v == 0 ? p_.axis : p_.grid, 1));
      ops_.push_back(text(f.left - 6, y, format_number(v, ticks[j].decimals), 9, p_.muted, 1, 0));
    }
    draw_lines(f, c_.panels[j].series, ticks[j].top, n <= 40 ? 2.6 : 0);
    if (j + 1 == k)
      for (size_t i = 0; i < n; i += std::max<size_t>(xl.every, 1)) {
        const double x = f.left + (static_cast<double>(i) + 0.5) * slot;
        if (xl.rotated)
          ops_.push_back(text(x + 3, f.bottom + 6, c_.categories[i], 10, p_.text, 1, -1, false, xl.cap, 45));
        else
          ops_.push_back(text(x, f.bottom + 6, c_.categories[i], 10, p_.text, 0, -1, false, xl.cap));
      }
  }
}

// Small multiples: a grid of small panels, one per series, biggest first, all on one scale, with
// each series' name and its value at the last category (the note above the grid says so).
void Builder::small_multiples() {
  const size_t n = c_.panels.size(), cats = c_.categories.size();
  const double room = width_ - 2 * kPad;
  const size_t cols = std::clamp<size_t>(static_cast<size_t>(room / 110), 1, std::max<size_t>(n, 1));
  const size_t rows = (n + cols - 1) / cols;
  const double cell_w = room / static_cast<double>(cols);
  double max = 0;
  for (const auto& p : c_.panels)
    for (const auto& s : p.series)
      for (double v : s.values)
        if (finite(v)) max = std::max(max, v);
  const Ticks ticks = nice_ticks(max, c_.integer_axis);
  // Says what the grid holds: the order, the one scale, and what the number in a corner is.
  std::string note = "Largest total first · one scale, 0 to " + format_number(ticks.top, ticks.decimals);
  if (!c_.y_title.empty()) note += " " + c_.y_title;
  if (cats > 1) note += " · " + c_.categories.front() + " to " + c_.categories.back();
  if (cats > 0) note += " · the number: " + c_.categories.back();
  ops_.push_back(text(kPad, header_bottom_ - 4, note, 10, p_.muted, -1, -1, false, room));
  const double top = header_bottom_ + text_height(10) + 4;
  // Few panels take the canvas's height, up to 96 pt each (a line of 56 pt under a 3-row grid left
  // half a 640 × 480 chart empty); many grow it at 56 pt a row. The canvas ends under the last row.
  const double cell_h = std::clamp((height_ - top - kPad) / static_cast<double>(std::max<size_t>(rows, 1)), 56.0, 96.0);
  ops_[0].h = height_ = std::ceil(top + static_cast<double>(rows) * cell_h + kPad);
  for (size_t i = 0; i < n; ++i) {
    const auto& panel = c_.panels[i];
    const double x = kPad + static_cast<double>(i % cols) * cell_w, y = top + static_cast<double>(i / cols) * cell_h;
    // The last category's value (none when it has no data: an earlier month's would pass for it).
    std::string latest;
    for (const auto& s : panel.series)
      if (cats > 0 && finite(value_at(s, cats - 1)) && latest.empty())
        latest = format_number(value_at(s, cats - 1), decimals_for({value_at(s, cats - 1)}, c_.integer_axis));
    const double latest_w = latest.empty() ? 0 : text_width(latest, 9);
    if (!latest.empty()) ops_.push_back(text(x + cell_w - 8, y + 2, latest, 9, p_.muted, 1, -1));
    ops_.push_back(text(x + 2, y + 2, panel.title, 9, p_.text, -1, -1, true, std::max(10.0, cell_w - 14 - latest_w)));
    const Frame f{x + 2, y + 17, x + cell_w - 8, y + cell_h - 8};
    ops_.push_back(line(f.left, f.bottom, f.right, f.bottom, p_.axis, 1));
    ops_.push_back(line(f.left, f.top, f.right, f.top, p_.grid, 1));
    draw_lines(f, panel.series, ticks.top, 0);
  }
}

}  // namespace paxstats::render::detail
