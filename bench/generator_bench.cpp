// How fast `paxstats generate` writes a region: messages per second, by region size.
// Run: build/bench/generator_bench [--benchmark_filter=…]; writes under $TMPDIR.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "paxstats/mining/generator.hpp"

namespace {

void BM_Generate(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / ("paxstats-bench-gen-" + std::to_string(getpid()));
  paxstats::mining::GeneratorOptions o;
  o.pax = static_cast<int>(state.range(0));
  o.months = static_cast<int>(state.range(1));
  long messages = 0;
  for (auto _ : state) {
    auto s = paxstats::mining::generate_workspace(o, dir);
    messages = s.messages;
  }
  state.counters["messages"] = static_cast<double>(messages);
  state.counters["messages/s"] = benchmark::Counter(
      static_cast<double>(messages) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Generate)->Args({150, 12})->Args({1000, 36})->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
