// The alias table of a region: typed names matched to users (see aliases.hpp).
#include "paxstats/db/aliases.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db {
namespace {

using detail::region_schema;

// Latin letters with accents (U+00C0–U+017F) → their base letters, lower case; "" for what has
// none (×, ÷). Index: code point − 0xC0.
const char* const kFold[] = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0–CF
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0–DF
    "a", "a", "a",  "a",  "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0–EF
    "d", "n", "o",  "o",  "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0–FF
    "a", "a", "a",  "a",  "a", "a", "c",  "c", "c", "c", "c", "c", "c", "c", "d",  "d",   // 100–10F
    "d", "d", "e",  "e",  "e", "e", "e",  "e", "e", "e", "e", "e", "g", "g", "g",  "g",   // 110–11F
    "g", "g", "g",  "g",  "h", "h", "h",  "h", "i", "i", "i", "i", "i", "i", "i",  "i",   // 120–12F
    "i", "i", "ij", "ij", "j", "j", "k",  "k", "k", "l", "l", "l", "l", "l", "l",  "l",   // 130–13F
    "l", "l", "l",  "n",  "n", "n", "n",  "n", "n", "n", "n", "n", "o", "o", "o",  "o",   // 140–14F
    "o", "o", "oe", "oe", "r", "r", "r",  "r", "r", "r", "s", "s", "s", "s", "s",  "s",   // 150–15F
    "s", "s", "t",  "t",  "t", "t", "t",  "t", "u", "u", "u", "u", "u", "u", "u",  "u",   // 160–16F
    "u", "u", "u",  "u",  "w", "w", "y",  "y", "y", "z", "z", "z", "z", "z", "z",  "s"};  // 170–17F

AliasRule parse_rule(const std::string& s) {
  for (auto r : {AliasRule::display_name, AliasRule::real_name, AliasRule::user_name, AliasRule::confirmed,
                 AliasRule::removed, AliasRule::ambiguous})
    if (to_string(r) == s) return r;
  throw std::logic_error("unknown alias rule " + s);
}

std::vector<std::string> parse_array(const std::optional<std::string>& v) {
  // A text[] as PostgreSQL prints it: {a,b} (user ids: no quotes or commas inside).
  std::vector<std::string> out;
  if (!v || v->size() < 2) return out;
  std::string item;
  for (char c : v->substr(1, v->size() - 2)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else if (c != '"') {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::string to_string(AliasRule rule) {
  switch (rule) {
    case AliasRule::display_name: return "display_name";
    case AliasRule::real_name: return "real_name";
    case AliasRule::user_name: return "user_name";
    case AliasRule::confirmed: return "confirmed";
    case AliasRule::removed: return "removed";
    case AliasRule::ambiguous: return "ambiguous";
  }
  return "?";
}

std::string name_key(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
      ++i;
      continue;
    }
    // A UTF-8 sequence: Latin accents fold to their letter; other scripts (Korean, …) are kept.
    const size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    if (len == 2 && i + 1 < name.size()) {
      const unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3F);
      if (cp >= 0xC0 && cp <= 0x17F) {
        out += kFold[cp - 0xC0];
        i += 2;
        continue;
      }
      if (cp < 0xC0) {  // Latin-1 punctuation and symbols (¡, «, ·): not part of a name
        i += 2;
        continue;
      }
    }
    if (len == 3 && i + 2 < name.size()) {
      const unsigned cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(name[i + 1]) & 0x3F) << 6) |
                          (static_cast<unsigned char>(name[i + 2]) & 0x3F);
      if (cp >= 0x2000 && cp <= 0x206F) {  // general punctuation (’ “ ” – —)
        i += 3;
        continue;
      }
    }
    out.append(name.substr(i, std::min(len, name.size() - i)));
    i += len;
  }
  return out;
}

