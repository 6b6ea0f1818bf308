// A chart as an <svg> element to put inside an HTML page: the same drawing as render()'s SVG,
// with its ids made unique to the page (Cairo names glyphs and clips glyph0-1, clip1 … in every
// file, so two charts on one page would draw each other's glyphs), sized by the page (viewBox,
// width 100%), and described for screen readers by the chart's alt text.
#include <algorithm>
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
  // The next place of each mark at or after `from` (id=" only where it starts an attribute name,
  // not in grid=" or data-id="): each mark's next place is looked for again only once passed.
  auto next = [&](size_t m, size_t from) {
    size_t at = svg.find(marks[m], from);
    while (m == 0 && at != std::string::npos && at > 0 && (word_char(svg[at - 1]) || svg[at - 1] == '-'))
      at = svg.find(marks[m], at + 1);
    return at;
  };
  size_t at[3] = {next(0, 0), next(1, 0), next(2, 0)};
  std::string out;
  out.reserve(svg.size() + svg.size() / 16);
  size_t pos = 0;
  while (true) {
    const size_t m = std::min_element(std::begin(at), std::end(at)) - std::begin(at);
    if (at[m] == std::string::npos) break;
    const size_t end = at[m] + marks[m].size();
    out.append(svg, pos, end - pos);
    out += p;
    pos = end;
    for (size_t k = 0; k < 3; ++k)
      if (at[k] != std::string::npos && at[k] < pos) at[k] = next(k, pos);
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
