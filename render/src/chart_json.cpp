#include <algorithm>
#include <cmath>
#include <map>

#include "paxstats/error.hpp"
#include "paxstats/render/chart.hpp"

namespace paxstats::render {
namespace {

using json = nlohmann::json;

const std::map<std::string, Kind> kKinds = {{"stacked_bar", Kind::stacked_bar},
                                            {"grouped_bar", Kind::grouped_bar},
                                            {"horizontal_bar", Kind::horizontal_bar},
                                            {"line", Kind::line},
                                            {"table", Kind::table},
                                            {"award", Kind::award}};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw UserError("chart spec: " + where + ": " + what + " (see render/README.md for the format)");
}

std::string text(const json& j, const char* key, const std::string& fallback = "") {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_string()) bad(key, "expected text");
  return j[key].get<std::string>();
}

std::vector<std::string> texts(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) bad(key, "expected a list of text");
  for (size_t i = 0; i < j[key].size(); ++i) {
    if (!j[key][i].is_string()) bad(std::string(key) + "[" + std::to_string(i) + "]", "expected text");
    out.push_back(j[key][i].get<std::string>());
  }
  return out;
}

// Counts and averages: finite, and within what a chart can draw.
constexpr double kMaxValue = 1e12;
constexpr double kMaxPixels = 4096;  // per side of the image

std::vector<double> numbers(const json& j, const std::string& where) {
  if (!j.is_array()) bad(where, "expected a list of numbers");
  std::vector<double> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (j[i].is_null()) {  // no data: a gap, never a zero
      out.push_back(NAN);
      continue;
    }
    if (!j[i].is_number()) bad(at, "expected a number or null (no data)");
    const double v = j[i].get<double>();
    if (!std::isfinite(v) || std::fabs(v) > kMaxValue)
      bad(at, j[i].dump() + " is out of range (values are at most 1e12 in size)");
    out.push_back(v);
  }
  return out;
}

std::string color_text(const json& s, const std::string& where) {
  const std::string c = text(s, "color");
  if (!c.empty() && (c.size() != 7 || c[0] != '#' || !std::all_of(c.begin() + 1, c.end(), [](char ch) {
                       return std::isxdigit(static_cast<unsigned char>(ch));
                     })))
    bad(where + ".color", "expected #rrggbb, not \"" + c + "\"");
  return c;
}

// A list of series, each with one value per category.
std::vector<Series> series_list(const json& j, const char* key, size_t categories, const std::string& prefix = "") {
  std::vector<Series> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) bad(prefix + key, "expected a list");
  for (size_t i = 0; i < j[key].size(); ++i) {
    const json& s = j[key][i];
    const std::string where = prefix + key + "[" + std::to_string(i) + "]";
    if (!s.is_object()) bad(where, "expected an object with key, label and values");
    Series series;
    series.label = text(s, "label");
    series.key = text(s, "key", series.label);
    series.values = numbers(s.value("values", json::array()), where + ".values");
    if (series.values.size() != categories)
      bad(where + ".values",
          "has " + std::to_string(series.values.size()) + " values for " + std::to_string(categories) + " categories");
    series.dashed = s.contains("dashed") && s["dashed"].is_boolean() && s["dashed"].get<bool>();
    series.color = color_text(s, where);
    out.push_back(std::move(series));
  }
  return out;
}

bool flag(const json& j, const char* key, bool fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_boolean()) bad(key, "expected true or false, not " + j[key].dump());
  return j[key].get<bool>();
}

double number(const json& j, const char* key, double fallback) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (!j[key].is_number()) bad(key, "expected a number, not " + j[key].dump());
  const double v = j[key].get<double>();
  if (!std::isfinite(v)) bad(key, "expected a finite number");
  return v;
}

}  // namespace

