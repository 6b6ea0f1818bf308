// The renderer: golden drawings per chart kind, and the rules of layout, colour and alt text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "command.hpp"
#include "paxstats/error.hpp"
#include "paxstats/render/render.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kExamples = fs::path(PAXSTATS_SOURCE_DIR) / "render" / "examples";
const fs::path kGolden = fs::path(PAXSTATS_SOURCE_DIR) / "tests" / "render" / "golden";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

render::Chart example(const std::string& name) {
  return render::chart_from_json(json::parse(slurp(kExamples / (name + ".json"))));
}

render::Chart bars(std::vector<std::string> categories, std::vector<double> values) {
  render::Chart c;
  c.kind = render::Kind::stacked_bar;
  c.title = "t";
  c.categories = std::move(categories);
  c.series = {{"C1", "AO", std::move(values)}};
  return c;
}

std::vector<std::string> lines_with(const std::string& list, const std::string& part) {
  std::vector<std::string> out;
  std::istringstream in(list);
  for (std::string l; std::getline(in, l);)
    if (l.find(part) != std::string::npos) out.push_back(l);
  return out;
}

// Tick labels of the value axis: text right-aligned, vertically centred.
std::vector<std::string> y_ticks(const std::string& list) {
  std::vector<std::string> out;
  for (const auto& l : lines_with(list, "align=1,0"))
    out.push_back(l.substr(l.rfind('"', l.size() - 2) + 1, l.size() - l.rfind('"', l.size() - 2) - 2));
  return out;
}

}  // namespace

// Golden drawings: the draw list of every example, compared as text (DejaVu Sans metrics from
// Debian 12's fonts-dejavu-core). PAXSTATS_UPDATE_GOLDEN=1 rewrites them, with a PNG of each
// beside it for people to look at.
class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, DrawListMatches) {
  const auto chart = example(GetParam());
  const std::string got = render::draw_list(chart);
  const fs::path file = kGolden / (GetParam() + ".txt");
  if (std::getenv("PAXSTATS_UPDATE_GOLDEN")) {
    std::ofstream(file) << got;
    std::ofstream(kGolden / (GetParam() + ".png"), std::ios::binary) << render::render(chart);
  }
  for (const auto& problem : render::layout_problems(chart)) ADD_FAILURE() << GetParam() << ": " << problem;
  ASSERT_TRUE(fs::exists(file)) << "no golden " << file << "; run with PAXSTATS_UPDATE_GOLDEN=1 and look at the PNGs";
  EXPECT_EQ(got, slurp(file)) << "the drawing of " << GetParam()
                              << " changed; if intended, run with PAXSTATS_UPDATE_GOLDEN=1 and check its PNG";
}

INSTANTIATE_TEST_SUITE_P(Examples, Golden,
                         ::testing::Values("stacked_bar", "grouped_bar", "horizontal_bar", "line", "table", "award",
                                           "empty", "small_multiples", "panels", "kotter", "achievement"));

TEST(RenderOutput, PngAtOneAndTwoTimesSvgAndPdf) {
  auto c = example("stacked_bar");
  const std::string png = render::render(c);
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto dims = [](const std::string& p) {
    auto be = [&](size_t i) {
      return (uint32_t(uint8_t(p[i])) << 24) | (uint32_t(uint8_t(p[i + 1])) << 16) |
             (uint32_t(uint8_t(p[i + 2])) << 8) | uint8_t(p[i + 3]);
    };
    return std::make_pair(be(16), be(20));
  };
  EXPECT_EQ(dims(png), std::make_pair(1280u, 960u)) << "HiDPI by default: 640 × 480 points at 2×";
  c.scale = 1;
  EXPECT_EQ(dims(render::render(c)), std::make_pair(640u, 480u));
  EXPECT_NE(render::render(c, render::Format::svg).find("<svg"), std::string::npos);
  EXPECT_EQ(render::render(c, render::Format::pdf).substr(0, 5), "%PDF-");
}

