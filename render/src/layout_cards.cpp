// Layout of horizontal bars (names down the side: leaderboards, Q counts), tables and award
// cards.
#include <algorithm>
#include <cmath>

#include "detail/builder.hpp"

namespace paxstats::render::detail {

// One row per category (names), stacked by series when there are several. A long list makes the
// image taller rather than the text smaller.
void Builder::rows() {
  const size_t n = c_.categories.size();
  double max = 0;
  std::vector<double> totals(n, 0.0), all;
  for (size_t i = 0; i < n; ++i) {
    for (const auto& s : c_.series) {
      const double v = i < s.values.size() ? s.values[i] : NAN;
      if (!std::isfinite(v)) continue;
      totals[i] += std::max(0.0, v);
      all.push_back(v);
    }
    max = std::max(max, totals[i]);
  }
  const int decimals = decimals_for(all, c_.integer_axis);
  std::vector<const Series*> items;
  for (const auto& s : c_.series) items.push_back(&s);
  const Legend legend = plan_legend(items, false, height_ - header_bottom_ - 40);
  const double axis_h = text_height(10) + 6, x_title_h = c_.x_title.empty() ? 0 : 18;
  constexpr double kMinRow = 16;
  grow_to(header_bottom_ + static_cast<double>(n) * kMinRow + axis_h + x_title_h + legend.height + kPad);
  Frame f;
  f.top = header_bottom_;
  f.bottom = height_ - kPad - legend.height - axis_h - x_title_h;
  const double row_h = f.height() / static_cast<double>(std::max<size_t>(n, 1));
  const double font = std::clamp(row_h * 0.62, 8.0, 10.0);
  double name_w = 0, value_w = 0;
  for (const auto& cat : c_.categories) name_w = std::max(name_w, text_width(cat, font));
  for (double t : totals) value_w = std::max(value_w, text_width(format_number(t, decimals), font));
  name_w = std::min(name_w, width_ * 0.32);
  Ticks ticks = nice_ticks(max, c_.integer_axis);
  const double last_tick_half = text_width(format_number(ticks.top + ticks.step, ticks.decimals), 10) / 2;
  f.left = kPad + name_w + 8;
  // Room for the value at the end of the longest bar, and half the last tick label.
  f.right = width_ - kPad - legend.width - std::max(value_w + 6, last_tick_half);
  auto x_of = [&](double v) { return f.left + v / ticks.top * f.width(); };
  for (double v : ticks.values) {
    ops_.push_back(line(x_of(v), f.top, x_of(v), f.bottom, v == 0 ? p_.axis : p_.grid, 1));
    ops_.push_back(text(x_of(v), f.bottom + 4, format_number(v, ticks.decimals), 10, p_.muted, 0, -1));
  }
  if (!c_.x_title.empty())
    ops_.push_back(text((f.left + f.right) / 2, height_ - kPad - legend.height - 2, c_.x_title, 11, p_.muted, 0, 1));
  for (size_t i = 0; i < n; ++i) {
    const double y = f.top + static_cast<double>(i) * row_h;
    ops_.push_back(text(f.left - 6, y + row_h / 2, c_.categories[i], font, p_.text, 1, 0, false, name_w));
    double acc = 0;
    for (const auto& s : c_.series) {
      const double v = i < s.values.size() ? s.values[i] : NAN;
      if (!std::isfinite(v) || v <= 0) continue;
      ops_.push_back(
          rect(x_of(acc), y + row_h * 0.15, x_of(acc + v) - x_of(acc), row_h * 0.7, color(s), p_.background, 0.5));
      acc += v;
    }
    if (acc > 0)
      ops_.push_back(text(x_of(acc) + 4, y + row_h / 2, format_number(acc, decimals), font, p_.muted, -1, 0));
  }
  draw_legend(legend, f.right + std::max(value_w + 6, last_tick_half) + 14, f.top, height_ - kPad);
}

// A table image: each numeric column shaded on its own scale, then the text columns; a row
// without numbers is a section heading. The image ends below the last row.
void Builder::table() {
  const size_t cols = c_.columns.size(), texts = c_.text_columns.size();
  const double top = header_bottom_;
  const double row_h = std::clamp((height_ - kPad - top) / static_cast<double>(c_.rows.size() + 1), 18.0, 30.0);
  ops_[0].h = height_ = std::ceil(top + static_cast<double>(c_.rows.size() + 1) * row_h + kPad);
  const double font = std::clamp(row_h * 0.45, 8.0, 11.0);
  auto is_heading = [&](size_t i) { return c_.rows[i].second.empty(); };
  double label_w = 40;
  for (size_t i = 0; i < c_.rows.size(); ++i)
    if (!is_heading(i)) label_w = std::max(label_w, text_width(c_.rows[i].first, font, true));
  label_w = std::min(label_w + 12, width_ * (texts ? 0.24 : 0.34));
  const double room = width_ - 2 * kPad - label_w;
  // Numbers get what their header and values need; text columns share the rest by their content.
  std::vector<double> num_w(cols, 0.0);
  for (size_t j = 0; j < cols; ++j) {
    num_w[j] = text_width(c_.columns[j], font, true) + 14;
    for (const auto& [name, values] : c_.rows)
      if (j < values.size()) num_w[j] = std::max(num_w[j], text_width(format_number(values[j], 1), font) + 14);
  }
  double used = 0;
  for (double w : num_w) used += w;
  if (!texts) {  // numbers only: spread over the width, as before
    for (double& w : num_w) w = room / static_cast<double>(std::max<size_t>(cols, 1));
    used = room;
  } else if (used > room * 0.5) {
    for (double& w : num_w) w *= room * 0.5 / used;
    used = room * 0.5;
  }
  // Text columns: each gets what its longest cell wants when they all fit; else the room is
  // shared so the narrow ones are whole and the widest is cut.
  std::vector<double> want(texts, 0.0), text_w(texts, 0.0);
  for (size_t t = 0; t < texts; ++t) {
    want[t] = text_width(c_.text_columns[t], font, true) + 12;
    for (const auto& row : c_.row_texts)
      if (t < row.size()) want[t] = std::max(want[t], text_width(row[t], font) + 12);
  }
  std::vector<size_t> by_want(texts);
  for (size_t t = 0; t < texts; ++t) by_want[t] = t;
  std::sort(by_want.begin(), by_want.end(), [&](size_t a, size_t b) { return want[a] < want[b]; });
  double left = room - used;
  for (size_t k = 0; k < texts; ++k) {
    const size_t t = by_want[k];
    text_w[t] = std::min(want[t], left / static_cast<double>(texts - k));
    left -= text_w[t];
  }
  double x = kPad + label_w;
  std::vector<double> col_x;
  for (double w : num_w) col_x.push_back(x), x += w;
  std::vector<double> text_x;
  for (double w : text_w) text_x.push_back(x), x += w;
  for (size_t j = 0; j < cols; ++j)
    ops_.push_back(
        text(col_x[j] + num_w[j] / 2, top + row_h / 2, c_.columns[j], font, p_.muted, 0, 0, true, num_w[j] - 4));
  for (size_t t = 0; t < texts; ++t)
    ops_.push_back(
        text(text_x[t] + 6, top + row_h / 2, c_.text_columns[t], font, p_.muted, -1, 0, true, text_w[t] - 8));
  // A heat map (one_scale): one range and colour for every cell.
  double all_lo = 0, all_hi = 0;
  std::vector<double> all;
  for (const auto& [name, values] : c_.rows)
    for (double v : values)
      if (std::isfinite(v)) all.push_back(v);
  // From 0 (or below): a heat map's pale end means none, not "the least".
  if (!all.empty())
    all_lo = std::min(0.0, *std::min_element(all.begin(), all.end())),
    all_hi = *std::max_element(all.begin(), all.end());
  for (size_t j = 0; j < cols; ++j) {
    double lo = 0, hi = 0;
    bool first = true;
    std::vector<double> column;
    for (const auto& [name, values] : c_.rows)
      if (j < values.size() && std::isfinite(values[j])) {
        lo = first ? values[j] : std::min(lo, values[j]);
        hi = first ? values[j] : std::max(hi, values[j]);
        first = false;
        column.push_back(values[j]);
      }
    const int decimals = decimals_for(c_.one_scale ? all : column, false);
    if (c_.one_scale) lo = all_lo, hi = all_hi;
    if (!c_.one_scale && j < c_.column_ranges.size()) std::tie(lo, hi) = c_.column_ranges[j];
    const Color accent = p_.series[c_.one_scale ? 0 : j % 8];
    for (size_t i = 0; i < c_.rows.size(); ++i) {
      if (is_heading(i)) continue;
      const auto& values = c_.rows[i].second;
      const double v = j < values.size() ? values[j] : NAN;
      const double y = top + static_cast<double>(i + 1) * row_h;
      if (!std::isfinite(v)) {
        ops_.push_back(text(col_x[j] + num_w[j] / 2, y + row_h / 2, "–", font, p_.muted, 0, 0));
        continue;
      }
      // A column (or heat map) of one value says nothing by colour: no tint, not a mid-scale one.
      if (hi > lo) {
        const double t = (v - lo) / (hi - lo);
        ops_.push_back(rect(col_x[j] + 1, y + 1, num_w[j] - 2, row_h - 2,
                            p_.card.mix(accent, c_.one_scale ? 0.04 + 0.8 * t : 0.12 + 0.5 * t)));
      }
      ops_.push_back(text(col_x[j] + num_w[j] / 2, y + row_h / 2, format_number(v, decimals), font, p_.text, 0, 0));
    }
  }
  for (size_t i = 0; i < c_.rows.size(); ++i) {
    const double y = top + static_cast<double>(i + 1) * row_h;
    if (is_heading(i)) {
      ops_.push_back(line(kPad, y + row_h - 2, width_ - kPad, y + row_h - 2, p_.axis, 1));
      ops_.push_back(text(kPad, y + row_h / 2, c_.rows[i].first, font + 1, p_.text, -1, 0, true, width_ - 2 * kPad));
      continue;
    }
    ops_.push_back(text(kPad, y + row_h / 2, c_.rows[i].first, font, p_.text, -1, 0, true, label_w - 8));
    if (i < c_.row_texts.size())
      for (size_t t = 0; t < texts && t < c_.row_texts[i].size(); ++t)
        ops_.push_back(
            text(text_x[t] + 6, y + row_h / 2, c_.row_texts[i][t], font, p_.text, -1, 0, false, text_w[t] - 8));
  }
}

// A card: the emblem, then the award, who, the figure (or rule) and the period, centred as a
// block. Names given one a line ("A\nB\nC", award_names) read "A, B & C" when they fit one line,
// else stand in two columns, one name a line, never broken inside a name.
void Builder::award() {
  const double w = width_, h = height_;
  const Color accent = p_.series[1];
  ops_.push_back(rect(kPad, kPad, w - 2 * kPad, h - 2 * kPad, p_.card, accent, 3));
  const double ex = kPad + 30 + 60, ey = h / 2;
  emblem(ex, ey, 58, accent);
  const double tx = ex + 90, room = w - tx - kPad - 20;
  const auto names = award_names(c_.person);
  const std::string inline_names = join_award_names(names);
  const bool listed = names.size() > 1 && text_width(inline_names, 30, true) > room;
  const bool long_inline = !listed && text_width(inline_names, 30, true) > room;
  const double person_size = listed ? 18 : long_inline ? 19 : 30;
  const int person_lines = long_inline ? 7 : 1;
  const double gap = 16, column_w = (room - gap) / 2;
  const size_t rows = (names.size() + 1) / 2;
  // A line as tall as its tallest name: a fallback font (Hangul, emoji) stands taller than Latin.
  double row_h = measure_text("Ag", person_size, true).height;
  if (listed)
    for (const auto& n : names) row_h = std::max(row_h, measure_text(n, person_size, true).height);
  row_h += 4;
  struct Block {
    std::string str;
    double size;
    bool bold;
    Color color;
    int lines;
  };
  const std::vector<Block> blocks = {{c_.award, 24, true, p_.text, 1},
                                     {listed ? std::string() : inline_names, person_size, true, accent, person_lines},
                                     {c_.figure, 16, false, p_.text, 2},
                                     {c_.period, 13, false, p_.muted, 1}};
  double total = 0;
  std::vector<double> heights;
  for (const auto& b : blocks) {
    heights.push_back(b.str.empty() ? 0 : measure_text(b.str, b.size, b.bold, room, b.lines).height);
    if (&b == &blocks[1] && listed) heights.back() = row_h * static_cast<double>(rows);
    total += heights.back() + 10;
  }
  double y = std::max(kPad + 14, (h - total) / 2);
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i == 1 && listed) {  // down the first column, then the second
      for (size_t k = 0; k < names.size(); ++k)
        ops_.push_back(text(tx + (k < rows ? 0 : column_w + gap), y + row_h * static_cast<double>(k % rows), names[k],
                            person_size, accent, -1, -1, true, column_w));
      y += heights[i] + 10;
      continue;
    }
    if (blocks[i].str.empty()) continue;
    Op o = text(tx, y, blocks[i].str, blocks[i].size, blocks[i].color, -1, -1, blocks[i].bold, room);
    o.lines = blocks[i].lines;
    ops_.push_back(o);
    y += heights[i] + 10;
  }
}