Chart chart_from_json(const json& j) {
  if (!j.is_object()) bad("(top)", "expected an object");
  Chart c;
  const std::string kind = text(j, "kind");
  auto it = kKinds.find(kind);
  if (it == kKinds.end())
    bad("kind", "\"" + kind + "\" is not one of stacked_bar, grouped_bar, horizontal_bar, line, table, award");
  c.kind = it->second;
  c.title = text(j, "title");
  c.subtitle = text(j, "subtitle");
  c.x_title = text(j, "x_title");
  c.y_title = text(j, "y_title");
  c.categories = texts(j, "categories");
  c.series = series_list(j, "series", c.categories.size());
  if (j.contains("panels")) {
    if (!j["panels"].is_array()) bad("panels", "expected a list of {title, series}");
    if (c.kind != Kind::line) bad("panels", "only line charts are drawn in panels");
    for (size_t i = 0; i < j["panels"].size(); ++i) {
      const json& p = j["panels"][i];
      const std::string where = "panels[" + std::to_string(i) + "]";
      if (!p.is_object()) bad(where, "expected {title, series}");
      c.panels.emplace_back(text(p, "title"), series_list(p, "series", c.categories.size(), where + "."));
    }
  }
  c.max_series = static_cast<int>(number(j, "max_series", 8));
  if (c.max_series < 2 || c.max_series > 16) bad("max_series", "expected 2 to 16");
  c.cut_of = static_cast<int>(number(j, "cut_of", 0));
  if (c.cut_of < 0) bad("cut_of", "expected a count");
  c.cut_noun = text(j, "cut_noun", c.cut_noun);
  c.integer_axis = flag(j, "integer_axis", true);
  c.show_total = flag(j, "show_total", true);
  c.one_scale = flag(j, "one_scale", false);
  c.area = flag(j, "area", false);
  c.empty_message = text(j, "empty_message", c.empty_message);
  c.columns = texts(j, "columns");
  c.text_columns = texts(j, "text_columns");
  if (j.contains("rows")) {
    if (!j["rows"].is_array()) bad("rows", "expected a list of {label, values}");
    for (size_t i = 0; i < j["rows"].size(); ++i) {
      const json& r = j["rows"][i];
      const std::string where = "rows[" + std::to_string(i) + "]";
      if (!r.is_object()) bad(where, "expected {label, values}");
      auto values = numbers(r.value("values", json::array()), where + ".values");
      c.row_texts.push_back(r.contains("texts") ? texts(r, "texts") : std::vector<std::string>{});
      if (!values.empty() && values.size() != c.columns.size())
        bad(where + ".values",
            "has " + std::to_string(values.size()) + " values for " + std::to_string(c.columns.size()) + " columns");
      c.rows.emplace_back(text(r, "label"), std::move(values));
    }
  }
  if (j.contains("column_ranges")) {
    if (!j["column_ranges"].is_array()) bad("column_ranges", "expected a list of [lowest, highest]");
    for (size_t i = 0; i < j["column_ranges"].size(); ++i) {
      const auto pair = numbers(j["column_ranges"][i], "column_ranges[" + std::to_string(i) + "]");
      if (pair.size() != 2 || std::isnan(pair[0]) || std::isnan(pair[1]) || pair[0] > pair[1])
        bad("column_ranges[" + std::to_string(i) + "]", "expected [lowest, highest]");
      c.column_ranges.emplace_back(pair[0], pair[1]);
    }
  }
  c.award = text(j, "award");
  c.person = text(j, "person");
  c.figure = text(j, "figure");
  c.period = text(j, "period");
  c.emblem = text(j, "emblem", "trophy");
  if (j.contains("key_colors")) {
    if (!j["key_colors"].is_object()) bad("key_colors", "expected an object of key: palette place (0-15)");
    for (const auto& [key, place] : j["key_colors"].items()) {
      if (!place.is_number_integer() || place.get<int>() < 0 || place.get<int>() > 15)
        bad("key_colors." + key, "expected a palette place, 0 to 15");
      c.key_colors[key] = place.get<int>();
    }
  }
  const std::string theme = text(j, "theme", "light");
  if (theme != "light" && theme != "dark") bad("theme", "expected light or dark");
  c.theme = theme == "dark" ? Theme::dark : Theme::light;
  c.scale = number(j, "scale", 2.0);
  if (!(c.scale >= 0.5 && c.scale <= 4)) bad("scale", "expected 0.5 to 4 (2 for HiDPI)");
  const double width = number(j, "width", 640), height = number(j, "height", 480);
  if (width < 200 || width > 4000 || height < 150 || height > 4000)
    bad("width/height", "expected 200–4000 by 150–4000");
  c.width = static_cast<int>(width);
  c.height = static_cast<int>(height);
  // The image in pixels (points × scale) is capped, so one spec cannot ask for gigabytes.
  if (c.width * c.scale > kMaxPixels || c.height * c.scale > kMaxPixels)
    bad("width/height × scale", std::to_string(static_cast<long>(c.width * c.scale)) + " × " +
                                    std::to_string(static_cast<long>(c.height * c.scale)) + " pixels is more than " +
                                    std::to_string(static_cast<long>(kMaxPixels)) + " on a side");
  return c;
}

