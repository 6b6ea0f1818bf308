#pragma once
// Internal to db/: where a connection reads a region's posts and counted beatdowns for the
// dashboard: the posts cache while a PostsCache lives on it (db::dashboard), else the views.
#include <string>
#include <string_view>

#include "detail/database_impl.hpp"
#include "detail/region_schema.hpp"
#include "paxstats/db/regions.hpp"

namespace paxstats::db::detail {

inline std::string counted_source(Database& db, std::string_view region) {
  const auto& sources = db.impl().counted_source;
  if (auto it = sources.find(region); it != sources.end()) return it->second;
  return region_schema(region) + ".counted_beatdowns";
}

inline std::string posts_source(Database& db, std::string_view region) {
  const auto& sources = db.impl().posts_source;
  if (auto it = sources.find(region); it != sources.end()) return it->second;
  return region_schema(region) + ".posts";
}

}  // namespace paxstats::db::detail
