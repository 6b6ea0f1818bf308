#include <algorithm>
#include <map>

#include "paxstats/error.hpp"
#include "paxstats/render/chart.hpp"

namespace paxstats::render {
namespace {

using json = nlohmann::json;

const std::map<std::string, Kind> kKinds = {{"stacked_bar", Kind::stacked_bar}, {"grouped_bar", Kind::grouped_bar},
                                            {"horizontal_bar", Kind::horizontal_bar}, {"line", Kind::line},
                                            {"table", Kind::table}, {"award", Kind::award}};

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

std::vector<double> numbers(const json& j, const std::string& where) {
  if (!j.is_array()) bad(where, "expected a list of numbers");
  std::vector<double> out;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number()) bad(where + "[" + std::to_string(i) + "]", "expected a number");
    out.push_back(j[i].get<double>());
  }
  return out;
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
  if (j.contains("series")) {
    if (!j["series"].is_array()) bad("series", "expected a list");
    for (size_t i = 0; i < j["series"].size(); ++i) {
      const json& s = j["series"][i];
      const std::string where = "series[" + std::to_string(i) + "]";
      if (!s.is_object()) bad(where, "expected an object with key, label and values");
      Series series;
      series.label = text(s, "label");
      series.key = text(s, "key", series.label);
      series.values = numbers(s.value("values", json::array()), where + ".values");
      if (series.values.size() != c.categories.size())
        bad(where + ".values", "has " + std::to_string(series.values.size()) + " values for " +
                                   std::to_string(c.categories.size()) + " categories");
      c.series.push_back(std::move(series));
    }
  }
  c.integer_axis = j.value("integer_axis", true);
  c.show_total = j.value("show_total", true);
  c.area = j.value("area", false);
  c.empty_message = text(j, "empty_message", c.empty_message);
  c.columns = texts(j, "columns");
  if (j.contains("rows")) {
    if (!j["rows"].is_array()) bad("rows", "expected a list of {label, values}");
    for (size_t i = 0; i < j["rows"].size(); ++i) {
      const json& r = j["rows"][i];
      const std::string where = "rows[" + std::to_string(i) + "]";
      if (!r.is_object()) bad(where, "expected {label, values}");
      auto values = numbers(r.value("values", json::array()), where + ".values");
      if (values.size() != c.columns.size())
        bad(where + ".values", "has " + std::to_string(values.size()) + " values for " + std::to_string(c.columns.size()) + " columns");
      c.rows.emplace_back(text(r, "label"), std::move(values));
    }
  }
  c.award = text(j, "award");
  c.person = text(j, "person");
  c.figure = text(j, "figure");
  c.period = text(j, "period");
  c.emblem = text(j, "emblem", "trophy");
  c.color_keys = texts(j, "color_keys");
  const std::string theme = text(j, "theme", "light");
  if (theme != "light" && theme != "dark") bad("theme", "expected light or dark");
  c.theme = theme == "dark" ? Theme::dark : Theme::light;
  c.scale = j.value("scale", 1.0);
  if (!(c.scale >= 0.5 && c.scale <= 4)) bad("scale", "expected 0.5 to 4 (2 for HiDPI)");
  c.width = j.value("width", 640);
  c.height = j.value("height", 480);
  if (c.width < 200 || c.width > 4000 || c.height < 150 || c.height > 4000) bad("width/height", "expected 200–4000 by 150–4000");
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
  j["series"] = json::array();
  for (const auto& s : c.series) j["series"].push_back({{"key", s.key}, {"label", s.label}, {"values", s.values}});
  j["integer_axis"] = c.integer_axis;
  j["show_total"] = c.show_total;
  j["area"] = c.area;
  j["empty_message"] = c.empty_message;
  j["columns"] = c.columns;
  j["rows"] = json::array();
  for (const auto& [label, values] : c.rows) j["rows"].push_back({{"label", label}, {"values", values}});
  j["award"] = c.award;
  j["person"] = c.person;
  j["figure"] = c.figure;
  j["period"] = c.period;
  j["emblem"] = c.emblem;
  j["color_keys"] = c.color_keys;
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
          if (v != 0) return false;
      return true;
  }
}

}  // namespace paxstats::render
