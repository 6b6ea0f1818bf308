// A chart as an <svg> element to put inside an HTML page: the same drawing as render()'s SVG,
// with its ids made unique to the page (Cairo names glyphs and clips glyph0-1, clip1 … in every
// file, so two charts on one page would draw each other's glyphs), sized by the page (viewBox,
// width 100%), and described for screen readers by the chart's alt text.
#include <cctype>

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

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// One pass over the SVG: every id="…" (a whole attribute name, not xml:id's tail or a data-id)
// and every reference to one (href="#…", url(#…)) takes the prefix. (Three std::regex_replace
// passes did the same at a third of an AO page's time: a chart's SVG is ~100 KB of glyph paths.)
std::string prefix_ids(const std::string& svg, const std::string& p) {
  static constexpr std::string_view marks[] = {"id=\"", "href=\"#", "url(#"};
  std::string out;
  out.reserve(svg.size() + svg.size() / 16);
  size_t pos = 0;
  while (true) {
    size_t best = std::string::npos, len = 0;
    for (const auto m : marks) {
      size_t at = svg.find(m, pos);
      // id=" must start an attribute name: skip matches inside another name (grid=", data-id=").
      while (m[0] == 'i' && at != std::string::npos && at > 0 && (word_char(svg[at - 1]) || svg[at - 1] == '-'))
        at = svg.find(m, at + 1);
      if (at < best) {
        best = at;
        len = m.size();
      }
    }
    if (best == std::string::npos) break;
    out.append(svg, pos, best + len - pos);
    out += p;
    pos = best + len;
  }
  out.append(svg, pos, std::string::npos);
  return out;
}

// The root element without its width="…" and height="…" attributes.
std::string without_size(std::string root) {
  for (const std::string_view a : {" width=\"", " height=\""}) {
    const auto at = root.find(a);
    if (at == std::string::npos) continue;
    const auto close = root.find('"', at + a.size());
    if (close != std::string::npos) root.erase(at, close + 1 - at);
  }
  return root;
}

}  // namespace

std::string svg_element(const Chart& chart, std::string_view id_prefix) {
  std::string svg = render(chart, Format::svg);
  const auto start = svg.find("<svg");
  if (start == std::string::npos) return {};
  svg.erase(0, start);
  svg = prefix_ids(svg, std::string(id_prefix));
  // The root's fixed size in points gives way to the page's width; the viewBox keeps the shape.
  const auto end = svg.find('>');
  std::string root = without_size(svg.substr(0, end));
  root += " width=\"100%\" role=\"img\" aria-label=\"" + escape_attribute(alt_text(chart)) + "\"";
  return root + svg.substr(end);
}

}  // namespace paxstats::render
