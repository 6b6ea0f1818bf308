#pragma once
// Internal to reports/: one label per person in a region's charts.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "paxstats/db/report_queries.hpp"

namespace paxstats::reports::detail {

// One label per person in a region's charts: a person's name, and when two people share one
// (two users, or a user and a name typed without a mention that is not theirs), the shortest
// addition that tells them apart: the real name's initials, then the real name, then the end of
// the user id; typed names say "typed". Without real names (a page anyone sees, where people go
// by their F3 names), only the end of the user id.
class Labels {
 public:
  explicit Labels(const std::vector<db::report::PersonName>& people, bool real_names = true) {
    std::map<std::string, std::vector<const db::report::PersonName*>> by_name;
    for (const auto& p : people) by_name[lower(p.name)].push_back(&p);
    for (const auto& [name, group] : by_name) {
      if (group.size() == 1) {
        label_[group[0]->person] = group[0]->name;
        continue;
      }
      for (auto suffix : {&Labels::initials, &Labels::real_name, &Labels::id_end}) {
        std::set<std::string> seen;
        bool distinct = true;
        for (const auto* p : group) distinct &= seen.insert(lower(tag(*p, suffix))).second;
        if (!real_names && suffix != &Labels::id_end) continue;
        if (!distinct && suffix != &Labels::id_end) continue;
        for (const auto* p : group) label_[p->person] = p->name + " (" + tag(*p, suffix) + ")";
        break;
      }
    }
  }
  // The label of a person; `name` when the region has no such person (yet).
  std::string operator()(const std::string& person, const std::string& name) const {
    const auto it = label_.find(person);
    return it != label_.end() ? it->second : name;
  }

 private:
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  static std::string initials(const db::report::PersonName& p) {
    std::string out;
    bool start = true;
    for (char c : p.real_name) {
      if (start && c != ' ') out += std::string(1, c) + ".";
      start = c == ' ';
    }
    return out;
  }
  static std::string real_name(const db::report::PersonName& p) { return p.real_name; }
  static std::string id_end(const db::report::PersonName& p) {
    return p.user_id.substr(p.user_id.size() > 4 ? p.user_id.size() - 4 : 0);
  }
  static std::string tag(const db::report::PersonName& p, std::string (*suffix)(const db::report::PersonName&)) {
    if (p.user_id.empty()) return "typed";
    const std::string t = suffix(p);
    return t.empty() ? id_end(p) : t;
  }
  std::map<std::string, std::string> label_;
};

}  // namespace paxstats::reports::detail
