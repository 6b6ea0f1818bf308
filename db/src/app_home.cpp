#include "paxstats/db/app_home.hpp"

#include "detail/region_schema.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db {

using detail::region_schema;

void note_home_opened(Database& db, std::string_view region, std::string_view user_id) {
  sql::query(db,
             "INSERT INTO " + region_schema(region) +
                 ".app_home_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET last_opened = now()",
             {std::string(user_id)});
}

std::vector<std::string> home_users_in(Database& db, std::string_view region, std::string_view channel_id,
                                       std::string_view ts) {
  const std::string s = region_schema(region);
  std::vector<std::string> out;
  for (const auto& r : sql::query(db,
                                  "SELECT DISTINCT h.user_id FROM " + s + ".attendance a LEFT JOIN " + s +
                                      ".aliases al ON a.user_id IS NULL AND al.typed_lower = lower(a.name) JOIN " + s +
                                      ".app_home_users h ON h.user_id = coalesce(a.user_id, al.user_id) "
                                      "WHERE a.channel_id = $1 AND a.ts = $2 ORDER BY h.user_id",
                                  {std::string(channel_id), std::string(ts)}))
    out.push_back(r[0].value_or(""));
  return out;
}

}  // namespace paxstats::db