AliasRefresh refresh_aliases(Database& db, std::string_view region) {
  const std::string s = region_schema(region);
  pqxx::work tx(db.impl().conn);
  // The users by the key of each of their names, by rule.
  std::map<std::string, std::map<std::string, AliasRule>> by_key;  // key → user → first rule
  for (const auto& r : tx.exec("SELECT user_id, coalesce(display_name, ''), coalesce(real_name, ''), user_name FROM " +
                               s + ".users WHERE NOT is_bot AND NOT deleted")) {
    const std::string id = r[0].c_str();
    const std::pair<std::string, AliasRule> names[] = {{r[1].c_str(), AliasRule::display_name},
                                                       {r[2].c_str(), AliasRule::real_name},
                                                       {r[3].c_str(), AliasRule::user_name}};
    for (const auto& [n, rule] : names) {
      const std::string k = name_key(n);
      if (k.empty()) continue;
      by_key[k].emplace(id, rule);  // the first rule that matched this user stays
    }
  }
  // What the table holds: an admin's word (kept as it is) and paxstats' own matches.
  struct Entry {
    std::string user_id;
    AliasRule rule = AliasRule::user_name;
    std::vector<std::string> candidates;
    bool operator==(const Entry&) const = default;
  };
  std::map<std::string, AliasRule> kept;  // typed_lower → confirmed or removed
  std::map<std::string, Entry> have;      // typed_lower → a match paxstats made
  for (const auto& r :
       tx.exec("SELECT typed_lower, coalesce(user_id, ''), rule, candidates::text FROM " + s + ".aliases")) {
    const AliasRule rule = parse_rule(r[2].c_str());
    if (rule == AliasRule::confirmed || rule == AliasRule::removed)
      kept[r[0].c_str()] = rule;
    else
      have[r[0].c_str()] = {r[1].c_str(), rule, parse_array(std::string(r[3].c_str()))};
  }
  // What it should hold: every typed name whose key is some user's.
  AliasRefresh out;
  std::map<std::string, std::pair<std::string, Entry>> want;  // typed_lower → (typed, match)
  for (const auto& r : tx.exec("SELECT lower(name), min(name) FROM " + s +
                               ".attendance WHERE user_id IS NULL AND name IS NOT NULL AND name <> '' GROUP BY 1")) {
    const std::string lower = r[0].c_str(), typed = r[1].c_str();
    if (const auto k = kept.find(lower); k != kept.end()) {
      out.matched += k->second == AliasRule::confirmed;
      continue;
    }
    const auto it = by_key.find(name_key(typed));
    if (it == by_key.end()) continue;
    Entry e;
    if (it->second.size() == 1) {
      std::tie(e.user_id, e.rule) = *it->second.begin();
      ++out.matched;
    } else {
      e.rule = AliasRule::ambiguous;
      for (const auto& [user, rule] : it->second) e.candidates.push_back(user);
      ++out.ambiguous;
    }
    want[lower] = {typed, std::move(e)};
  }
  // The difference, in two statements, each only when there is something to write: a refresh
  // that changes nothing writes nothing, so the dashboard's pages stay as they are.
  std::vector<std::string> gone, lower, typed, user, rule, candidates;
  for (const auto& [l, e] : have)
    if (!want.count(l)) gone.push_back(l);  // names no longer typed, or no longer a user's
  for (const auto& [l, w] : want) {
    if (const auto h = have.find(l); h != have.end() && h->second == w.second) continue;
    lower.push_back(l);
    typed.push_back(w.first);
    user.push_back(w.second.user_id);
    rule.push_back(to_string(w.second.rule));
    candidates.push_back(detail::text_array(w.second.candidates));
  }
  if (!gone.empty())
    detail::exec_params(tx, "DELETE FROM " + s + ".aliases WHERE typed_lower = ANY($1::text[])",
                        {detail::text_array(gone)});
  if (!lower.empty())
    detail::exec_params(
        tx,
        "INSERT INTO " + s +
            ".aliases AS al (typed_lower, typed, user_id, rule, candidates) "
            "SELECT l, t, nullif(u, ''), r, c::text[] FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
            "$5::text[]) AS x (l, t, u, r, c) "
            "ON CONFLICT (typed_lower) DO UPDATE SET user_id = excluded.user_id, rule = excluded.rule, "
            "candidates = excluded.candidates, updated = now()",
        {detail::text_array(lower), detail::text_array(typed), detail::text_array(user), detail::text_array(rule),
         detail::text_array(candidates)});
  tx.commit();
  return out;
}

std::vector<Alias> list_aliases(Database& db, std::string_view region) {
  const std::string s = region_schema(region);
  std::vector<Alias> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT al.typed, coalesce(al.user_id, ''), coalesce(u.user_name, ''), al.rule, "
                  "al.candidates::text, (SELECT count(*) FROM " +
                      s +
                      ".attendance a WHERE a.user_id IS NULL "
                      "AND lower(a.name) = al.typed_lower) FROM " +
                      s + ".aliases al LEFT JOIN " + s + ".users u ON u.user_id = al.user_id ORDER BY lower(al.typed)"))
    out.push_back({*r[0], *r[1], *r[2], parse_rule(*r[3]), parse_array(r[4]), std::stoi(*r[5])});
  return out;
}

void confirm_alias(Database& db, std::string_view region, std::string_view typed, std::string_view user_id) {
  const std::string s = region_schema(region);
  if (typed.empty()) throw UserError("an alias needs the name as it was typed, e.g. \"Dozer\"");
  if (!sql::value(db, "SELECT user_id FROM " + s + ".users WHERE user_id = $1", {std::string(user_id)}))
    throw UserError("region " + std::string(region) + " has no user " + std::string(user_id) +
                    " (sync or import first, or check the id: Slack profile → ⋮ → Copy member ID)");
  sql::query(db,
             "INSERT INTO " + s +
                 ".aliases (typed_lower, typed, user_id, rule) VALUES (lower($1), $1, $2, 'confirmed') "
                 "ON CONFLICT (typed_lower) DO UPDATE SET user_id = $2, rule = 'confirmed', candidates = '{}', updated "
                 "= now()",
             {std::string(typed), std::string(user_id)});
}

bool remove_alias(Database& db, std::string_view region, std::string_view typed) {
  const std::string s = region_schema(region);
  const auto before =
      sql::value(db, "SELECT rule FROM " + s + ".aliases WHERE typed_lower = lower($1)", {std::string(typed)});
  sql::query(db,
             "INSERT INTO " + s +
                 ".aliases (typed_lower, typed, user_id, rule) VALUES (lower($1), $1, NULL, 'removed') "
                 "ON CONFLICT (typed_lower) DO UPDATE SET user_id = NULL, rule = 'removed', candidates = '{}', updated "
                 "= now()",
             {std::string(typed)});
  return before && *before != "removed" && *before != "ambiguous";
}

}  // namespace paxstats::db
