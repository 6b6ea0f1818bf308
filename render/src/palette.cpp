#include <cmath>
#include <cstdio>

#include "detail/draw.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace detail {

Color Color::hex(const std::string& s, double alpha) {
  unsigned v = 0;
  std::sscanf(s.c_str() + (!s.empty() && s[0] == '#' ? 1 : 0), "%x", &v);
  return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0, alpha};
}

std::string Color::hex() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(r * 255)),
                static_cast<int>(std::lround(g * 255)), static_cast<int>(std::lround(b * 255)));
  return buf;
}

Color Color::mix(const Color& o, double t) const {
  return {r + (o.r - r) * t, g + (o.g - g) * t, b + (o.b - b) * t, a + (o.a - a) * t};
}

double luminance(const Color& c) {
  auto lin = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

double contrast(const Color& a, const Color& b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

const Palette& palette(Theme theme) {
  // Series colours. First Okabe–Ito's colour-blind-safe eight, with the three light ones (orange,
  // yellow, sky blue) replaced or darkened until they meet WCAG's 3:1 for marks on white; then
  // eight of Paul Tol's, adjusted the same way, for charts allowed more than 8 series. The dark
  // theme keeps Okabe–Ito's light colours (they are the ones that stand out on dark grey).
  // tests/render checks contrast and that the first eight are far apart (CIE ΔE ≥ 20).
  static const std::vector<std::string> light_series = {
      "#0072B2", "#D55E00", "#009E73", "#C28600", "#CC79A7", "#6A3D9A", "#9E940D", "#000000",
      "#332288", "#882255", "#117733", "#2E8B7E", "#7A7A2A", "#AA4499", "#B34D5C", "#4477AA"};
  static const std::vector<std::string> dark_series = {"#56B4E9", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#F0E442",
                                                       "#E8E8E8", "#A58FE0", "#88CCEE", "#44AA99", "#DDCC77", "#CC6677",
                                                       "#C465B5", "#999933", "#6699CC", "#EE8866"};
  auto make = [&](const std::vector<std::string>& series, const char* bg, const char* text, const char* muted,
                  const char* grid, const char* axis, const char* card, const char* other) {
    Palette p{Color::hex(bg),   Color::hex(text), Color::hex(muted), Color::hex(grid),
              Color::hex(axis), Color::hex(card), Color::hex(other), {}};
    for (const auto& c : series) p.series.push_back(Color::hex(c));
    return p;
  };
  static const Palette light =
      make(light_series, "#ffffff", "#1f2328", "#5f6368", "#e8eaed", "#9aa0a6", "#f6f8fa", "#868c94");
  static const Palette dark =
      make(dark_series, "#1e1f22", "#e8eaed", "#a8adb4", "#34363b", "#6b7078", "#2a2c30", "#7d838c");
  return theme == Theme::dark ? dark : light;
}

}  // namespace detail

std::vector<std::string> series_palette(Theme theme) {
  std::vector<std::string> out;
  for (const auto& c : detail::palette(theme).series) out.push_back(c.hex());
  return out;
}

std::string background_color(Theme theme) { return detail::palette(theme).background.hex(); }

}  // namespace paxstats::render