json to_json(const Chart& c) {
  json j;
  for (const auto& [name, kind] : kKinds)
    if (kind == c.kind) j["kind"] = name;
  j["title"] = c.title;
  j["subtitle"] = c.subtitle;
  j["x_title"] = c.x_title;
  j["y_title"] = c.y_title;
  j["categories"] = c.categories;
  auto series_json = [](const std::vector<Series>& list) {
    json out = json::array();
    for (const auto& s : list) {
      json one{{"key", s.key}, {"label", s.label}, {"values", json::array()}};
      for (double v : s.values) one["values"].push_back(std::isfinite(v) ? json(v) : json(nullptr));
      if (s.dashed) one["dashed"] = true;
      if (!s.color.empty()) one["color"] = s.color;
      out.push_back(std::move(one));
    }
    return out;
  };
  j["series"] = series_json(c.series);
  if (!c.panels.empty()) {
    j["panels"] = json::array();
    for (const auto& p : c.panels) j["panels"].push_back({{"title", p.title}, {"series", series_json(p.series)}});
  }
  j["max_series"] = c.max_series;
  if (c.cut_of > 0) j["cut_of"] = c.cut_of, j["cut_noun"] = c.cut_noun;
  j["integer_axis"] = c.integer_axis;
  j["show_total"] = c.show_total;
  if (c.one_scale) j["one_scale"] = true;
  j["area"] = c.area;
  j["empty_message"] = c.empty_message;
  j["columns"] = c.columns;
  j["rows"] = json::array();
  for (size_t i = 0; i < c.rows.size(); ++i) {
    json row{{"label", c.rows[i].first}, {"values", json::array()}};
    for (double v : c.rows[i].second) row["values"].push_back(std::isfinite(v) ? json(v) : json(nullptr));
    if (i < c.row_texts.size() && !c.row_texts[i].empty()) row["texts"] = c.row_texts[i];
    j["rows"].push_back(std::move(row));
  }
  if (!c.text_columns.empty()) j["text_columns"] = c.text_columns;
  j["award"] = c.award;
  j["person"] = c.person;
  j["figure"] = c.figure;
  j["period"] = c.period;
  j["emblem"] = c.emblem;
  j["column_ranges"] = json::array();
  for (const auto& [lo, hi] : c.column_ranges) j["column_ranges"].push_back({lo, hi});
  j["key_colors"] = c.key_colors.empty() ? json::object() : json(c.key_colors);
  j["theme"] = c.theme == Theme::dark ? "dark" : "light";
  j["scale"] = c.scale;
  j["width"] = c.width;
  j["height"] = c.height;
  return j;
}

bool is_empty(const Chart& c) {
  switch (c.kind) {
    case Kind::table: return c.rows.empty() || c.columns.empty();
    case Kind::award: return c.person.empty();
    default:
      for (const auto& s : c.series)
        for (double v : s.values)
          if (std::isfinite(v) && v != 0) return false;
      for (const auto& p : c.panels)
        for (const auto& s : p.series)
          for (double v : s.values)
            if (std::isfinite(v) && v != 0) return false;
      return true;
  }
}

}  // namespace paxstats::render
