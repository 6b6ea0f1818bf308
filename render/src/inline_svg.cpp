// A chart as an <svg> element to put inside an HTML page: the same drawing as render()'s SVG,
// with its ids made unique to the page (Cairo names glyphs and clips glyph0-1, clip1 … in every
// file, so two charts on one page would draw each other's glyphs), sized by the page (viewBox,
// width 100%), and described for screen readers by the chart's alt text.
#include <regex>

#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace {

std::string escape_attribute(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

}  // namespace

std::string svg_element(const Chart& chart, std::string_view id_prefix) {
  std::string svg = render(chart, Format::svg);
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return {};
  svg.erase(0, start);
  const std::string p(id_prefix);
  // Every id and every reference to one (href="#…", url(#…)) takes the prefix.
  static const std::regex id(R"re(\bid="([^"]+)")re"), href(R"re(href="#([^"]+)")re"), url(R"re(url\(#([^)]+)\))re");
  svg = std::regex_replace(svg, id, "id=\"" + p + "$1\"");
  svg = std::regex_replace(svg, href, "href=\"#" + p + "$1\"");
  svg = std::regex_replace(svg, url, "url(#" + p + "$1)");
  // The root's fixed size in points gives way to the page's width; the viewBox keeps the shape.
  const auto end = svg.find('>');
  std::string root = svg.substr(0, end);
  static const std::regex size(R"re(\s(width|height)="[^"]*")re");
  root = std::regex_replace(root, size, "");
  root += " width=\"100%\" role=\"img\" aria-label=\"" + escape_attribute(alt_text(chart)) + "\"";
  return root + svg.substr(end);
}

}  // namespace paxstats::render
