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
  // Series colours: sixteen, every two at least ΔE 20 apart (CIE 1976) and 15 by CIEDE2000, and
  // as far from the "Other" grey, each at WCAG's 3:1 against the background (a run gives an AO
  // any of them, so none may be a near twin of another). The first six are Okabe–Ito's
  // colour-blind-safe ones (orange, yellow and sky blue darkened on white); the rest were picked
  // farthest-first (CIEDE2000) from the sRGB cube, chroma 25–80. tests/render checks all of it.
  static const std::vector<std::string> light_series = {
      "#0072B2", "#D55E00", "#009E73", "#C28600", "#CC79A7", "#6A3D9A", "#4B4B0F", "#870F1E",
      "#006969", "#789600", "#F02D4B", "#9678FF", "#C30078", "#783C00", "#00692D", "#000000"};
  static const std::vector<std::string> dark_series = {"#56B4E9", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#F0E442",
                                                       "#4B5AE1", "#B4FFF0", "#78691E", "#FFC3B4", "#D20F3C", "#007887",
                                                       "#D2C3FF", "#87FF78", "#78A500", "#B42DA5"};
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
