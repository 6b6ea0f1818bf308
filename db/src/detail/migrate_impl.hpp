#pragma once
// Internal to db/: migration steps that run inside a caller's transaction (region creation
// applies every region migration in the same transaction as the region's row).
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "paxstats/db/migrate.hpp"

namespace paxstats::db::detail {

// Creates schema and its schema_migrations table if absent.
void ensure_ledger(pqxx::transaction_base& tx, std::string_view schema);
// Serialises migration of one schema across processes until tx ends.
void lock_schema(pqxx::transaction_base& tx, std::string_view schema);
// Applies file to schema unless already recorded; returns whether it applied it.
bool apply_one(pqxx::transaction_base& tx, const MigrationSet& set, const EmbeddedFile& file, std::string_view schema);
// The fingerprint of the region migrations (paxstats.regions.migrated: a region whose schema has
// them all, as they are).
std::string region_set_fingerprint();

}  // namespace paxstats::db::detail
