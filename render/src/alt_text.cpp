// Alt text: what a chart shows, said the way a screen reader user can follow — the same chart as
// drawn (folded "Other", cut lists, panels), series by series, never adding up series that
// measure different things (a stacked chart's parts do add up; grouped bars and lines do not).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "detail/draw.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace {

int decimals(const std::vector<double>& values) {
  int d = 0;
  for (double v : values)
    if (std::isfinite(v))
      while (d < 2 && std::fabs(v * std::pow(10, d) - std::round(v * std::pow(10, d))) > 1e-6) ++d;
  return d;
}

std::string num(double v, int d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", d, v);
  return buf;
}

std::string plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Cuts at a word boundary to fit `limit` bytes, ending with "…".
std::string fit(std::string s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t cut = s.rfind(' ', limit - 4);
  if (cut == std::string::npos) cut = limit - 4;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return s.substr(0, cut) + " …";
}

// "Nov 8, Dec 8, Mar no data": one series over the categories; zeros left out when asked (the
// parts of a stack), gaps said as "no data".
std::string values_of(const Series& s, const std::vector<std::string>& categories, bool skip_zero) {
  const int d = decimals(s.values);
  std::string out;
  for (size_t i = 0; i < categories.size() && i < s.values.size(); ++i) {
    const double v = s.values[i];
    if (skip_zero && std::isfinite(v) && v == 0) continue;
    out += (out.empty() ? "" : ", ") + categories[i] + " " + (std::isfinite(v) ? num(v, d) : "no data");
  }
  return out.empty() ? "none" : out;
}

double total(const Series& s) {
  double t = 0;
  for (double v : s.values)
    if (std::isfinite(v)) t += v;
  return t;
}

}  // namespace

