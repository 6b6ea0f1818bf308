#include <date/date.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json load(const fs::path& p) { return json::parse(slurp(p)); }

std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = slurp(e.path());
  return files;
}

// The default region, generated once for the tests that only read it.
class GeneratedRegion : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    summary_ = mining::generate_workspace({}, dir_->path());
    truth_ = new json(load(dir_->path() / "truth.json"));
    messages_ = new std::map<std::pair<std::string, std::string>, json>();
    for (const auto& c : load(dir_->path() / "channels.json")) channel_names_[c["id"]] = c["name"];
    for (const auto& c : load(dir_->path() / "groups.json")) channel_names_[c["id"]] = c["name"];
    for (const auto& [id, name] : channel_names_)
      for (const auto& f : fs::directory_iterator(dir_->path() / name))
        for (const auto& m : load(f.path())) (*messages_)[{id, m["ts"]}] = m;
  }
  static void TearDownTestSuite() {
    delete messages_;
    delete truth_;
    delete dir_;
  }
  static inline test::TempDir* dir_ = nullptr;
  static inline mining::GeneratorSummary summary_;
  static inline json* truth_ = nullptr;
  static inline std::map<std::pair<std::string, std::string>, json>* messages_ = nullptr;
  static inline std::map<std::string, std::string> channel_names_;
};

}  // namespace

TEST(Generator, SameSeedSameBytes) {
  test::TempDir a, b;
  mining::GeneratorOptions o;
  o.pax = 40;
  o.months = 2;
  o.seed = 42;
  mining::generate_workspace(o, a.path());
  mining::generate_workspace(o, b.path());
  auto ta = tree(a.path()), tb = tree(b.path());
  ASSERT_GT(ta.size(), 200u);
  EXPECT_TRUE(ta == tb) << "two runs with the same seed wrote different files";
}

TEST(Generator, DifferentSeedsGiveDifferentRegions) {
  test::TempDir a, b;
  mining::GeneratorOptions o;
  o.pax = 40;
  o.months = 1;
  o.seed = 1;
  mining::generate_workspace(o, a.path());
  o.seed = 2;
  mining::generate_workspace(o, b.path());
  EXPECT_NE(slurp(a.path() / "users.json"), slurp(b.path() / "users.json"));
}

TEST(Generator, RegeneratingReplacesItsOwnOutputOnly) {
  test::TempDir dir;
  mining::GeneratorOptions o;
  o.pax = 30;
  o.months = 3;
  mining::generate_workspace(o, dir.path());
  o.months = 1;
  mining::generate_workspace(o, dir.path());
  EXPECT_EQ(load(dir.path() / "truth.json")["region"]["first_date"], "2026-10-01");
  for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
    const auto name = e.path().filename().string();
    if (e.is_regular_file() && std::regex_match(name, std::regex(R"(\d{4}-\d{2}-\d{2}\.json)"))) {
      EXPECT_GE(name.substr(0, 10), std::string("2026-09-30")) << "stale day file from the first run: " << e.path();
    }
  }
  test::TempDir foreign;
  std::ofstream(foreign.path() / "notes.txt") << "mine";
  EXPECT_THROW(mining::generate_workspace(o, foreign.path()), UserError);
  EXPECT_TRUE(fs::exists(foreign.path() / "notes.txt"));
}

TEST(Generator, RejectsBadOptionsClearly) {
  test::TempDir dir;
  mining::GeneratorOptions o;
  o.pax = 0;
  EXPECT_THROW(mining::generate_workspace(o, dir.path()), UserError);
  o = {};
  o.end = "2026-13-40";
  EXPECT_THROW(mining::generate_workspace(o, dir.path()), UserError);
  o = {};
  o.tz = "Mars/Olympus_Mons";
  EXPECT_THROW(mining::generate_workspace(o, dir.path()), UserError);
}

TEST(Generator, ScalesWithPax) {
  test::TempDir dir;
  mining::GeneratorOptions o;
  o.pax = 400;
  o.months = 2;
  o.chatter_per_pax_day = 0;
  auto s = mining::generate_workspace(o, dir.path());
  EXPECT_EQ(s.users, 402);  // plus the two bots
  EXPECT_GT(load(dir.path() / "channels.json").size(), 30u);
  EXPECT_GT(s.beatdowns, 500);
}

TEST_F(GeneratedRegion, WritesTheSlackExportLayout) {
  EXPECT_TRUE(fs::exists(dir_->path() / "users.json"));
  EXPECT_TRUE(fs::exists(dir_->path() / "integration_logs.json"));
  EXPECT_GE(channel_names_.size(), 19u);  // ~15 AOs and the chatter channels
  int day_files = 0;
  for (const auto& [id, name] : channel_names_) {
    for (const auto& f : fs::directory_iterator(dir_->path() / name)) {
      ++day_files;
      EXPECT_TRUE(std::regex_match(f.path().filename().string(), std::regex(R"(\d{4}-\d{2}-\d{2}\.json)")));
      auto day = load(f.path());
      ASSERT_TRUE(day.is_array());
      for (size_t i = 1; i < day.size(); ++i) EXPECT_LE(day[i - 1]["ts"], day[i]["ts"]) << f.path();
    }
  }
  EXPECT_GT(day_files, 1000);
  EXPECT_EQ(summary_.first_date, "2025-11-01");
  EXPECT_EQ(summary_.last_date, "2026-10-31");
}

