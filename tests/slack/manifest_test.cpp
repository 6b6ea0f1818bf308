// app/slack-manifest.yml is what a region's admin pastes into Slack: it must ask for exactly the
// scopes the install link asks for, subscribe to every event paxstats handles, and point at every
// endpoint `paxstats serve` has.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "paxstats/slack/app_manifest.hpp"

namespace {

std::string manifest() {
  std::ifstream in(std::string(PAXSTATS_SOURCE_DIR) + "/app/slack-manifest.yml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The items of the YAML list under the line `key:` (at any indent): "- item" lines deeper than it.
std::set<std::string> list_under(const std::string& yaml, const std::string& key) {
  std::istringstream in(yaml);
  std::set<std::string> out;
  int depth = -1;
  for (std::string line; std::getline(in, line);) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line[first] == '#') continue;
    const int indent = static_cast<int>(first);
    if (depth >= 0 && (indent < depth || (indent == depth && line[first] != '-'))) depth = -1;
    if (depth >= 0 && line[first] == '-') {
      out.insert(line.substr(line.find_first_not_of(' ', first + 1)));
      continue;
    }
    if (line.substr(first) == key + ":") depth = indent;
  }
  return out;
}

TEST(SlackManifest, AsksForTheInstallLinksScopesAndEveryEventAndEndpoint) {
  const std::string yaml = manifest();
  ASSERT_FALSE(yaml.empty()) << "app/slack-manifest.yml is missing";
  std::set<std::string> scopes;
  for (const auto& s : paxstats::slack::bot_scopes()) scopes.insert(s.name);
  EXPECT_EQ(list_under(yaml, "bot"), scopes);
  const auto& e = paxstats::slack::bot_events();
  EXPECT_EQ(list_under(yaml, "bot_events"), std::set<std::string>(e.begin(), e.end()));
  EXPECT_EQ(list_under(yaml, "user"), (std::set<std::string>{"openid", "profile", "email"}));
  for (const char* path :
       {"/slack/events", "/slack/commands", "/slack/interactions", "/slack/oauth/callback", "/auth/slack/callback"})
    EXPECT_NE(yaml.find(std::string("https://stats.example.org") + path), std::string::npos) << path;
  EXPECT_NE(yaml.find("home_tab_enabled: true"), std::string::npos);
}

}  // namespace
