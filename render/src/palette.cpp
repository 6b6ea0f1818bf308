#include <cmath>
#include <cstdio>

#include "detail/draw.hpp"

namespace paxstats::render::detail {

Color Color::hex(const std::string& s, double alpha) {
  unsigned v = 0;
  std::sscanf(s.c_str() + (s[0] == '#' ? 1 : 0), "%x", &v);
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

const Palette& palette(Theme theme) {
  // Series colours: Okabe–Ito's colour-blind-safe eight, then Paul Tol's "muted" set, so a region
  // with up to 16 AOs gets 16 distinguishable colours.
  static const std::vector<std::string> series = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7",
                                                  "#F0E442", "#332288", "#882255", "#44AA99", "#999933", "#AA4499",
                                                  "#117733", "#CC6677", "#88CCEE", "#DDCC77"};
  auto make = [&](const char* bg, const char* text, const char* muted, const char* grid, const char* axis, const char* card) {
    Palette p{Color::hex(bg), Color::hex(text), Color::hex(muted), Color::hex(grid), Color::hex(axis), Color::hex(card), {}};
    for (const auto& c : series) p.series.push_back(Color::hex(c));
    return p;
  };
  static const Palette light = make("#ffffff", "#1f2328", "#5f6368", "#e8eaed", "#9aa0a6", "#f6f8fa");
  static const Palette dark = make("#1e1f22", "#e8eaed", "#a8adb4", "#34363b", "#6b7078", "#2a2c30");
  return theme == Theme::dark ? dark : light;
}

}  // namespace paxstats::render::detail
