// libFuzzer: a chart spec as `paxstats render --spec` reads it: refused with UserError naming the
// field, or laid out (never an endless loop, a crash or a huge allocation).
#include <cstdint>
#include <nlohmann/json.hpp>

#include "paxstats/error.hpp"
#include "paxstats/render/chart.hpp"
#include "paxstats/render/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto spec = nlohmann::json::parse(data, data + size, nullptr, false);
  if (spec.is_discarded()) return 0;
  try {
    const auto chart = paxstats::render::chart_from_json(spec);
    if (chart.categories.size() + chart.rows.size() < 200) (void)paxstats::render::draw_list(chart);
    (void)paxstats::render::alt_text(chart);
  } catch (const paxstats::UserError&) {
  }
  return 0;
}
