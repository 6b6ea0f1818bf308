// Backblast parse rate on one core, over every backblast of a generated region (all formats).
// Run: build/bench/parse_bench   (goal: ≥ 100,000 backblasts/s)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "paxstats/mining/backblast.hpp"
#include "paxstats/mining/generator.hpp"

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct Corpus {
  std::vector<json> messages;  // the backblast messages, blocks and metadata included
  std::vector<json> chatter;   // other messages
  std::vector<std::string> channel_of;
  std::unique_ptr<paxstats::mining::ParseContext> ctx;
};

json load(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

const Corpus& corpus() {
  static Corpus c = [] {
    Corpus k;
    const auto dir = fs::temp_directory_path() / ("paxstats-parse-bench-" + std::to_string(getpid()));
    paxstats::mining::GeneratorOptions o;
    o.seed = 3;
    paxstats::mining::generate_workspace(o, dir);
    const json truth = load(dir / "truth.json");
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& b : truth["beatdowns"]) keys.insert({b["channel"].get<std::string>(), b["ts"].get<std::string>()});
    std::vector<paxstats::mining::ChannelInfo> channels;
    for (const char* f : {"channels.json", "groups.json"})
      for (const auto& ch : load(dir / f)) {
        channels.push_back({ch["id"].get<std::string>(), ch["name"].get<std::string>()});
        for (const auto& day : fs::directory_iterator(dir / ch["name"].get<std::string>()))
          for (auto& m : load(day.path())) {
            m["_channel"] = ch["id"];
            (keys.count({ch["id"].get<std::string>(), m["ts"].get<std::string>()}) ? k.messages : k.chatter)
                .push_back(m);
          }
      }
    k.ctx = std::make_unique<paxstats::mining::ParseContext>("America/Chicago", channels);
    fs::remove_all(dir);
    return k;
  }();
  return c;
}

void run(benchmark::State& state, const std::vector<json>& messages) {
  const auto& c = corpus();
  std::vector<std::string> texts, channels;
  for (const auto& m : messages) {
    texts.push_back(m.value("text", ""));
    channels.push_back(m["_channel"]);
  }
  size_t i = 0, backblasts = 0;
  for (auto _ : state) {
    const json& m = messages[i];
    paxstats::mining::MessageView v{
        texts[i], m.contains("blocks") ? &m["blocks"] : nullptr, m.contains("metadata") ? &m["metadata"] : nullptr,
        channels[i], std::chrono::sys_seconds{std::chrono::seconds{std::stoll(m["ts"].get<std::string>())}}};
    auto b = paxstats::mining::parse_backblast(v, *c.ctx);
    backblasts += b.is_backblast;
    benchmark::DoNotOptimize(b);
    if (++i == messages.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["messages"] = static_cast<double>(messages.size());
  benchmark::DoNotOptimize(backblasts);
}

void BM_ParseBackblasts(benchmark::State& state) { run(state, corpus().messages); }
void BM_ParseOtherMessages(benchmark::State& state) { run(state, corpus().chatter); }
BENCHMARK(BM_ParseBackblasts)->MinTime(2.0);
BENCHMARK(BM_ParseOtherMessages)->MinTime(1.0);

// A hostile backblast naming N typed names, each marked (FNG): once quadratic (8,000 names took
// 0.9 s, 16,000 took 2.8 s, 100,000 did not finish in a minute); the time per name must stay flat.
void BM_ParseManyFngs(benchmark::State& state) {
  std::string text = "Backblast: Big day\nQ: <@U0000000Q1>\nPAX: ";
  for (int64_t i = 0; i < state.range(0); ++i) text += "Name" + std::to_string(i) + " (FNG), ";
  const paxstats::mining::ParseContext ctx("America/Chicago", {});
  for (auto _ : state) {
    auto b = paxstats::mining::parse_backblast({text, nullptr, nullptr, "C0000000F1", std::chrono::sys_seconds{}}, ctx);
    auto roles = b.roles();
    benchmark::DoNotOptimize(roles);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseManyFngs)->Arg(8000)->Arg(16000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
