#pragma once
// paxstats export: a region's master dataset as files, one per table (README "Community
// analytics"). The raw store keeps every message Slack has ever sent paxstats, so each export
// holds the whole history, including what Slack itself has since deleted.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "paxstats/db/community.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::dataset {

struct DatasetExportOptions {
  std::filesystem::path out;  // the folder; made when absent
  db::community::ExportFormat format = db::community::ExportFormat::csv;
  db::community::Window window;
  std::string today;  // "YYYY-MM-DD" from the business clock, for the GEXF file's metadata
};

struct ExportedFile {
  std::string name;
  std::int64_t rows = 0;  // GEXF: nodes + edges; schema files: 0
  double seconds = 0;     // reading and writing it
};

struct DatasetExportResult {
  std::vector<ExportedFile> files;
  std::int64_t messages = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
};

// Writes <table>.csv (or .ndjson with a BigQuery <table>.schema.json beside it) for every table,
// Gephi's nodes.csv and edges.csv, and network.gexf (GEXF 1.3). All files are written under a
// temporary name in `out` and renamed into place only when every one is complete, so a failed
// export leaves the folder as it was. Existing files of the same names are replaced.
DatasetExportResult export_dataset(db::Database& db, std::string_view region, const DatasetExportOptions& options);

}  // namespace paxstats::dataset
