// A chart made ready to draw (see detail::Prepared): the rules that decide *what* is drawn,
// before layout decides where.
#include <algorithm>
#include <cmath>
#include <set>

#include "detail/draw.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/hash.hpp"

namespace paxstats::render {
namespace detail {
namespace {

double total(const Series& s) {
  double t = 0;
  for (double v : s.values)
    if (std::isfinite(v)) t += v;
  return t;
}

// The colour index a key would like: its place in key_colors, else a stable hash (FNV-1a).
size_t preferred(const Chart& c, const std::string& key, size_t colors) {
  if (auto it = c.key_colors.find(key); it != c.key_colors.end()) return static_cast<size_t>(it->second) % colors;
  return static_cast<size_t>(fnv1a(key) % colors);
}

// Gives every series without a fixed colour one of its own: the key's preferred colour, or the
// next one free in this chart. Series with one key (a key in several panels) share it.
void assign_colors(Chart& c, std::vector<Series*> all) {
  const Palette& p = palette(c.theme);
  const size_t colors = p.series.size();  // all 16 far apart: a key's colour never depends on max_series
  std::set<std::string> used;
  std::map<std::string, std::string> of_key;
  for (auto* s : all)
    if (!s->color.empty()) used.insert(s->color);
  for (auto* s : all) {
    if (!s->color.empty()) continue;
    if (s->key == kOtherKey) {
      s->color = p.other.hex();
      continue;
    }
    if (auto it = of_key.find(s->key); it != of_key.end()) {
      s->color = it->second;
      continue;
    }
    const size_t first = preferred(c, s->key, colors);
    std::string chosen = p.series[first].hex();
    for (size_t k = 0; k < colors; ++k) {
      const std::string candidate = p.series[(first + k) % colors].hex();
      if (!used.count(candidate)) {
        chosen = candidate;
        break;
      }
    }
    used.insert(chosen);
    of_key[s->key] = chosen;
    s->color = chosen;
  }
}

}  // namespace

Prepared prepare(const Chart& in) {
  Prepared out{in, false, 0};
  Chart& c = out.chart;
  c.max_series = std::clamp(c.max_series, 2, 16);
  const bool stacks = c.kind == Kind::stacked_bar || c.kind == Kind::horizontal_bar;
  if (stacks && c.series.size() > 1) {
    // Biggest first: the bottom of each stack is the series with the most (a PAX's home AO).
    // A caller's own "Other" stays on top.
    std::stable_sort(c.series.begin(), c.series.end(), [](const Series& a, const Series& b) {
      const bool ao = a.key == kOtherKey, bo = b.key == kOtherKey;
      return ao != bo ? bo : total(a) > total(b);
    });
    if (c.series.size() > static_cast<size_t>(c.max_series)) {
      const size_t keep = static_cast<size_t>(c.max_series) - 1;
      Series other{kOtherKey, "", std::vector<double>(c.categories.size(), 0.0)};
      for (size_t k = keep; k < c.series.size(); ++k)
        for (size_t i = 0; i < other.values.size() && i < c.series[k].values.size(); ++i)
          if (std::isfinite(c.series[k].values[i])) other.values[i] += c.series[k].values[i];
      out.folded = c.series.size() - keep;
      other.label = "Other (" + std::to_string(out.folded) + ")";
      c.series.resize(keep);
      c.series.push_back(std::move(other));
    }
  }
  if (c.kind == Kind::line && c.panels.empty() && c.series.size() > static_cast<size_t>(c.max_series)) {
    // Too many lines to tell apart: one small panel per series, biggest first, on one scale.
    std::stable_sort(c.series.begin(), c.series.end(),
                     [](const Series& a, const Series& b) { return total(a) > total(b); });
    for (auto& s : c.series) c.panels.push_back({s.label, {s}});
    c.series.clear();
    out.small_multiples = true;
  }
  std::vector<Series*> all;
  for (auto& s : c.series) all.push_back(&s);
  for (auto& p : c.panels)
    for (auto& s : p.series) all.push_back(&s);
  if (out.small_multiples)  // one colour for all: the panels tell the series apart
    for (auto* s : all) s->color = palette(c.theme).series[0].hex();
  assign_colors(c, all);
  return out;
}

}  // namespace detail

std::string series_color(const Chart& chart, const std::string& key) {
  const auto prepared = detail::prepare(chart);
  for (const auto& s : prepared.chart.series)
    if (s.key == key) return s.color;
  for (const auto& p : prepared.chart.panels)
    for (const auto& s : p.series)
      if (s.key == key) return s.color;
  return "";
}

}  // namespace paxstats::render
