#include "paxstats/export/tables.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cells.hpp"
#include "paxstats/csv.hpp"

namespace paxstats::dataset {

using db::community::ColumnType;
using db::community::ExportColumn;
using db::community::ExportFormat;
using db::community::ExportTable;

namespace {

// Writes rows of a table counted here as CSV (with a header) or NDJSON; returns their number.
// cell(row, column): the value as PostgreSQL would write it, or none for NULL.
std::int64_t write_rows(size_t rows, const std::vector<ExportColumn>& columns, ExportFormat format,
                        const std::function<std::optional<std::string>(size_t, size_t)>& cell,
                        const std::function<void(std::string_view)>& sink) {
  std::string out;
  if (format == ExportFormat::csv) {
    for (const auto& c : columns) out += (out.empty() ? "" : ",") + c.name;
    out += '\n';
  }
  for (size_t i = 0; i < rows; ++i) {
    if (format == ExportFormat::csv) {
      for (size_t c = 0; c < columns.size(); ++c) {
        if (c) out += ',';
        if (const auto v = cell(i, c)) append_csv_field(out, *v);
      }
    } else {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (size_t c = 0; c < columns.size(); ++c) {
        const ColumnType type = columns[c].type;
        auto& v = row[columns[c].name];
        const auto value = cell(i, c);
        if (!value)
          v = nullptr;
        else if (type == ColumnType::integer)
          v = std::stoll(*value);
        else if (type == ColumnType::floating)
          v = std::stod(*value);
        else if (type == ColumnType::boolean)
          v = *value == "t" || *value == "true";
        else
          v = *value;
      }
      out += row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    }
    out += '\n';
    if (out.size() > (1u << 16)) {
      sink(out);
      out.clear();
    }
  }
  sink(out);
  return static_cast<std::int64_t>(rows);
}

// A table as CSV with a header, as PostgreSQL's COPY … (FORMAT csv, HEADER) writes it: read in
// binary and written here, so the server sends its values as they are stored (a time is its 8
// bytes, not to_char's text: messages 2.0 → 1.3 s of the server's time at 1M).
std::int64_t copy_csv(db::community::DatasetReader& reader, ExportTable table,
                      const std::function<void(std::string_view)>& sink) {
  const auto columns = db::community::export_columns(table, ExportFormat::csv);
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ",") + c.name;
  out += '\n';
  std::vector<char> kind;  // s(tring), i(nteger), b(oolean), t(imestamp)
  for (const auto& c : columns)
    kind.push_back(c.type == ColumnType::integer     ? 'i'
                   : c.type == ColumnType::boolean   ? 'b'
                   : c.type == ColumnType::timestamp ? 't'
                                                     : 's');
  auto c = reader.rows(table);
  std::int64_t rows = 0;
  while (c.next()) {
    for (size_t k = 0; k < kind.size(); ++k) {
      const int i = static_cast<int>(k);
      if (k) out += ',';
      if (c.null(i)) continue;
      switch (kind[k]) {
        case 'i': out += std::to_string(c.int8(i)); break;
        case 'b': out += c.boolean(i) ? "true" : "false"; break;  // as spreadsheets and BigQuery read them
        case 't': append_iso(out, c.timestamptz(i)); break;
        default: append_copy_csv(out, c.text(i));
      }
    }
    out += '\n';
    ++rows;
    if (out.size() > (1u << 16)) {
      sink(out);
      out.clear();
    }
  }
  sink(out);
  return rows;
}

}  // namespace

std::int64_t write_raw_table(db::community::DatasetReader& reader, ExportTable table, ExportFormat format,
                             const std::function<void(std::string_view)>& sink) {
  return format == ExportFormat::csv ? copy_csv(reader, table, sink) : reader.copy_ndjson(table, sink);
}

// A table of the tally: member_activity and channel_activity as CSV or NDJSON, the network's
// nodes and edges as CSV (Gephi's spreadsheet format).
std::int64_t write_counted_table(const Tally& t, ExportTable table, ExportFormat format,
                                 const std::function<void(std::string_view)>& sink) {
  const auto columns = db::community::export_columns(table, format);
  using Cell = std::optional<std::string>;
  auto num = [](std::int64_t v) -> Cell { return std::to_string(v); };
  // A Slack ts ("1700000000.000100") as the ISO 8601 UTC time of its second.
  auto iso_of_ts = [](const std::string& ts) -> Cell {
    if (ts.empty()) return Cell();
    std::string out;
    append_iso(out, (std::stoll(ts.substr(0, ts.find('.'))) - 946684800) * 1000000);  // PostgreSQL's epoch is 2000
    return out;
  };
  switch (table) {
    case ExportTable::member_activity:
      return write_rows(
          t.members.size(), columns, format,
          [&](size_t r, size_t c) -> Cell {
            const auto& a = t.members[r];
            switch (c) {
              case 0: return a.user_id;
              case 1: return a.user_name;
              case 2: return num(a.messages);
              case 3: return num(a.replies);
              case 4: return num(a.threads_started);
              case 5: return num(a.reactions_received);
              case 6: return num(a.reactions_given);
              case 7: return num(a.files);
              case 8: return num(a.mentions_given);
              case 9: return num(a.mentions_received);
              case 10: return num(a.active_days);
              case 11: return num(a.active_weeks);
              case 12: return iso_of_ts(a.first_ts);
              default: return iso_of_ts(a.last_ts);
            }
          },
          sink);
    case ExportTable::channel_activity:
      return write_rows(
          t.channels.size(), columns, format,
          [&](size_t r, size_t c) -> Cell {
            const auto& a = t.channels[r];
            auto seconds = [](const std::optional<double>& v) -> Cell { return v ? Cell(numeric_round1(*v)) : Cell(); };
            switch (c) {
              case 0: return a.channel_id;
              case 1: return a.name;
              case 2: return num(a.messages);
              case 3: return num(a.active_members);
              case 4: return num(a.threads);
              case 5: return num(a.answered_threads);
              case 6: return seconds(a.median_first_reply_s);
              case 7: return seconds(a.p90_first_reply_s);
              default: return num(a.reactions);
            }
          },
          sink);
    case ExportTable::nodes:
    case ExportTable::edges: {  // the network, in Gephi's spreadsheet format: written directly (670k edges at 1M
                                // messages)
      std::string out;
      for (const auto& c : columns) out += (out.empty() ? "" : ",") + c.name;
      out += '\n';
      auto flush = [&](bool force) {
        if (force || out.size() > (1u << 16)) {
          sink(out);
          out.clear();
        }
      };
      if (table == ExportTable::nodes)
        for (const auto& n : t.network.nodes) {
          append_csv_field(out, n.id);
          out += ',';
          append_csv_field(out, n.label);
          out += ',';
          out += std::to_string(n.messages);
          out += '\n';
          flush(false);
        }
      else
        for (const auto& e : t.network.edges) {
          append_csv_field(out, t.network.nodes[e.source].id);
          out += ',';
          append_csv_field(out, t.network.nodes[e.target].id);
          out += ',';
          out += std::to_string(e.weight);
          out += ",Directed,";
          out += to_string(e.kind);
          out += '\n';
          flush(false);
        }
      flush(true);
      return static_cast<std::int64_t>(table == ExportTable::nodes ? t.network.nodes.size() : t.network.edges.size());
    }
    default: throw std::logic_error("a table read from the store, not counted");
  }
}

}  // namespace paxstats::dataset
