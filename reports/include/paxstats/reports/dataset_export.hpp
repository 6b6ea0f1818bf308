#pragma once
// paxstats export: a region's master dataset as files, one per table (README "Community
// analytics"). The raw store keeps every message Slack has ever sent paxstats, so each export
// holds the whole history, including what Slack itself has since deleted.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "paxstats/db/community.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::reports {

struct DatasetExportOptions {
  std::filesystem::path out;  // the folder; made when absent
  db::community::ExportFormat format = db::community::ExportFormat::csv;
  db::community::Window window;
  std::string today;  // "YYYY-MM-DD" from the business clock, for the GEXF file's metadata
};

struct DatasetExportResult {
  std::vector<std::pair<std::string, std::int64_t>> files;  // file name → rows (GEXF: nodes + edges)
  std::int64_t messages = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
};

// Writes <table>.csv (or .ndjson with a BigQuery <table>.schema.json beside it) for every table,
// Gephi's nodes.csv and edges.csv, and network.gexf (GEXF 1.3). All files are written under a
// temporary name in `out` and renamed into place only when every one is complete, so a failed
// export leaves the folder as it was. Existing files of the same names are replaced.
DatasetExportResult export_dataset(db::Database& db, std::string_view region, const DatasetExportOptions& options);

// GEXF 1.3 for a network: directed, weighted edges whose kind (reply, mention, reaction) is the
// edge's GEXF kind and an attribute. Names are escaped for XML.
std::string gexf(const std::vector<db::community::NetworkNode>& nodes,
                 const std::vector<db::community::NetworkEdge>& edges, const std::string& today,
                 const std::string& description);

}  // namespace paxstats::reports
