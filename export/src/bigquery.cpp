// BigQuery's table schema (bq load --schema) for an NDJSON table of the dataset.
#include "paxstats/export/bigquery.hpp"

namespace paxstats::dataset {
namespace {

std::string_view type_name(const db::community::ExportColumn& c) {
  using T = db::community::ColumnType;
  switch (c.type) {
    case T::string: return "STRING";
    case T::integer: return "INTEGER";
    case T::floating: return "FLOAT";
    case T::boolean: return "BOOLEAN";
    case T::timestamp: return "TIMESTAMP";
    case T::record: return "RECORD";
  }
  return "STRING";
}

std::string_view mode_name(const db::community::ExportColumn& c) {
  using M = db::community::ColumnMode;
  switch (c.mode) {
    case M::nullable: return "NULLABLE";
    case M::required: return "REQUIRED";
    case M::repeated: return "REPEATED";
  }
  return "NULLABLE";
}

}  // namespace

nlohmann::json bigquery_schema(const std::vector<db::community::ExportColumn>& columns) {
  auto out = nlohmann::json::array();
  for (const auto& c : columns) {
    nlohmann::json f = {{"name", c.name}, {"type", type_name(c)}, {"mode", mode_name(c)}};
    if (!c.fields.empty()) f["fields"] = bigquery_schema(c.fields);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace paxstats::dataset
