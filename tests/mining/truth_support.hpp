#pragma once
// Reading a generated export and its truth.json, for tests that check the mining engine
// against the generator's ground truth.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "paxstats/db/aliases.hpp"
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

// The counting rule for names typed without a mention (db::refresh_aliases; README, "How
// paxstats counts"): such a name is the Slack user — not deleted, not a bot — whose display,
// real or shown name it is, when exactly one user's is (case, accents, spaces and punctuation
// aside). Restated here from users.json, so tests count people as the reports must.
struct Identities {
  std::map<std::string, std::set<std::string>> by_key;  // name key → users
  explicit Identities(const std::filesystem::path& export_dir) {
    for (const auto& u : load_json(export_dir / "users.json")) {
      if (u.value("deleted", false) || u.value("is_bot", false)) continue;
      const json profile = u.value("profile", json::object());
      const std::string display = profile.value("display_name", ""),
                        real = profile.value("real_name", u.value("real_name", ""));
      const std::string shown = !display.empty() ? display : !real.empty() ? real : u.value("name", "");
      for (const auto& n : {display, real, shown})
        if (const auto k = db::name_key(n); !k.empty()) by_key[k].insert(u["id"].get<std::string>());
    }
  }
  // The user a truth.json person is: its user_id, or the one user its typed name matches; "".
  std::string user_of(const json& p) const {
    if (p.contains("user_id")) return p["user_id"];
    const auto it = by_key.find(db::name_key(p["name"].get<std::string>()));
    return it != by_key.end() && it->second.size() == 1 ? *it->second.begin() : "";
  }
};

// The person key of the posts view ("U…", or "name:" + the typed name in lower case) of a
// truth.json person, with typed names of users counted as those users.
inline std::string counted_person(const json& p, const Identities& ids) {
  if (const auto user = ids.user_of(p); !user.empty()) return user;
  std::string n = p["name"];
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "name:" + n;
}

// The people a truth.json beatdown counts a post for: each once (a mention and a typed alias of
// the same user are one person).
inline std::set<std::string> counted_people(const json& beatdown, const Identities& ids) {
  std::set<std::string> out;
  for (const auto& p : beatdown["pax"]) out.insert(counted_person(p, ids));
  return out;
}

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
