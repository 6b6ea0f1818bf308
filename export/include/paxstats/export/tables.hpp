#pragma once
// The dataset's tables as files: CSV (as PostgreSQL's COPY … (FORMAT csv, HEADER) writes it) or
// NDJSON, one table at a time, streamed to a sink.
#include <cstdint>
#include <functional>
#include <string_view>

#include "paxstats/db/community.hpp"
#include "paxstats/export/tally.hpp"

namespace paxstats::dataset {

// A table read from the store as it is (db::community::is_raw): CSV with a header row from the
// reader's binary rows, or NDJSON from the server's row_to_json. Returns its rows.
std::int64_t write_raw_table(db::community::DatasetReader& reader, db::community::ExportTable table,
                             db::community::ExportFormat format, const std::function<void(std::string_view)>& sink);

// A table of the tally: member_activity and channel_activity as CSV or NDJSON, the network's
// nodes and edges as CSV in Gephi's spreadsheet format whatever `format`. Returns its rows.
std::int64_t write_counted_table(const Tally& tally, db::community::ExportTable table,
                                 db::community::ExportFormat format, const std::function<void(std::string_view)>& sink);

}  // namespace paxstats::dataset