// A chart inside an HTML page: every id it has carries the page's prefix, every reference
// (href="#…", url(#…)) points at one of those ids, and the root sizes by its viewBox.
TEST(RenderOutput, InlineSvgPrefixesEveryIdAndReference) {
  const auto c = example("stacked_bar");
  const std::string svg = render::svg_element(c, "c7-");
  ASSERT_EQ(svg.rfind("<svg", 0), 0u);
  const std::string root = svg.substr(0, svg.find('>'));
  EXPECT_EQ(root.find(" height=\""), std::string::npos) << root;
  EXPECT_NE(root.find("viewBox=\""), std::string::npos) << root;
  EXPECT_NE(root.find(" width=\"100%\" role=\"img\" aria-label=\""), std::string::npos) << root;
  std::set<std::string> ids;
  static const std::regex id(R"re(\sid="([^"]+)")re"), ref(R"re((?:href="#|url\(#)([^")]+))re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), id), end; it != end; ++it) ids.insert((*it)[1]);
  ASSERT_FALSE(ids.empty());
  for (const auto& i : ids) {
    EXPECT_EQ(i.rfind("c7-", 0), 0u) << i;
  }
  size_t refs = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), ref), end; it != end; ++it, ++refs) {
    EXPECT_TRUE(ids.count((*it)[1])) << "a reference to an id the chart does not have: " << (*it)[1];
  }
  EXPECT_GT(refs, 0u);
  // The same drawing as the file's SVG: only the ids and the root's size moved.
  const std::string file = render::render(c, render::Format::svg);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '<'), std::count(file.begin() + file.find("<svg"), file.end(), '<'));
}

// The texts of the drawing, as a list of (text, x, y) from SVG's <text> elements (entities
// decoded), and the drawing list's text commands.
std::vector<std::string> svg_texts(const std::string& svg) {
  std::vector<std::string> out;
  static const std::regex text(R"re(<text[^>]*>([^<]*)</text>)re");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end; ++it) {
    std::string t = (*it)[1];
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
      for (size_t at = 0; (at = t.find(from, at)) != std::string::npos; at += to.size()) t.replace(at, from.size(), to);
    out.push_back(t);
  }
  return out;
}

// SVG sets text as text: every label of the drawing is a <text> whose words are the label's (a
// hostile name stays text, escaped once; bytes that are not UTF-8 become U+FFFD), an ellipsized
// label ends in "…" and is no wider than its room, and the file is a fraction of Cairo's glyphs.
TEST(RenderOutput, SvgSetsEveryLabelAsTextEscapedOnce) {
  for (const std::string hostile :
       {"<script>alert(1)</script>", "Robert'); DROP TABLE pax;--", "O\"Brien & Sons", "Posts & <b>more</b> &amp;"}) {
    auto c = bars({"Jan", "Feb"}, {5, 4});
    c.title = hostile;
    const std::string svg = render::render(c, render::Format::svg);
    EXPECT_EQ(svg.find("<script"), std::string::npos);
    EXPECT_EQ(svg.find("<b>"), std::string::npos);
    const auto texts = svg_texts(svg);
    EXPECT_NE(std::find(texts.begin(), texts.end(), hostile), texts.end()) << hostile;
  }
  auto c = bars({"Jan", std::string("bad \xff\xfe"), std::string(200, 'W')}, {5, 4, 3});
  c.title = std::string("not UTF-8: \xc3\x28 \xed\xa0\x80 end");
  const std::string svg = render::render(c, render::Format::svg);
  EXPECT_EQ(svg.find('\xff'), std::string::npos);
  const auto texts = svg_texts(svg);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "not UTF-8: \xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end"),
            texts.end());
  // Every text command of the drawing list is one <text> in the SVG (the long name cut short).
  size_t commands = 0;
  for (const auto& line : lines_with(render::draw_list(c), "text "))
    if (line.rfind("text ", 0) == 0) ++commands;
  EXPECT_EQ(texts.size(), commands);
  const auto cut = std::find_if(texts.begin(), texts.end(), [](const std::string& t) { return t.rfind("WW", 0) == 0; });
  ASSERT_NE(cut, texts.end());
  EXPECT_LT(cut->size(), 200u);
  EXPECT_EQ(cut->substr(cut->size() - 3), "\u2026");
  EXPECT_LT(svg.size(), 20'000u) << "Cairo's glyph outlines were ~100 KB a chart";
  // Hangul in a face that has its syllables (a browser told DejaVu Sans draws a lone jamo).
  c.title = "Kim 호랑이 PAX";
  const std::string korean = render::render(c, render::Format::svg);
  EXPECT_NE(korean.find(">Kim <tspan font-family=\"'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', "
                        "sans-serif\">호랑이</tspan> PAX</text>"),
            std::string::npos);
}

