#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

// One name per person: typed names (no mention) that are a region user's name. The posts view
// reads through the region's `aliases` table (README, "How paxstats counts").
namespace paxstats::db {

enum class AliasRule {
  display_name,  // the typed name is the user's display name …
  real_name,     // … or real name …
  user_name,     // … or the name paxstats shows (display, real or handle): matched by paxstats
  confirmed,     // an admin said so (paxstats region alias SLUG add)
  removed,       // an admin said it is not that user: never matched again
  ambiguous,     // it matches several users: left typed, listed for an admin
};
std::string to_string(AliasRule rule);

// The key names are matched by: lower case, accents folded, without spaces and punctuation
// ("Señor Frío" and "senor-frio" are both "senorfrio").
std::string name_key(std::string_view name);

struct Alias {
  std::string typed;      // as first typed
  std::string user_id;    // "" when removed or ambiguous
  std::string user_name;  // the user's name as charts show it
  AliasRule rule = AliasRule::user_name;
  std::vector<std::string> candidates;  // ambiguous: the users it could be
  int posts = 0;                        // attendance rows with this typed name
};

struct AliasRefresh {
  int matched = 0, ambiguous = 0;  // typed names now a user / matching several
};
// Matches every typed name of the region's attendance against its users (not bots, not
// deleted): a name whose key is one user's display, real or shown name becomes that user; a
// name that fits several is recorded as ambiguous. Confirmed and removed entries stay as the
// admin left them. One transaction.
AliasRefresh refresh_aliases(Database& db, std::string_view region);

// Every alias of the region, with how many posts each moves: by typed name.
std::vector<Alias> list_aliases(Database& db, std::string_view region);

// An admin's word: `typed` is `user_id` (UserError for a user the region does not have).
void confirm_alias(Database& db, std::string_view region, std::string_view typed, std::string_view user_id);
// An admin's word: `typed` is nobody's alias, now or later. False when it was not one.
bool remove_alias(Database& db, std::string_view region, std::string_view typed);

}  // namespace paxstats::db
