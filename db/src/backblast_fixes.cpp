#include "paxstats/db/backblast_fixes.hpp"

#include "detail/region_schema.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db {

using detail::region_schema;

std::vector<TypedName> unsettled_typed_names(Database& db, std::string_view region, std::string_view channel_id,
                                             std::string_view ts) {
  const std::string s = region_schema(region);
  std::vector<TypedName> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT a.name, coalesce(al.user_id, ''), coalesce(array_to_string(al.candidates, ','), '') "
                  "FROM " +
                      s + ".attendance a LEFT JOIN " + s +
                      ".aliases al ON al.typed_lower = lower(a.name) "
                      "WHERE a.channel_id = $1 AND a.ts = $2 AND a.user_id IS NULL "
                      "AND coalesce(al.rule, '') NOT IN ('confirmed', 'removed') ORDER BY a.name",
                  {std::string(channel_id), std::string(ts)})) {
    TypedName t{r[0].value_or(""), r[1].value_or(""), {}};
    std::string list = r[2].value_or("");
    for (size_t at = 0; !list.empty() && at != std::string::npos;) {
      const auto comma = list.find(',', at);
      t.candidates.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
      at = comma == std::string::npos ? comma : comma + 1;
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> backblast_leaders(Database& db, std::string_view region, std::string_view channel_id,
                                           std::string_view ts) {
  std::vector<std::string> out;
  for (const auto& r : sql::query(db,
                                  "SELECT DISTINCT user_id FROM " + region_schema(region) +
                                      ".attendance WHERE channel_id = $1 AND ts = $2 AND role IN ('q', 'coq') "
                                      "AND user_id IS NOT NULL ORDER BY user_id",
                                  {std::string(channel_id), std::string(ts)}))
    out.push_back(r[0].value_or(""));
  return out;
}

std::optional<CountDisagreement> count_disagreement(Database& db, std::string_view region, std::string_view channel_id,
                                                    std::string_view ts) {
  const std::string s = region_schema(region);
  const auto r = sql::query(db,
                            "SELECT b.pax_count, b.derived_count FROM " + s +
                                ".beatdowns b WHERE b.channel_id = $1 "
                                "AND b.ts = $2 AND b.pax_count IS DISTINCT FROM b.derived_count AND NOT EXISTS "
                                "(SELECT 1 FROM " +
                                s + ".count_choices c WHERE c.channel_id = b.channel_id AND c.ts = b.ts)",
                            {std::string(channel_id), std::string(ts)});
  if (r.empty() || !r[0][0] || !r[0][1]) return std::nullopt;
  return CountDisagreement{std::stoi(*r[0][0]), std::stoi(*r[0][1])};
}

bool choose_count(Database& db, std::string_view region, std::string_view channel_id, std::string_view ts,
                  CountChoice choice, std::string_view chosen_by) {
  const std::string s = region_schema(region);
  const bool use_names = choice == CountChoice::use_names;
  // One statement: the choice kept (COUNT's number with it, the first time), and the beatdown's
  // count set by it: the names', or COUNT's back.
  const auto r =
      sql::query(db,
                 "WITH b AS (SELECT pax_count, derived_count FROM " + s +
                     ".beatdowns WHERE channel_id = $1 AND ts = $2), "
                     "c AS (INSERT INTO " +
                     s +
                     ".count_choices (channel_id, ts, use_names, count_was, chosen_by) "
                     "      SELECT $1, $2, $3::boolean, b.pax_count, $4 FROM b "
                     "      ON CONFLICT (channel_id, ts) DO UPDATE SET use_names = EXCLUDED.use_names, chosen_by = "
                     "EXCLUDED.chosen_by, "
                     "      chosen_at = now() RETURNING count_was) "
                     "UPDATE " +
                     s +
                     ".beatdowns x SET pax_count = CASE WHEN $3::boolean THEN x.derived_count ELSE "
                     "coalesce((SELECT count_was FROM c), x.pax_count) END "
                     "WHERE x.channel_id = $1 AND x.ts = $2 RETURNING 1",
                 {std::string(channel_id), std::string(ts), use_names ? "true" : "false", std::string(chosen_by)});
  return !r.empty();
}

}  // namespace paxstats::db
