#pragma once
// Internal to db/: a region's schema as SQL names it, and a text column's value, for every file
// of db/ (one definition: the build compiles db/ files together, see PAXSTATS_UNITY).
#include <optional>
#include <string>
#include <string_view>

#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"

namespace paxstats::db::detail {

// The region's schema, quoted; UserError for a slug that is not one.
inline std::string region_schema(std::string_view region) {
  validate_slug(region);
  return quote_identifier(region);
}

// NULL for "", else the text.
inline std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace paxstats::db::detail
