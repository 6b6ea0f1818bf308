// A chart as an <svg> element to put inside an HTML page: the same drawing as render()'s SVG,
// its one id (the edge clip) made unique to the page by the prefix, sized by the page (viewBox,
// width 100%), and described for screen readers by the chart's alt text.
#include "detail/draw.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {

std::string svg_element(const Chart& chart, std::string_view id_prefix) {
  detail::SvgOptions o;
  o.standalone = false;
  o.id_prefix = std::string(id_prefix);
  o.aria_label = alt_text(chart);
  return detail::write_svg(detail::layout(chart), chart.scale > 0 ? chart.scale : 1, o);
}

}  // namespace paxstats::render