void Builder::emblem(double cx, double cy, double r, const Color& c) {
  Op shape;
  shape.type = Op::polygon;
  shape.fill = c;
  if (c_.emblem == "star") {
    for (int k = 0; k < 10; ++k) {
      const double a = -M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.45 : r;
      shape.points.emplace_back(cx + rr * std::cos(a), cy + rr * std::sin(a));
    }
  } else if (c_.emblem == "flame") {
    shape.points = {{cx, cy - r},
                    {cx + r * 0.55, cy - r * 0.1},
                    {cx + r * 0.6, cy + r * 0.45},
                    {cx, cy + r * 0.85},
                    {cx - r * 0.6, cy + r * 0.45},
                    {cx - r * 0.45, cy - r * 0.05},
                    {cx - r * 0.15, cy + r * 0.15}};
  } else if (c_.emblem == "medal") {
    shape.points = {
        {cx - r * 0.45, cy - r}, {cx - r * 0.1, cy - r}, {cx + r * 0.2, cy - r * 0.2}, {cx - r * 0.15, cy - r * 0.2}};
    ops_.push_back(shape);
    shape.points = {
        {cx + r * 0.45, cy - r}, {cx + r * 0.1, cy - r}, {cx - r * 0.2, cy - r * 0.2}, {cx + r * 0.15, cy - r * 0.2}};
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
    shape.points = {{cx - r * 0.6, cy - r * 0.8},   {cx + r * 0.6, cy - r * 0.8},   {cx + r * 0.45, cy - r * 0.1},
                    {cx + r * 0.12, cy + r * 0.15}, {cx + r * 0.12, cy + r * 0.5},  {cx + r * 0.4, cy + r * 0.62},
                    {cx + r * 0.4, cy + r * 0.8},   {cx - r * 0.4, cy + r * 0.8},   {cx - r * 0.4, cy + r * 0.62},
                    {cx - r * 0.12, cy + r * 0.5},  {cx - r * 0.12, cy + r * 0.15}, {cx - r * 0.45, cy - r * 0.1}};
  }
  ops_.push_back(shape);
}

}  // namespace paxstats::render::detail