TEST_F(GeneratedRegion, EveryTruthEntryPointsAtTheMessageThatReportsIt) {
  const auto& beatdowns = (*truth_)["beatdowns"];
  ASSERT_EQ(static_cast<int>(beatdowns.size()), summary_.beatdowns);
  ASSERT_GT(beatdowns.size(), 1000u);
  std::set<std::pair<std::string, std::string>> keys;
  for (const auto& b : beatdowns) {
    auto key = std::make_pair(b["channel"].get<std::string>(), b["ts"].get<std::string>());
    EXPECT_TRUE(keys.insert(key).second) << "two beatdowns from one message";
    auto it = messages_->find(key);
    ASSERT_NE(it, messages_->end()) << b.dump();
    const json& m = it->second;
    // Everyone the truth says was mentioned is mentioned in the post (text or blocks).
    std::string where = m["text"].get<std::string>() + (m.contains("blocks") ? m["blocks"].dump() : "");
    for (const auto& p : b["pax"]) {
      if (p.contains("user_id")) {
        EXPECT_NE(where.find("<@" + p["user_id"].get<std::string>()), std::string::npos) << b.dump();
      }
    }
    EXPECT_TRUE(channel_names_.count(b["ao"])) << "AO is not a channel";
    EXPECT_GE(b["date"].get<std::string>(), "2025-11-01");
    EXPECT_LE(b["date"].get<std::string>(), "2026-10-31");
    // Q and Co-Qs attend; count is as written, else the attendees.
    EXPECT_EQ(b["pax"][0], b["q"]);
    if (b["count_written"].is_null()) {
      EXPECT_EQ(b["count"], b["pax"].size());
    } else {
      EXPECT_EQ(b["count"], b["count_written"]);
    }
    EXPECT_EQ(b["fngs"]["count"], b["fngs"]["names"].size() + b["fngs"]["user_ids"].size());
  }
  for (const auto& n : (*truth_)["not_beatdowns"]) EXPECT_TRUE(messages_->count({n["channel"], n["ts"]})) << n.dump();
}

TEST_F(GeneratedRegion, CoversEveryFormatAndTheHardCases) {
  std::set<std::string> formats;
  int typed = 0, fngs = 0, coqs = 0, thread_replies = 0, unwritten_counts = 0, dated_later = 0;
  for (const auto& b : (*truth_)["beatdowns"]) {
    std::string f = b["format"];
    if (f.ends_with("+thread_reply")) ++thread_replies;
    formats.insert(f.substr(0, f.find('+')));
    for (const auto& p : b["pax"]) typed += p.contains("name");
    fngs += b["fngs"]["count"].get<int>();
    coqs += static_cast<int>(b["coqs"].size());
    unwritten_counts += b["count_written"].is_null();
    const json& m = messages_->at({b["channel"], b["ts"]});
    long long posted = std::stoll(m["ts"].get<std::string>());
    dated_later +=
        b["date"].get<std::string>() < date::format("%F", date::sys_seconds{std::chrono::seconds{posted - 86400}});
  }
  for (const char* f : {"paxminer_template", "slackblast_old", "slackblast_fngs_caps", "slackblast_new",
                        "slackblast_new_metadata_only", "f3nation", "hashtag", "handtyped"})
    EXPECT_TRUE(formats.count(f)) << "no " << f << " posts";
  EXPECT_GT(typed, 100);
  EXPECT_GT(fngs, 30);
  EXPECT_GT(coqs, 50);
  EXPECT_GT(thread_replies, 3);
  EXPECT_GT(unwritten_counts, 20);
  EXPECT_GT(dated_later, 10) << "some backblasts are posted the day after";

  int edited = 0, tombstones = 0, reactions = 0, files = 0, metadata = 0, bots = 0;
  for (const auto& [key, m] : *messages_) {
    edited += m.contains("edited");
    tombstones += m.value("subtype", "") == "tombstone";
    reactions += m.contains("reactions");
    files += m.contains("files");
    metadata += m.contains("metadata");
    bots += m.value("subtype", "") == "bot_message";
  }
  EXPECT_GT(edited, 20);
  EXPECT_GT(tombstones, 2);
  EXPECT_GT(reactions, 100);
  EXPECT_GT(files, 20);
  EXPECT_GT(metadata, 100);
  EXPECT_GT(bots, 100);

  const std::string users = slurp(dir_->path() / "users.json");
  for (const char* s : {"호랑이", "🌮", "Señor Frío", "DROP TABLE", "<script>"})
    EXPECT_NE(users.find(s), std::string::npos) << "users.json lacks " << s;
}
