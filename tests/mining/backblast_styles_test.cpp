// The parser on backblast styles collected from public posts (tests/mining/fixtures/
// backblast_styles.json: region websites, F3 tools' posts and tests, and the classes issue 31
// found in posts nobody here wrote), field by field. Each style keeps a real post's structure;
// its names and prose are written anew. The figure printed is the one the README quotes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>

#include "paxstats/mining/backblast.hpp"

using namespace paxstats::mining;
using json = nlohmann::json;

namespace {

const std::vector<ChannelInfo> kChannels = {
    {"C0FORGE001", "ao-the-forge"},       {"C0BLEACH01", "bleach"},         {"C0FIRSTF01", "1st-f"},
    {"C0IRONMTN1", "ao-iron-mountain"},   {"C0SHADOWS1", "ao-the-shadows"}, {"C0HOSPHILL", "hospital-hill"},
    {"C0MASTODN1", "ao_mastodon"},        {"C0ZOO00001", "ao-the-zoo"},     {"C0SHOTHSE1", "ao-shot-house"},
    {"C0PARADISE", "ao-paradise-island"}, {"C0NIRVANA1", "ao-nirvana"},     {"C0POUND001", "ao-the-pound"},
    {"C0SWANSON1", "ao-the-swanson"},     {"C0FARM0001", "ao-the-farm"}};

std::string person_key(const Person& p) { return p.user_id.empty() ? p.name : p.user_id; }

std::set<std::string> keys(const std::vector<Person>& v) {
  std::set<std::string> out;
  for (const auto& p : v) out.insert(person_key(p));
  return out;
}

std::set<std::string> strings(const json& a) {
  std::set<std::string> out;
  for (const auto& x : a) out.insert(x.get<std::string>());
  return out;
}

json load_fixture() {
  std::ifstream in(std::string(PAXSTATS_SOURCE_DIR) + "/tests/mining/fixtures/backblast_styles.json");
  return json::parse(in);
}

}  // namespace

TEST(BackblastStyles, ReadsAtLeast95PercentOfTheFieldsOfPublicStyles) {
  const json fixture = load_fixture();
  const ParseContext ctx("America/Chicago", kChannels);
  const std::vector<std::string> fields = {"is_backblast", "title", "date", "ao", "q", "coqs", "pax", "fngs", "count"};
  std::map<std::string, std::pair<int, int>> score;  // field → (right, asked)
  std::string misses;
  int entries = 0;
  for (const auto& e : fixture["entries"]) {
    ++entries;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    std::sscanf(e["posted"].get<std::string>().c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se);
    const date::sys_seconds at = date::sys_days{date::year{y} / mo / d} + std::chrono::hours(h) +
                                 std::chrono::minutes(mi) + std::chrono::seconds(se);
    const std::string text = e["text"], channel = e["channel"];
    const Backblast b = parse_backblast({text, nullptr, nullptr, channel, at}, ctx);
    const json& x = e["expect"];
    auto check = [&](const std::string& field, bool right, const std::string& got) {
      auto& s = score[field];
      ++s.second;
      s.first += right;
      if (!right) misses += "  [" + field + "] " + e["style"].get<std::string>() + ": got " + got + "\n";
    };
    check("is_backblast", b.is_backblast == x["is_backblast"].get<bool>(), b.is_backblast ? "true" : "false");
    if (!x["is_backblast"].get<bool>()) continue;
    if (x.contains("title")) check("title", b.title == x["title"].get<std::string>(), "\"" + b.title + "\"");
    const std::string day = b.date.ok() ? date::format("%F", b.date) : "none";
    check("date", day == x["date"].get<std::string>(), day);
    check("ao", b.ao_channel_id.value_or("") == x["ao"].get<std::string>(), b.ao_channel_id.value_or("none"));
    const std::string q = b.q ? person_key(*b.q) : "";
    check("q", x["q"].is_null() ? !b.q : q == x["q"].get<std::string>(), b.q ? q : "none");
    auto list = [](const std::set<std::string>& s) {
      std::string out;
      for (const auto& k : s) out += (out.empty() ? "" : ", ") + k;
      return "[" + out + "]";
    };
    check("coqs", keys(b.coqs) == strings(x["coqs"]), list(keys(b.coqs)));
    check("pax", keys(b.pax) == strings(x["pax"]), list(keys(b.pax)));
    std::set<std::string> fngs(b.fng_names.begin(), b.fng_names.end());
    fngs.insert(b.fng_user_ids.begin(), b.fng_user_ids.end());
    check("fngs", fngs == strings(x["fngs"]), list(fngs));
    check("count", b.effective_count() == x["count"].get<int>(), std::to_string(b.effective_count()));
  }
  int right = 0, asked = 0;
  std::printf("backblast styles: %d posts\n", entries);
  for (const auto& f : fields) {
    const auto [r, a] = score[f];
    right += r;
    asked += a;
    std::printf("  %-13s %3d / %3d\n", f.c_str(), r, a);
  }
  std::printf("  all fields    %3d / %3d = %.1f%%\n", right, asked, 100.0 * right / asked);
  if (!misses.empty()) std::printf("misses:\n%s", misses.c_str());
  EXPECT_GE(entries, 40);
  EXPECT_GE(100.0 * right / asked, 95.0) << misses;
}
