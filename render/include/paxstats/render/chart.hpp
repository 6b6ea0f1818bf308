#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <algorithm>
#include <map>
#include <vector>

namespace paxstats::render {

// The key of an "Other" series (the renderer's fold, or a caller's own): grey, and on top of a
// stack whatever its size.
inline constexpr const char* kOtherKey =
    "\x1f"
    "other";

// A chart as plain values: what to show, never how to draw it. Knows nothing of Cairo, Slack or
// SQL. The JSON form (chart_from_json / to_json) is documented in render/README.md.
enum class Kind {
  stacked_bar,     // categories on x, series stacked (a PAX's posts by month × AO), optional total
  grouped_bar,     // categories on x, series side by side (posts vs unique AOs per person)
  horizontal_bar,  // categories (names) down the side, one bar each, stacked by series (Q counts, leaderboards)
  line,            // categories on x, one line per series with markers; `area` fills under them
  table,           // rows × columns of numbers, each column shaded on its own colour scale
  award,           // a card: award, person, figure, period, emblem
};

enum class Theme { light, dark };

// A value that is not a number (NaN; null in JSON) is "no data": a gap in a line, no bar, and
// "no data" in the alt text. It is never drawn as 0.
struct Series {
  Series() = default;
  Series(std::string k, std::string l, std::vector<double> v, bool d = false, std::string c = {})
      : key(std::move(k)), label(std::move(l)), values(std::move(v)), dashed(d), color(std::move(c)) {}
  std::string key;             // stable identity (an AO's channel id): picks the colour
  std::string label;           // what the legend says
  std::vector<double> values;  // one per category
  bool dashed = false;         // lines: dashed (last year against this year)
  std::string color;           // "#rrggbb" to fix the colour; empty: chosen by key (see key_colors)
};

// One panel of a chart drawn as panels (small multiples): its own title and series over the
// chart's categories.
struct Panel {
  Panel() = default;
  Panel(std::string t, std::vector<Series> s) : title(std::move(t)), series(std::move(s)) {}
  std::string title;
  std::vector<Series> series;
};

struct Chart {
  Kind kind = Kind::stacked_bar;
  std::string title, subtitle, x_title, y_title;
  std::vector<std::string> categories;
  std::vector<Series> series;
  // Line charts only: panels drawn one under the other, each with its own value axis (the year
  // at a glance). A line chart with more series than max_series becomes panels by itself.
  std::vector<Panel> panels;
  bool integer_axis = true;  // counts: ticks on whole numbers only
  bool show_total = true;    // stacked bars: the total above each bar, and "Total: N" in the corner
  bool area = false;         // line charts: fill under the lines
  std::string empty_message = "No posts this month";
  // Past this many series, stacked and horizontal bars fold the smallest into one "Other"
  // series, and line charts become small multiples (render/README.md). 2–16.
  int max_series = 8;
  // A cut list: the categories are the top ones of this many (0: not cut). Subtitle and alt text
  // say "top 30 of 112 <cut_noun>".
  int cut_of = 0;
  std::string cut_noun = "PAX";
  // Table: column headers and rows (a label, then one number per column; a row without numbers
  // is a section heading). Text columns follow the numbers: row_texts[i] holds row i's.
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, std::vector<double>>> rows;
  std::vector<std::string> text_columns;
  std::vector<std::vector<std::string>> row_texts;
  bool one_scale = false;  // table: every number shaded on one scale and colour (a heat map)
  // Table: each number column's shading range (lowest, highest), when several pages of one table
  // must share it (page 3's least is not page 1's); empty: each column's own rows.
  std::vector<std::pair<double, double>> column_ranges;
  // Award card. `person` names the winners one a line ("A\nB\nC"): the card shows "A, B & C" when
  // it fits one line, else two columns of names (a name is never broken); alt text "A, B & C".
  std::string award, person, figure, period, emblem = "trophy";  // emblem: trophy, star, flame, medal
  // A series key's colour, as its place in the palette (0–15; render::series_palette): a region's
  // run gives each AO one for all its charts (reports/ picks them so that the AOs of one chart
  // differ). Two series of one chart never share a colour: the second takes the next one free.
  // Keys not listed: by hash.
  std::map<std::string, int> key_colors;
  Theme theme = Theme::light;
  double scale = 2.0;             // HiDPI by default: the same layout with twice the pixels (1 for 1×)
  int width = 640, height = 480;  // in points; tables end below their last row, panels grow
};

// Throws paxstats::UserError naming the field ("series[2].values: expected numbers") on bad input.
Chart chart_from_json(const nlohmann::json& spec);
nlohmann::json to_json(const Chart& chart);

// An award card's winners: `person` split at its line ends (empty lines dropped).
inline std::vector<std::string> award_names(const std::string& person) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= person.size()) {
    const size_t end = std::min(person.find('\n', at), person.size());
    if (end > at) out.push_back(person.substr(at, end - at));
    at = end + 1;
  }
  return out;
}
// Sets an award card's winners (one a line) and gives a card of many names room for all of them
// in two columns.
inline void set_award_names(Chart& c, const std::vector<std::string>& names) {
  c.person.clear();
  for (const auto& n : names) c.person += (c.person.empty() ? "" : "\n") + n;
  if (names.size() <= 3) return;
  c.width = std::max(c.width, 820);
  c.height = std::max(c.height, 210 + 27 * static_cast<int>((names.size() + 1) / 2));
}
// "A", "A & B", "A, B & C": every name, none left out.
inline std::string join_award_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " & " : ", ") + names[i];
  return out;
}

// True when there is nothing to draw (no categories or every value 0 or no data; no rows; no person).
bool is_empty(const Chart& chart);

}  // namespace paxstats::render
