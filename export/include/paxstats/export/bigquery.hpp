#pragma once
// A table's schema as BigQuery loads it (bq load --schema FILE), beside each NDJSON table.
#include <nlohmann/json.hpp>
#include <vector>

#include "paxstats/db/community.hpp"

namespace paxstats::dataset {

// [{"name", "type" (STRING, INTEGER, FLOAT, BOOLEAN, TIMESTAMP, RECORD), "mode" (NULLABLE,
// REQUIRED, REPEATED), "fields" for a record}, …]
nlohmann::json bigquery_schema(const std::vector<db::community::ExportColumn>& columns);

}  // namespace paxstats::dataset
