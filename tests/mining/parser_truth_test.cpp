// The parser against the generator's ground truth: every message of a generated region.
#include <gtest/gtest.h>

#include <cstdio>

#include "paxstats/mining/backblast.hpp"
#include "paxstats/mining/generator.hpp"
#include "postgres_env.hpp"
#include "truth_support.hpp"

using namespace paxstats;
using json = nlohmann::json;

class ParserTruth : public ::testing::TestWithParam<int> {};

TEST_P(ParserTruth, ReadsEveryGeneratedBackblastExactlyAsTheTruthSays) {
  test::TempDir dir;
  mining::GeneratorOptions o;
  o.seed = static_cast<uint64_t>(GetParam());
  o.pax = GetParam() == 3 ? 400 : 150;
  o.years = GetParam() == 3 ? 2 : 1;
  o.end = GetParam() == 2 ? "2023-06-30" : "2026-10-31";  // an era of slackblast's older formats
  mining::generate_workspace(o, dir.path());
  const json truth = test::load_json(dir.path() / "truth.json");
  std::vector<mining::ChannelInfo> channels;
  for (const char* f : {"channels.json", "groups.json"})
    for (const auto& c : test::load_json(dir.path() / f)) channels.push_back({c["id"], c["name"]});
  mining::ParseContext ctx(truth["region"]["tz"].get<std::string>(), channels);
  auto messages = test::export_messages(dir.path());

  std::map<std::pair<std::string, std::string>, json> expected;
  for (const auto& b : truth["beatdowns"]) expected[{b["channel"], b["ts"]}] = b;

  int checked = 0, mismatches = 0;
  for (const auto& [key, m] : messages) {
    const std::string text = m.value("text", "");
    mining::MessageView view{text, m.contains("blocks") ? &m["blocks"] : nullptr,
                             m.contains("metadata") ? &m["metadata"] : nullptr, key.first,
                             std::chrono::sys_seconds{std::chrono::seconds{std::stoll(key.second)}}};
    if (m.value("subtype", "") == "tombstone") continue;
    auto b = mining::parse_backblast(view, ctx);
    auto it = expected.find(key);
    if (it == expected.end()) {
      EXPECT_FALSE(b.is_backblast) << "not a beatdown, but parsed as one:\n" << text;
      mismatches += b.is_backblast;
      continue;
    }
    ++checked;
    const json& t = it->second;
    const json got = mining::to_json(b);
    bool same = b.is_backblast && got["date"] == t["date"] && got["ao"]["channel_id"] == t["ao"] &&
                got["q"] == t["q"] && test::people(got["coqs"]) == test::people(t["coqs"]) &&
                test::people(got["pax"]) == test::people(t["pax"]) && got["fngs"]["count"] == t["fngs"]["count"] &&
                std::set<std::string>(got["fngs"]["names"].begin(), got["fngs"]["names"].end()) ==
                    std::set<std::string>(t["fngs"]["names"].begin(), t["fngs"]["names"].end()) &&
                std::set<std::string>(got["fngs"]["user_ids"].begin(), got["fngs"]["user_ids"].end()) ==
                    std::set<std::string>(t["fngs"]["user_ids"].begin(), t["fngs"]["user_ids"].end()) &&
                b.effective_count() == t["count"].get<int>();
    if (!same) {
      ++mismatches;
      if (mismatches <= 12)
        ADD_FAILURE() << "format " << t["format"] << "\n--- text:\n"
                      << text << "\n--- truth:\n"
                      << t.dump(1) << "\n--- parsed:\n"
                      << got.dump(1);
    }
  }
  EXPECT_EQ(checked, static_cast<int>(expected.size()));
  EXPECT_GT(checked, 1500);
  EXPECT_EQ(mismatches, 0) << "of " << checked << " beatdowns";
  std::printf("seed %d: %d beatdowns read exactly, %zu messages in all\n", GetParam(), checked, messages.size());
}

INSTANTIATE_TEST_SUITE_P(Seeds, ParserTruth, ::testing::Values(1, 2, 3));