TEST(RenderLayout, TicksAreNiceAndWholeForCounts) {
  // The top tick stands above the tallest bar and its total label (headroom).
  EXPECT_EQ(y_ticks(render::draw_list(bars({"a", "b"}, {14, 3}))), (std::vector<std::string>{"0", "5", "10", "15"}));
  EXPECT_EQ(y_ticks(render::draw_list(bars({"a", "b"}, {15, 3}))),
            (std::vector<std::string>{"0", "5", "10", "15", "20"}));
  EXPECT_EQ(y_ticks(render::draw_list(bars({"a", "b"}, {11, 3}))), (std::vector<std::string>{"0", "5", "10", "15"}));
  EXPECT_EQ(y_ticks(render::draw_list(bars({"a"}, {3}))), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(y_ticks(render::draw_list(bars({"a"}, {130}))), (std::vector<std::string>{"0", "50", "100", "150"}));
  auto fractions = bars({"a"}, {0.7});
  fractions.integer_axis = false;
  EXPECT_EQ(y_ticks(render::draw_list(fractions)), (std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8"}))
      << "every tick label shows the same decimals";
  auto ones = bars({"a"}, {1});  // a count of 1 never gets ticks at 0.2
  for (const auto& t : y_ticks(render::draw_list(ones))) EXPECT_EQ(t.find('.'), std::string::npos) << t;
}

TEST(RenderLayout, CrowdedLabelsTurnThenThinAndLongNamesAreCut) {
  std::vector<std::string> few = {"Jan", "Feb", "Mar"};
  EXPECT_TRUE(lines_with(render::draw_list(bars(few, {1, 2, 3})), "rotate=").empty());
  std::vector<std::string> names;
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) {
    names.push_back("Pax name number " + std::to_string(i));
    v.push_back(i + 1);
  }
  const auto turned = lines_with(render::draw_list(bars(names, v)), "rotate=45.0");
  EXPECT_EQ(turned.size(), 20u);
  for (const auto& l : turned) EXPECT_NE(l.find("max="), std::string::npos) << l;
  std::vector<std::string> many;
  std::vector<double> mv;
  for (int i = 0; i < 120; ++i) {
    many.push_back("Day " + std::to_string(i));
    mv.push_back(1);
  }
  const auto thinned = lines_with(render::draw_list(bars(many, mv)), "rotate=45.0");
  EXPECT_LT(thinned.size(), 60u) << "labels were not thinned";
  EXPECT_GT(thinned.size(), 10u);
}

TEST(RenderLayout, TheLegendNeverCoversTheData) {
  auto c = example("stacked_bar");
  const auto list = render::draw_list(c);
  double legend_x = 1e9, bars_right = 0;
  for (const auto& l : lines_with(list, "rect ")) {
    double x, y, w, h;
    if (std::sscanf(l.c_str(), "rect %lf %lf %lf %lf", &x, &y, &w, &h) != 4) continue;
    if (w == 10 && h == 10)
      legend_x = std::min(legend_x, x);  // a legend swatch
    else if (w < 600)
      bars_right = std::max(bars_right, x + w);  // a bar
  }
  EXPECT_GT(legend_x, bars_right);
}

// Small multiples end under their last row: a few panels take the height (up to 96 pt a row)
// and leave no empty half; many grow the canvas at 56 pt a row.
TEST(RenderLayout, SmallMultiplesFitTheirRows) {
  auto height = [](render::Chart c) {
    c.scale = 1;
    const std::string png = render::render(c);
    return (uint32_t(uint8_t(png[20])) << 24) | (uint32_t(uint8_t(png[21])) << 16) | (uint32_t(uint8_t(png[22])) << 8) |
           uint8_t(png[23]);
  };
  auto all = example("small_multiples");
  ASSERT_GE(all.series.size(), 40u);
  auto few = all;
  few.series.resize(15);
  const auto h_few = height(few), h_all = height(all);
  EXPECT_LT(h_few, 480u) << "3 rows of panels in a 480 pt canvas left its lower part empty";
  EXPECT_GT(h_few, 3u * 56u + 60u);
  EXPECT_GT(h_all, 480u);
}

TEST(RenderLayout, EmptyDataSaysSo) {
  auto c = bars({"Oct"}, {0});
  c.empty_message = "No posts this month";
  EXPECT_EQ(lines_with(render::draw_list(c), "\"No posts this month\"").size(), 1u);
  c.categories.clear();
  c.series.clear();
  EXPECT_NO_THROW(render::render(c));
  EXPECT_TRUE(render::is_empty(c));
  EXPECT_NE(render::alt_text(c).find("No posts this month"), std::string::npos);
}

TEST(RenderLayout, UnicodeAndHostileNamesAreDrawnAsText) {
  auto c = example("horizontal_bar");
  const auto list = render::draw_list(c);
  for (const char* name : {"김치", "Sparky 🔥", "Crème Brûlée", "Robert'); DROP TABLE users;--"})
    EXPECT_EQ(lines_with(list, std::string("\"") + name + "\"").size(), 1u) << name;
  c.categories[0] = "<b>&amp; not markup</b>";
  EXPECT_NO_THROW(render::render(c));  // Pango is given text, never markup
}

TEST(RenderColors, AnAoKeepsItsColourWhateverTheSeriesOrder) {
  auto a = example("stacked_bar");
  auto b = a;
  std::reverse(b.series.begin(), b.series.end());
  for (const auto& s : a.series) EXPECT_EQ(render::series_color(a, s.key), render::series_color(b, s.key));
  EXPECT_NE(render::series_color(a, "C0FORGE001"), render::series_color(a, "C0IRONMTN1"));
  auto unlisted = a;  // no region order: a stable hash
  unlisted.key_colors.clear();
  EXPECT_EQ(render::series_color(unlisted, "C0FORGE001"), render::series_color(unlisted, "C0FORGE001"));
  EXPECT_EQ(render::series_color(unlisted, "C0NOSUCHAO"), "") << "a key the chart does not draw has no colour";
}

// Issue 29: a heat map or table column that holds one value gets no tint (an all-zero heat map
// once came out mid-blue, as if something were there).
TEST(RenderColors, AConstantColumnOrHeatMapIsNotTinted) {
  auto rects = [](const render::Chart& c) {
    const std::string svg = render::svg_element(c, "t-");
    size_t n = 0;
    for (size_t at = svg.find("<rect"); at != std::string::npos; at = svg.find("<rect", at + 1)) ++n;
    return n;
  };
  render::Chart heat;
  heat.kind = render::Kind::table;
  heat.title = "When people post";
  heat.one_scale = true;
  for (int h = 0; h < 24; ++h) heat.columns.push_back(std::to_string(h));
  for (const char* d : {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
    heat.rows.emplace_back(d, std::vector<double>(24, 0.0));
  auto busy = heat;
  busy.rows[0].second[9] = 5;
  EXPECT_EQ(rects(busy) - rects(heat), 7u * 24u) << "every cell tinted once there is a range, none before";
  render::Chart table = heat;
  table.one_scale = false;
  table.columns = {"Posts", "Qs"};
  table.rows = {{"A", {3, 0}}, {"B", {5, 0}}};
  auto varied = table;
  varied.rows[1].second[1] = 2;
  EXPECT_EQ(rects(varied) - rects(table), 2u) << "the all-zero Qs column is plain";
}

// Issue 29: a year of weeks (53 stacked bars) drew its totals into each other. Totals are drawn
// only when every one fits its bar's slot; a year of months keeps them.
TEST(RenderLayout, StackedTotalsAreDrawnOnlyWhenTheyFit) {
  auto weeks = [](size_t n) {
    render::Chart c;
    c.kind = render::Kind::stacked_bar;
    c.title = "Messages a week, by channel";
    render::Series a("a", "#a", {}), b("b", "#b", {});
    for (size_t i = 0; i < n; ++i) {
      c.categories.push_back("Week " + std::to_string(i + 1));
      a.values.push_back(100 + static_cast<double>(i));
      b.values.push_back(87);
    }
    c.series = {a, b};
    return c;
  };
  const auto year = weeks(53);
  EXPECT_TRUE(render::layout_problems(year).empty()) << render::layout_problems(year).front();
  EXPECT_EQ(render::svg_element(year, "y-").find(">187<"), std::string::npos) << "no totals: they would not fit";
  const auto months = weeks(12);
  EXPECT_TRUE(render::layout_problems(months).empty()) << render::layout_problems(months).front();
  EXPECT_NE(render::svg_element(months, "m-").find(">187<"), std::string::npos) << "twelve totals fit";
}

TEST(RenderAltText, DescribesTheChartWithinSlacksLimit) {
  const auto alt = render::alt_text(example("stacked_bar"));
  EXPECT_NE(alt.find("Stacked bar chart: Posts by Green Thumb in 2026"), std::string::npos) << alt;
  EXPECT_NE(alt.find("Total 106: Jan"), std::string::npos) << alt;
  EXPECT_NE(alt.find("The Forge"), std::string::npos) << alt;
  auto big = bars({}, {});
  for (int i = 0; i < 400; ++i) {
    big.categories.push_back("Category number " + std::to_string(i));
    big.series[0].values.push_back(i);
  }
  EXPECT_LE(render::alt_text(big).size(), 1000u);
  EXPECT_NE(render::alt_text(example("award")).find("Bedrock"), std::string::npos);
}

TEST(RenderSpec, BadSpecsNameTheField) {
  auto expect_error = [](const std::string& spec, const std::string& part) {
    try {
      render::chart_from_json(json::parse(spec));
      ADD_FAILURE() << "no error for " << spec;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"kind":"pie"})", "kind");
  expect_error(R"({"kind":"line","categories":["a"],"series":[{"label":"x","values":["1"]}]})", "series[0].values[0]");
  expect_error(R"({"kind":"line","categories":["a","b"],"series":[{"label":"x","values":[1]}]})",
               "1 values for 2 categories");
  expect_error(R"({"kind":"line","theme":"neon"})", "theme");
  expect_error(R"({"kind":"line","scale":40})", "scale");
  // Hostile specs: an endless tick loop, a string where a number goes, a 16,000-pixel square.
  expect_error(R"({"kind":"line","categories":["a"],"series":[{"label":"x","values":[1.7976931348623157e308]}]})",
               "series[0].values[0]: 1.7976931348623157e+308 is out of range");
  expect_error(R"({"kind":"line","width":"640"})", "width: expected a number");
  expect_error(R"({"kind":"line","scale":"2"})", "scale: expected a number");
  expect_error(R"({"kind":"line","area":"yes"})", "area: expected true or false");
  expect_error(R"({"kind":"line","width":4000,"height":4000,"scale":4})", "pixels is more than 4096");
}

TEST(RenderCli, RendersEveryExample) {
  test::TempDir out;
  int n = 0;
  for (const auto& e : fs::directory_iterator(kExamples)) {
    if (e.path().extension() != ".json") continue;
    ++n;
    const auto png = out.path() / (e.path().stem().string() + ".png");
    auto r = test::run_command("'" PAXSTATS_BIN "' render --spec '" + e.path().string() + "' -o '" + png.string() +
                               "' --alt");
    EXPECT_EQ(r.status, 0) << e.path() << ": " << r.output;
    EXPECT_EQ(slurp(png).substr(0, 4), "\x89PNG") << e.path();
  }
  EXPECT_GE(n, 6);
  // A list of specs into a folder, as SVG.
  const auto list = out.path() / "list.json";
  std::ofstream(list) << "[" << slurp(kExamples / "line.json") << "," << slurp(kExamples / "award.json") << "]";
  auto r = test::run_command("'" PAXSTATS_BIN "' render --spec '" + list.string() + "' -o '" +
                             (out.path() / "many").string() + "' --format svg");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(out.path() / "many" / "chart-2.svg"));
  auto bad = test::run_command("'" PAXSTATS_BIN "' render --spec '" + list.string() + "' -o '" +
                               (out.path() / "x.png").string() + "'");
  EXPECT_EQ(bad.status, 2) << "a list of charts into a file name";
  EXPECT_FALSE(fs::exists(out.path() / "x.png"));
  auto gif = test::run_command("'" PAXSTATS_BIN "' render --spec '" + (kExamples / "line.json").string() + "' -o '" +
                               (out.path() / "x.gif").string() + "'");
  EXPECT_EQ(gif.status, 2);
}
