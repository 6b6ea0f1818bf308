#pragma once
// Reading a generated export and its truth.json, for tests that check the mining engine
// against the generator's ground truth.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "paxstats/mining/generator.hpp"
#include "postgres_env.hpp"

namespace paxstats::test {

using json = nlohmann::json;

inline json load_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// A person of truth.json or of the parser, as one comparable string.
inline std::string person_key(const json& p) {
  return p.contains("user_id") ? "U:" + p["user_id"].get<std::string>() : "N:" + p["name"].get<std::string>();
}

inline std::set<std::string> people(const json& list) {
  std::set<std::string> out;
  for (const auto& p : list) out.insert(person_key(p));
  return out;
}

// A generated workspace (an unpacked export) and its truth.json, removed with the object.
struct GeneratedWorkspace {
  TempDir dir;
  json truth;
  explicit GeneratedWorkspace(const mining::GeneratorOptions& options) {
    mining::generate_workspace(options, dir.path());
    truth = load_json(dir.path() / "truth.json");
  }
  const std::filesystem::path& path() const { return dir.path(); }
};

// Every message of an unpacked export, by (channel id, ts).
inline std::map<std::pair<std::string, std::string>, json> export_messages(const std::filesystem::path& dir) {
  std::map<std::pair<std::string, std::string>, json> out;
  for (const char* file : {"channels.json", "groups.json"})
    for (const auto& c : load_json(dir / file))
      for (const auto& day : std::filesystem::directory_iterator(dir / c["name"].get<std::string>()))
        for (auto& m : load_json(day.path())) out[{c["id"], m["ts"]}] = m;
  return out;
}

}  // namespace paxstats::test
