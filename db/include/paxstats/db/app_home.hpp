#pragma once
// The App Home (region table app_home_users): who opened paxstats's Home tab.
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

// The App Home: who opened it (noted at each app_home_opened), and of a backblast's people (by
// mention or a typed name's alias) those who did, whose page is published again when it changes.
void note_home_opened(Database& db, std::string_view region, std::string_view user_id);
std::vector<std::string> home_users_in(Database& db, std::string_view region, std::string_view channel_id,
                                       std::string_view ts);

}  // namespace paxstats::db
