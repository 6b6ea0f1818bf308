// The backblast parser's public face: the region's context (channels by name), the roles of a
// parsed backblast, and parse_backblast, which never throws. The layers are in parse/: text
// (normalising), labels (detecting), people, dates, and fields (reading it all). Hand-written
// scanning over string_views (no regex): it runs on every message of every import.
#include "paxstats/mining/backblast.hpp"

#include <algorithm>
#include <unordered_set>

#include "parse/fields.hpp"
#include "parse/text.hpp"

namespace paxstats::mining {

using namespace parse;

// ------------------------------------------------------------------------------- context

namespace {
// "AO: The Forge" → "theforge"; "ao-the-forge" → "aotheforge" (looked up with and without "ao").
std::string loose_key(sv name) {
  std::string k;
  for (char c : name)
    if (is_alpha(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80) k += lower(c);
  return k;
}
std::string without_ao(const std::string& k) {
  return k.size() > 2 && k.rfind("ao", 0) == 0 ? k.substr(2) : std::string();
}
}  // namespace

ParseContext::ParseContext(std::string_view tz, const std::vector<ChannelInfo>& channels)
    : zone_(date::locate_zone(tz)) {
  for (const auto& c : channels) {
    exact_[lower_copy(c.name)] = c.id;
    const std::string k = loose_key(c.name);
    loose_.emplace(k, c.id);
    if (auto bare = without_ao(k); !bare.empty()) loose_.emplace(bare, c.id);
    ids_[c.id] = true;
  }
}

std::optional<std::string> ParseContext::channel_by_name(std::string_view name) const {
  sv n = trim_markup(name);
  while (!n.empty() && n.front() == '#') n.remove_prefix(1);
  if (n.empty()) return std::nullopt;
  if (auto it = exact_.find(lower_copy(n)); it != exact_.end()) return it->second;
  const std::string k = loose_key(n);
  if (k.empty()) return std::nullopt;
  if (auto it = loose_.find(k); it != loose_.end()) return it->second;
  if (auto bare = without_ao(k); !bare.empty())
    if (auto it = loose_.find(bare); it != loose_.end()) return it->second;
  return std::nullopt;
}

std::vector<Role> Backblast::roles() const {
  // One pass with hash sets: a backblast naming thousands of FNGs stays linear.
  std::unordered_set<std::string> coq_keys, fng_ids(fng_user_ids.begin(), fng_user_ids.end()), fng_keys;
  for (const auto& c : coqs) coq_keys.insert(c.user_id.empty() ? "N:" + lower_copy(c.name) : "U:" + c.user_id);
  for (const auto& n : fng_names) fng_keys.insert(lower_copy(n));
  std::vector<Role> out;
  out.reserve(pax.size());
  for (const auto& p : pax) {
    if (q && *q == p)
      out.push_back(Role::q);
    else if (coq_keys.count(p.user_id.empty() ? "N:" + lower_copy(p.name) : "U:" + p.user_id))
      out.push_back(Role::coq);
    else if (!p.user_id.empty() ? fng_ids.count(p.user_id) > 0 : fng_keys.count(lower_copy(p.name)) > 0)
      out.push_back(Role::fng);
    else
      out.push_back(Role::pax);
  }
  return out;
}

Role Backblast::role_of(const Person& p) const {
  if (q && *q == p) return Role::q;
  if (std::find(coqs.begin(), coqs.end(), p) != coqs.end()) return Role::coq;
  if (!p.user_id.empty() && std::find(fng_user_ids.begin(), fng_user_ids.end(), p.user_id) != fng_user_ids.end())
    return Role::fng;
  if (!p.name.empty())
    for (const auto& n : fng_names)
      if (equals_ci(lower_copy(n), lower_copy(p.name))) return Role::fng;
  return Role::pax;
}

Backblast parse_backblast(const MessageView& msg, const ParseContext& ctx) {
  // The readers check every type they touch; this is the last line of the promise that no
  // message, however odd, stops an import or a service job.
  try {
    return parse::read_message(msg, ctx);
  } catch (const std::exception&) {
    Backblast b;
    b.is_backblast = false;
    return b;
  }
}

nlohmann::json to_json(const Backblast& b) {
  json j;
  j["is_backblast"] = b.is_backblast;
  if (!b.is_backblast) {
    for (const char* k : {"title", "date", "date_source", "q", "count"}) j[k] = nullptr;
    j["ao"] = json{{"channel_id", nullptr}, {"name", nullptr}};
    j["coqs"] = j["pax"] = j["warnings"] = j["errors"] = json::array();
    j["fngs"] = json{{"count", 0}, {"names", json::array()}, {"user_ids", json::array()}};
    j["derived_count"] = 0;
    j["source"] = nullptr;
    return j;
  }
  auto person = [](const Person& p) {
    return p.user_id.empty() ? json{{"name", p.name}} : json{{"user_id", p.user_id}};
  };
  j["title"] = b.title.empty() ? json(nullptr) : json(b.title);
  j["date"] = date::format("%F", b.date);
  j["date_source"] = b.date_source;
  j["ao"] = json{{"channel_id", b.ao_channel_id ? json(*b.ao_channel_id) : json(nullptr)},
                 {"name", b.ao_name ? json(*b.ao_name) : json(nullptr)}};
  j["q"] = b.q ? person(*b.q) : json(nullptr);
  j["coqs"] = json::array();
  for (const auto& c : b.coqs) j["coqs"].push_back(person(c));
  j["pax"] = json::array();
  for (const auto& p : b.pax) j["pax"].push_back(person(p));
  j["fngs"] = json{{"count", b.fng_count}, {"names", b.fng_names}, {"user_ids", b.fng_user_ids}};
  j["count"] = b.count ? json(*b.count) : json(nullptr);
  j["derived_count"] = b.derived_count;
  auto issues = [](const std::vector<ParseIssue>& v) {
    json a = json::array();
    for (const auto& i : v) {
      json x = {{"field", i.field}, {"message", i.reason}};
      if (i.line) x["line"] = i.line;
      a.push_back(x);
    }
    return a;
  };
  j["warnings"] = issues(b.warnings);
  j["errors"] = issues(b.errors);
  j["source"] = b.source;
  return j;
}

}  // namespace paxstats::mining
