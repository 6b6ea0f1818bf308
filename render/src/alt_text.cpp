#include <algorithm>
#include <cstdio>

#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v - std::round(v)) < 1e-9 ? "%.0f" : "%.1f", v);
  return buf;
}

// Cuts at a word boundary to fit `limit` bytes, ending with "…".
std::string fit(std::string s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t cut = s.rfind(' ', limit - 4);
  if (cut == std::string::npos) cut = limit - 4;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return s.substr(0, cut) + " …";
}

}  // namespace

std::string alt_text(const Chart& c) {
  std::string kind;
  switch (c.kind) {
    case Kind::stacked_bar: kind = "Stacked bar chart"; break;
    case Kind::grouped_bar: kind = "Grouped bar chart"; break;
    case Kind::horizontal_bar: kind = "Bar chart"; break;
    case Kind::line: kind = "Line chart"; break;
    case Kind::table: kind = "Table"; break;
    case Kind::award: kind = "Award card"; break;
  }
  std::string s = kind + (c.title.empty() ? "" : ": " + c.title) + ".";
  if (!c.subtitle.empty()) s += " " + c.subtitle + ".";
  if (is_empty(c)) return fit(s + " " + c.empty_message + ".", 1000);
  if (c.kind == Kind::award) return fit(s + " " + c.award + ": " + c.person + ", " + c.figure + ", " + c.period + ".", 1000);
  if (c.kind == Kind::table) {
    s += " " + std::to_string(c.rows.size()) + " rows by " + std::to_string(c.columns.size()) + " columns";
    for (const auto& [label, values] : c.rows) {
      s += "; " + label + ":";
      for (size_t j = 0; j < values.size() && j < c.columns.size(); ++j) s += " " + c.columns[j] + " " + num(values[j]);
    }
    return fit(s + ".", 1000);
  }
  // Totals per category, biggest first, then the series named.
  std::vector<std::pair<double, std::string>> totals;
  double all = 0;
  for (size_t i = 0; i < c.categories.size(); ++i) {
    double t = 0;
    for (const auto& ser : c.series) t += i < ser.values.size() ? ser.values[i] : 0;
    totals.emplace_back(t, c.categories[i]);
    all += t;
  }
  if (c.kind == Kind::stacked_bar || c.kind == Kind::horizontal_bar) s += " Total " + num(all) + ".";
  if (c.kind == Kind::horizontal_bar) {
    s += " In order:";
    for (size_t i = 0; i < totals.size(); ++i) s += (i ? ", " : " ") + totals[i].second + " " + num(totals[i].first);
  } else {
    s += " " + std::string(c.kind == Kind::line ? "Points" : "Bars") + " for";
    for (size_t i = 0; i < totals.size(); ++i) s += (i ? ", " : " ") + totals[i].second + " " + num(totals[i].first);
  }
  s += ".";
  if (c.series.size() > 1) {
    s += " Series:";
    for (size_t k = 0; k < c.series.size(); ++k) s += (k ? ", " : " ") + c.series[k].label;
    s += ".";
  }
  return fit(s, 1000);
}

}  // namespace paxstats::render
