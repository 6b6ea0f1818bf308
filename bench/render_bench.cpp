// Render + encode time of charts, per chart. Prints one line per case: ms per chart, PNG bytes.
//   build/bench/render_bench SPEC.json [ITERATIONS]
// bench/render_bench.sh runs it on the stacked bar at 1× and 2× beside matplotlib.
#include <chrono>
#include <cstdio>
#include <fstream>

#include "paxstats/render/render.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: render_bench SPEC.json [ITERATIONS]\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  auto spec = nlohmann::json::parse(in);
  const int n = argc > 2 ? std::atoi(argv[2]) : 500;
  for (double scale : {1.0, 2.0}) {
    spec["scale"] = scale;
    const auto chart = paxstats::render::chart_from_json(spec);
    std::string png = paxstats::render::render(chart);  // warm: fonts loaded, caches filled
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) png = paxstats::render::render(chart);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / n;
    std::printf("paxstats scale=%.0f %dx%d: %.3f ms/chart, png %zu bytes\n", scale, static_cast<int>(640 * scale),
                static_cast<int>(480 * scale), ms, png.size());
    std::ofstream(std::string("/tmp/paxstats-render-bench-") + (scale == 1 ? "1x" : "2x") + ".png", std::ios::binary)
        << png;
  }
  return 0;
}