std::string alt_text(const Chart& chart) {
  const auto prepared = detail::prepare(chart);
  const Chart& c = prepared.chart;
  std::string kind;
  switch (c.kind) {
    case Kind::stacked_bar: kind = "Stacked bar chart"; break;
    case Kind::grouped_bar: kind = "Grouped bar chart"; break;
    case Kind::horizontal_bar: kind = "Bar chart"; break;
    case Kind::line:
      kind = prepared.small_multiples ? "Small multiples, " + plural(c.panels.size(), "panel", "panels")
             : c.panels.empty()       ? "Line chart"
                                      : "Line chart in " + plural(c.panels.size(), "panel", "panels");
      break;
    case Kind::table: kind = "Table"; break;
    case Kind::award: kind = "Award card"; break;
  }
  std::string s = kind + (c.title.empty() ? "" : ": " + c.title) + ".";
  std::string subtitle = c.subtitle;
  if (c.cut_of > static_cast<int>(c.categories.size()) && !c.categories.empty())
    subtitle += (subtitle.empty() ? "Top " : ", top ") + std::to_string(c.categories.size()) + " of " +
                std::to_string(c.cut_of) + (c.cut_noun.empty() ? "" : " " + c.cut_noun);
  if (!subtitle.empty()) s += " " + subtitle + ".";
  if (is_empty(c)) return fit(s + " " + c.empty_message + ".", 1000);
  if (c.kind == Kind::award) {
    // The title is said once (a card's title is usually its award), and every winner named.
    for (const auto& part :
         {c.award == c.title ? std::string() : c.award, join_award_names(award_names(c.person)), c.figure, c.period})
      if (!part.empty()) s += " " + part + ".";
    return fit(s, 1000);
  }
  if (c.kind == Kind::table) {
    size_t data_rows = 0;
    for (const auto& r : c.rows) data_rows += !r.second.empty();
    s += " " + plural(data_rows, "row", "rows") + " by " +
         plural(c.columns.size() + c.text_columns.size(), "column", "columns");
    for (size_t i = 0; i < c.rows.size(); ++i) {
      const auto& [label, values] = c.rows[i];
      if (values.empty()) {  // a section heading
        s += ". " + label;
        continue;
      }
      s += "; " + label + ":";
      for (size_t j = 0; j < values.size() && j < c.columns.size(); ++j)
        s += (j ? ", " : " ") + c.columns[j] + " " +
             (std::isfinite(values[j]) ? num(values[j], decimals({values[j]})) : "none");
      if (i < c.row_texts.size())
        for (size_t t = 0; t < c.row_texts[i].size() && t < c.text_columns.size(); ++t)
          if (!c.row_texts[i][t].empty()) s += ", " + c.text_columns[t] + " " + c.row_texts[i][t];
    }
    return fit(s + ".", 1000);
  }
  if (prepared.small_multiples) {
    s += " One panel each, largest total first, on one scale:";
    for (size_t k = 0; k < c.panels.size(); ++k) {
      const auto& ser = c.panels[k].series.front();
      s += (k ? "; " : " ") + c.panels[k].title + " " + num(total(ser), decimals(ser.values)) + " in all";
      for (size_t i = ser.values.size(); i-- > 0;)
        if (std::isfinite(ser.values[i])) {
          s += ", " + num(ser.values[i], decimals({ser.values[i]})) + " in " + c.categories[i];
          break;
        }
    }
    return fit(s + ".", 1000);
  }
  if (!c.panels.empty()) {
    for (const auto& p : c.panels) {
      s += " " + p.title + ":";
      for (size_t k = 0; k < p.series.size(); ++k)
        s += (k ? "; " : " ") + p.series[k].label + (p.series[k].dashed ? " (dashed)" : "") + ": " +
             values_of(p.series[k], c.categories, false);
      s += ".";
    }
    return fit(s, 1000);
  }
  if (c.kind == Kind::horizontal_bar) {
    // Rows in order, each with its total; a stack's parts in brackets.
    s += " In order:";
    for (size_t i = 0; i < c.categories.size(); ++i) {
      double t = 0;
      std::vector<double> parts;
      std::string detail;
      for (const auto& ser : c.series) {
        const double v = i < ser.values.size() && std::isfinite(ser.values[i]) ? ser.values[i] : 0;
        t += v;
        parts.push_back(v);
        if (c.series.size() > 1 && v != 0)
          detail += (detail.empty() ? "" : ", ") + ser.label + " " + num(v, decimals({v}));
      }
      s += (i ? ", " : " ") + c.categories[i] + " " + num(t, decimals(parts)) +
           (detail.empty() ? "" : " (" + detail + ")");
    }
    return fit(s + ".", 1000);
  }
  if (c.kind == Kind::stacked_bar) {
    // The parts of one measure: the totals add up, then each part.
    std::vector<double> totals(c.categories.size(), 0.0);
    double all = 0;
    for (const auto& ser : c.series)
      for (size_t i = 0; i < totals.size() && i < ser.values.size(); ++i)
        if (std::isfinite(ser.values[i])) totals[i] += ser.values[i], all += ser.values[i];
    const Series sums{"", "", totals};
    s += " Total " + num(all, decimals(totals)) + ": " + values_of(sums, c.categories, false) + ".";
    if (c.series.size() == 1) return fit(s + " All " + c.series.front().label + ".", 1000);
    // Each part's total; month by month too when there are few parts (the text has 1,000 characters).
    s += " By series:";
    for (size_t k = 0; k < c.series.size(); ++k)
      s += (k ? "; " : " ") + c.series[k].label + " " + num(total(c.series[k]), decimals(c.series[k].values)) +
           (c.series.size() <= 3 ? " (" + values_of(c.series[k], c.categories, true) + ")" : "");
    return fit(s + ".", 1000);
  }
  // Grouped bars and lines: each series on its own, never summed.
  for (size_t k = 0; k < c.series.size(); ++k)
    s += (k ? "; " : " ") + c.series[k].label + (c.series[k].dashed ? " (dashed)" : "") + ": " +
         values_of(c.series[k], c.categories, false);
  return fit(s + ".", 1000);
}

}  // namespace paxstats::render
