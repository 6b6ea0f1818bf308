#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace paxstats::render {

// A chart as plain values: what to show, never how to draw it. Knows nothing of Cairo, Slack or
// SQL. The JSON form (chart_from_json / to_json) is documented in render/README.md.
enum class Kind {
  stacked_bar,     // categories on x, series stacked (a PAX's posts by month × AO), optional total
  grouped_bar,     // categories on x, series side by side (posts vs unique AOs per person)
  horizontal_bar,  // categories (names) down the side, one bar each (Q counts, top-20 leaderboards)
  line,            // categories on x, one line per series with markers; `area` fills under them
  table,           // rows × columns of numbers, each column shaded on its own colour scale
  award,           // a card: award, person, figure, period, emblem
};

enum class Theme { light, dark };

struct Series {
  std::string key;    // stable identity (an AO's channel id): picks the colour
  std::string label;  // what the legend says
  std::vector<double> values;  // one per category
};

struct Chart {
  Kind kind = Kind::stacked_bar;
  std::string title, subtitle, x_title, y_title;
  std::vector<std::string> categories;
  std::vector<Series> series;
  bool integer_axis = true;   // counts: ticks on whole numbers only
  bool show_total = true;     // stacked bars: the total above each bar, and "Total: N" in the corner
  bool area = false;          // line charts: fill under the lines
  std::string empty_message = "No posts this month";
  // Table: column headers and rows (a label, then one number per column).
  std::vector<std::string> columns;
  std::vector<std::pair<std::string, std::vector<double>>> rows;
  // Award card.
  std::string award, person, figure, period, emblem = "trophy";  // emblem: trophy, star, flame, medal
  // The region's AOs in a fixed order (e.g. by channel id): a series' colour is its key's place
  // here, so an AO keeps its colour in every chart of a region. Keys not listed: by hash.
  std::vector<std::string> color_keys;
  Theme theme = Theme::light;
  double scale = 1.0;  // 2.0 for HiDPI: same layout, twice the pixels
  int width = 640, height = 480;  // in points (pixels at scale 1)
};

// Throws paxstats::UserError naming the field ("series[2].values: expected numbers") on bad input.
Chart chart_from_json(const nlohmann::json& spec);
nlohmann::json to_json(const Chart& chart);

// True when there is nothing to draw (no categories or all values zero; no rows; no person).
bool is_empty(const Chart& chart);

}  // namespace paxstats::render
