#pragma once
// What a backblast's Q (or an admin) can fix from Slack: who its typed names are, and whether its
// COUNT or its named people are the count. db/aliases.hpp keeps the names themselves.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

// A backblast's typed names (people written without a mention) not yet settled by an admin or
// its Q: each with paxstats's guess ("" when none, or when several fit), for the Q's DM.
struct TypedName {
  std::string typed, guess;
  std::vector<std::string> candidates;  // several fit: these
};
std::vector<TypedName> unsettled_typed_names(Database& db, std::string_view region, std::string_view channel_id,
                                             std::string_view ts);

// Who leads a backblast: its Q and Co-Qs as mentioned (user ids), for who may fix it.
std::vector<std::string> backblast_leaders(Database& db, std::string_view region, std::string_view channel_id,
                                           std::string_view ts);

// A backblast whose COUNT and named people disagree, and that nobody has settled yet.
struct CountDisagreement {
  int count = 0, named = 0;
};
std::optional<CountDisagreement> count_disagreement(Database& db, std::string_view region, std::string_view channel_id,
                                                    std::string_view ts);

// The Q's word: COUNT is right (kept, and settled), or the people named are the count. Applied
// at once (the posts version moves) and whenever the backblast is derived again. False when the
// backblast is not stored (deleted meanwhile).
enum class CountChoice { count_is_right, use_names };
bool choose_count(Database& db, std::string_view region, std::string_view channel_id, std::string_view ts,
                  CountChoice choice, std::string_view chosen_by);

}  // namespace paxstats::db
