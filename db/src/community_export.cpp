// The dataset export of a community region: its tables, streamed from one snapshot.
#include "paxstats/db/community.hpp"

#include <libpq-fe.h>

#include <map>
#include <nlohmann/json.hpp>

#include "detail/community_common.hpp"
#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/csv.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {

using common::bad_window;
using common::bound;
using common::schema;

namespace {

// ---------------------------------------------------------------- the export's tables

// A column: its name, the SQL that computes it (the FROM clause's aliases), and its BigQuery type.
struct Column {
  Column(std::string n, std::string q, std::string t = "STRING", std::string m = "NULLABLE", std::string nd = {},
         std::vector<ExportColumn> f = {})
      : name(std::move(n)),
        sql(std::move(q)),
        type(std::move(t)),
        mode(std::move(m)),
        ndjson_sql(std::move(nd)),
        fields(std::move(f)) {}
  std::string name, sql, type, mode;
  std::string ndjson_sql;  // when the NDJSON value differs from the CSV one (a repeated record)
  std::vector<ExportColumn> fields;
};

struct TableSpec {
  std::vector<Column> columns;
  // After FROM. `w` is the window (since, until); or with `bound`, $1 (since), $2 (until) and,
  // when it uses it, $3 (tz): a counting function planned with the window's values, run without
  // COPY (COPY takes no parameters) and written out here. Its rows are one a member or channel.
  std::string from;
  bool bound = false;
};

// The window of the raw tables' COPY, set once per transaction (DatasetReader) as settings of
// the session (their plans are a scan whatever the window).
const std::string kWindow =
    "(SELECT current_setting('paxstats.export_since')::timestamptz AS since, "
    "current_setting('paxstats.export_until')::timestamptz AS until) w";

std::string iso(const std::string& expr) {
  return "to_char(" + expr + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

TableSpec spec(ExportTable t, const std::string& s) {
  const std::string in_window = "m.posted_at >= w.since AND m.posted_at < w.until";
  switch (t) {
    case ExportTable::users:
      return {{{"user_id", "u.user_id", "STRING", "REQUIRED"},
               {"user_name", "u.user_name", "STRING", "REQUIRED"},
               {"real_name", "u.real_name"},
               {"display_name", "u.display_name"},
               {"is_bot", "u.is_bot", "BOOLEAN", "REQUIRED"},
               {"deleted", "u.deleted", "BOOLEAN", "REQUIRED"},
               {"tz", "u.tz"}},
              s + ".users u ORDER BY u.user_id"};
    case ExportTable::channels:
      return {{{"channel_id", "c.channel_id", "STRING", "REQUIRED"},
               {"name", "c.name", "STRING", "REQUIRED"},
               {"is_private", "c.is_private", "BOOLEAN", "REQUIRED"},
               {"is_archived", "c.is_archived", "BOOLEAN", "REQUIRED"},
               {"created", iso("c.created"), "TIMESTAMP"}},
              s + ".channels c ORDER BY c.channel_id"};
    case ExportTable::messages: {
      // A message's reactions: "name/users/count" entries joined by ";" (users joined by ","),
      // or in NDJSON a repeated record.
      const std::string reactions_from = "FROM " + s + ".slack_reactions(m.raw) r";
      return {{{"channel_id", "m.channel_id", "STRING", "REQUIRED"},
               {"ts", "m.ts", "STRING", "REQUIRED"},
               {"posted_at", iso("m.posted_at"), "TIMESTAMP", "REQUIRED"},
               {"thread_ts", "m.thread_ts"},
               {"user_id", "m.user_id"},
               {"bot_id", "m.bot_id"},
               {"subtype", "m.subtype"},
               {"text", "m.text", "STRING", "REQUIRED"},
               {"reply_count", "m.reply_count", "INTEGER", "REQUIRED"},
               {"edited_ts", "m.edited_ts"},
               {"deleted", "m.deleted", "BOOLEAN", "REQUIRED"},
               {"reactions",
                "CASE WHEN m.raw ? 'reactions' THEN (SELECT string_agg(r.emoji || '/' || array_to_string(r.users, ',') "
                "|| '/' || r.count, ';' ORDER BY r.\"position\") " +
                    reactions_from + ") END",
                "STRING",
                "NULLABLE",
                "CASE WHEN m.raw ? 'reactions' THEN coalesce((SELECT json_agg(json_build_object('name', r.emoji, "
                "'users', r.users, 'count', r.count) ORDER BY r.\"position\") " +
                    reactions_from + "), '[]'::json) ELSE '[]'::json END",
                {{"name", "STRING", "REQUIRED", {}},
                 {"users", "STRING", "REPEATED", {}},
                 {"count", "INTEGER", "REQUIRED", {}}}},
               {"source", "m.source", "STRING", "REQUIRED"}},
              s + ".messages m, " + kWindow + " WHERE " + in_window + " ORDER BY m.channel_id, m.ts"};
    }
    case ExportTable::reactions:
      return {{{"channel_id", "r.channel_id", "STRING", "REQUIRED"},
               {"ts", "r.ts", "STRING", "REQUIRED"},
               {"emoji", "r.emoji", "STRING", "REQUIRED"},
               {"user_id", "r.user_id", "STRING", "REQUIRED"}},
              s + ".reactions r JOIN " + s + ".messages m USING (channel_id, ts), " + kWindow + " WHERE " + in_window +
                  " ORDER BY r.channel_id, r.ts, r.emoji, r.user_id"};
    case ExportTable::files:
      return {{{"channel_id", "f.channel_id", "STRING", "REQUIRED"},
               {"ts", "f.ts", "STRING", "REQUIRED"},
               {"file_id", "f.file_id", "STRING", "REQUIRED"},
               {"name", "f.name"},
               {"title", "f.title"},
               {"mimetype", "f.mimetype"},
               {"filetype", "f.filetype"},
               {"size", "f.size", "INTEGER"}},
              s + ".files f JOIN " + s + ".messages m USING (channel_id, ts), " + kWindow + " WHERE " + in_window +
                  " ORDER BY f.channel_id, f.ts, f.file_id"};
    case ExportTable::member_activity: {
      std::vector<Column> cols = {{"user_id", "a.user_id", "STRING", "REQUIRED"},
                                  {"user_name", "a.user_name", "STRING", "REQUIRED"}};
      for (const char* n : {"messages", "replies", "threads_started", "reactions_received", "reactions_given", "files",
                            "mentions_given", "mentions_received", "active_days", "active_weeks"})
        cols.push_back({n, std::string("a.") + n, "INTEGER", "REQUIRED"});
      cols.push_back({"first_ts", "a.first_ts"});
      cols.push_back({"last_ts", "a.last_ts"});
      return {cols, s + ".member_activity($3, $1::timestamptz, $2::timestamptz) a ORDER BY a.messages DESC, a.user_id",
              true};
    }
    case ExportTable::channel_activity:
      return {{{"channel_id", "a.channel_id", "STRING", "REQUIRED"},
               {"name", "a.name", "STRING", "REQUIRED"},
               {"messages", "a.messages", "INTEGER", "REQUIRED"},
               {"active_members", "a.active_members", "INTEGER", "REQUIRED"},
               {"threads", "a.threads", "INTEGER", "REQUIRED"},
               {"answered_threads", "a.answered_threads", "INTEGER", "REQUIRED"},
               {"median_first_reply_s", "round(a.median_first_reply_s::numeric, 1)", "FLOAT"},
               {"p90_first_reply_s", "round(a.p90_first_reply_s::numeric, 1)", "FLOAT"},
               {"reactions", "a.reactions", "INTEGER", "REQUIRED"}},
              s + ".channel_activity($1::timestamptz, $2::timestamptz) a ORDER BY a.messages DESC, a.name",
              true};
    case ExportTable::nodes:  // written from the network the reader holds (DatasetReader::network)
      return {{{"Id", "", "STRING", "REQUIRED"},
               {"Label", "", "STRING", "REQUIRED"},
               {"Messages", "", "INTEGER", "REQUIRED"}},
              ""};
    case ExportTable::edges:
      return {{{"Source", "", "STRING", "REQUIRED"},
               {"Target", "", "STRING", "REQUIRED"},
               {"Weight", "", "INTEGER", "REQUIRED"},
               {"Type", "", "STRING", "REQUIRED"},
               {"Kind", "", "STRING", "REQUIRED"}},
              ""};
  }
  throw std::logic_error("unknown export table");
}

std::string select_sql(const TableSpec& t, ExportFormat f) {
  std::string cols;
  for (const auto& c : t.columns) {
    if (!cols.empty()) cols += ", ";
    cols +=
        (f == ExportFormat::ndjson && !c.ndjson_sql.empty() ? c.ndjson_sql : c.sql) + " AS " + quote_identifier(c.name);
  }
  return "SELECT " + cols + " FROM " + t.from;
}

// Writes a result of a bound table's query as CSV (with a header) or NDJSON; returns its rows.
std::int64_t write_rows(PGresult* r, const TableSpec& t, ExportFormat format,
                        const std::function<void(std::string_view)>& sink) {
  std::string out;
  if (format == ExportFormat::csv) {
    for (const auto& c : t.columns) out += (out.empty() ? "" : ",") + c.name;
    out += '\n';
  }
  const int rows = PQntuples(r);
  for (int i = 0; i < rows; ++i) {
    if (format == ExportFormat::csv) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ',';
        if (!PQgetisnull(r, i, static_cast<int>(c))) append_csv_field(out, PQgetvalue(r, i, static_cast<int>(c)));
      }
    } else {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const int col = static_cast<int>(c);
        const std::string& type = t.columns[c].type;
        auto& v = row[t.columns[c].name];
        if (PQgetisnull(r, i, col))
          v = nullptr;
        else if (type == "INTEGER")
          v = std::stoll(PQgetvalue(r, i, col));
        else if (type == "FLOAT")
          v = std::stod(PQgetvalue(r, i, col));
        else if (type == "BOOLEAN")
          v = PQgetvalue(r, i, col)[0] == 't';
        else
          v = PQgetvalue(r, i, col);
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
  return rows;
}

}  // namespace

// ---------------------------------------------------------------- the export

std::string_view table_name(ExportTable t) {
  switch (t) {
    case ExportTable::users: return "users";
    case ExportTable::channels: return "channels";
    case ExportTable::messages: return "messages";
    case ExportTable::reactions: return "reactions";
    case ExportTable::files: return "files";
    case ExportTable::member_activity: return "member_activity";
    case ExportTable::channel_activity: return "channel_activity";
    case ExportTable::nodes: return "nodes";
    case ExportTable::edges: return "edges";
  }
  return "?";
}

std::vector<ExportTable> export_tables() {
  return {ExportTable::users, ExportTable::channels,        ExportTable::messages,         ExportTable::reactions,
          ExportTable::files, ExportTable::member_activity, ExportTable::channel_activity, ExportTable::nodes,
          ExportTable::edges};
}

std::vector<ExportColumn> export_columns(ExportTable t, ExportFormat f) {
  std::vector<ExportColumn> out;
  for (const auto& c : spec(t, "s").columns) {
    if (f == ExportFormat::ndjson && !c.fields.empty())
      out.push_back({c.name, "RECORD", "REPEATED", c.fields});
    else
      out.push_back({c.name, c.type, c.mode, {}});
  }
  return out;
}

struct DatasetReader::Impl {
  PGconn* conn = nullptr;
  std::string snapshot;  // pg_export_snapshot(), asked for by the first sibling
  std::optional<Network> network;
  std::string schema;
  Window window;
  std::string since, until, tz;  // the window as PostgreSQL read it, and the region's zone
  ~Impl() {
    if (conn) PQfinish(conn);
  }
  // One statement with parameters; throws on failure.
  PGresult* exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r =
        PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string why = PQresultErrorMessage(r);
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      const bool data_error = state && std::string_view(state).substr(0, 2) == "22";
      PQclear(r);
      if (data_error) throw bad_window(window, why);
      throw std::runtime_error("dataset export: " + why);
    }
    return r;
  }
  void run(const std::string& sql, const std::vector<std::string>& params = {}) { PQclear(exec(sql, params)); }
};

DatasetReader::DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window,
                             DatasetReader& first)
    : DatasetReader(db, region, tz, window, &first) {}

DatasetReader::DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window)
    : DatasetReader(db, region, tz, window, nullptr) {}

DatasetReader::DatasetReader(Database& db, std::string_view region, std::string_view tz, const Window& window,
                             DatasetReader* first)
    : impl_(std::make_unique<Impl>()) {
  impl_->schema = schema(region);
  impl_->window = window;
  impl_->conn = PQconnectdb(db.impl().url.c_str());
  if (PQstatus(impl_->conn) != CONNECTION_OK)
    throw UserError("cannot open a second connection to PostgreSQL at " + redact_url(db.impl().url) +
                    " for the export: " + PQerrorMessage(impl_->conn));
  impl_->run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (first) {
    // The first reader's snapshot (exported once, while its transaction stands).
    if (first->impl_->snapshot.empty()) {
      PGresult* s = first->impl_->exec("SELECT pg_export_snapshot()");
      first->impl_->snapshot = PQgetvalue(s, 0, 0);
      PQclear(s);
    }
    impl_->run("SET TRANSACTION SNAPSHOT '" + first->impl_->snapshot + "'");  // pg's own id: [0-9A-F-]
  }
  // The region's zone (window dates are its midnights); its schema first (the counting
  // functions are inlined into the queries that call them, and read its views by name).
  impl_->run(
      "SELECT set_config('TimeZone', $1, true), set_config('search_path', $2, true), "
      "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)",  // as in_zone says
      {std::string(tz), impl_->schema + ", pg_catalog"});
  // The window's ends, read once here (a bad one is refused before any file is written).
  PGresult* w = impl_->exec(
      "SELECT set_config('paxstats.export_since', $1::timestamptz::text, true), "
      "set_config('paxstats.export_until', $2::timestamptz::text, true)",
      {bound(window.since, "-infinity"), bound(window.until, "infinity")});
  impl_->since = PQgetvalue(w, 0, 0);
  impl_->until = PQgetvalue(w, 0, 1);
  impl_->tz = tz;
  PQclear(w);
}

DatasetReader::~DatasetReader() = default;

std::int64_t DatasetReader::copy(ExportTable table, ExportFormat format,
                                 const std::function<void(std::string_view)>& sink) {
  if (table == ExportTable::nodes || table == ExportTable::edges) return write_network(table, sink);
  const TableSpec t = spec(table, impl_->schema);
  if (t.bound) {
    std::vector<std::string> params = {impl_->since, impl_->until};
    if (t.from.find("$3") != std::string::npos) params.push_back(impl_->tz);
    PGresult* r = impl_->exec(select_sql(t, ExportFormat::csv), params);
    try {
      const auto rows = write_rows(r, t, format, sink);
      PQclear(r);
      return rows;
    } catch (...) {
      PQclear(r);
      throw;
    }
  }
  const std::string select = select_sql(t, format);
  // NDJSON: each row as one JSON text, copied as CSV with a quote and delimiter no JSON text
  // holds (JSON escapes every control character), so the bytes arrive unchanged.
  const std::string copy = format == ExportFormat::csv
                               ? "COPY (" + select + ") TO STDOUT (FORMAT csv, HEADER true)"
                               : "COPY (SELECT row_to_json(t)::text FROM (" + select +
                                     ") t) TO STDOUT (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
  PGresult* r = PQexec(impl_->conn, copy.c_str());
  if (PQresultStatus(r) != PGRES_COPY_OUT) {
    const std::string why = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("dataset export of " + std::string(table_name(table)) + ": " + why);
  }
  PQclear(r);
  std::int64_t rows = 0;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(impl_->conn, &buf, 0);
    if (n < 0) break;
    std::unique_ptr<char, decltype(&PQfreemem)> hold(buf, &PQfreemem);
    sink(std::string_view(buf, static_cast<size_t>(n)));
    ++rows;
  }
  r = PQgetResult(impl_->conn);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  while ((r = PQgetResult(impl_->conn)) != nullptr) PQclear(r);
  if (!ok) throw std::runtime_error("dataset export of " + std::string(table_name(table)) + ": " + why);
  return format == ExportFormat::csv && rows > 0 ? rows - 1 : rows;  // the header is no row
}

std::int64_t DatasetReader::write_network(ExportTable table, const std::function<void(std::string_view)>& sink) {
  const auto& net = network();
  std::string out;
  for (const auto& c : spec(table, "").columns) out += (out.empty() ? "" : ",") + c.name;
  out += "\n";
  std::int64_t rows = 0;
  auto flush = [&](bool force) {
    if (force || out.size() > (1u << 16)) {
      sink(out);
      out.clear();
    }
  };
  if (table == ExportTable::nodes)
    for (const auto& n : net.nodes) {
      append_csv_field(out, n.id);
      out += ',';
      append_csv_field(out, n.label);
      out += ',' + std::to_string(n.messages) + '\n';
      ++rows;
      flush(false);
    }
  else
    for (const auto& e : net.edges) {
      append_csv_field(out, e.source);
      out += ',';
      append_csv_field(out, e.target);
      out += ',' + std::to_string(e.weight) + ",Directed," + e.kind + '\n';
      ++rows;
      flush(false);
    }
  flush(true);
  return rows;
}

const Network& DatasetReader::network() {
  if (impl_->network) return *impl_->network;
  Network net;
  PGresult* r = impl_->exec("SELECT e.source, e.target, e.kind, e.weight FROM " + impl_->schema +
                                ".interaction_edges($1::timestamptz, $2::timestamptz) e ORDER BY 1, 2, 3",
                            {impl_->since, impl_->until});
  for (int i = 0; i < PQntuples(r); ++i)
    net.edges.push_back(
        {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), std::stoll(PQgetvalue(r, i, 3))});
  PQclear(r);
  // The nodes: who posted, with their label, then anyone an edge names who did not.
  r = impl_->exec("SELECT mm.user_id, coalesce(max(u.user_name), mm.user_id), count(*) FROM " + impl_->schema +
                      ".member_messages mm LEFT JOIN " + impl_->schema +
                      ".users u USING (user_id) WHERE mm.posted_at >= $1::timestamptz AND mm.posted_at < "
                      "$2::timestamptz GROUP BY 1",
                  {impl_->since, impl_->until});
  std::map<std::string, NetworkNode> nodes;
  for (int i = 0; i < PQntuples(r); ++i)
    nodes[PQgetvalue(r, i, 0)] = {PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), std::stoll(PQgetvalue(r, i, 2))};
  PQclear(r);
  std::vector<std::string> others;
  for (const auto& e : net.edges)
    for (const auto* id : {&e.source, &e.target})
      if (!nodes.count(*id)) {
        nodes[*id] = {*id, *id, 0};
        others.push_back(*id);
      }
  if (!others.empty()) {
    r = impl_->exec("SELECT user_id, user_name FROM " + impl_->schema + ".users WHERE user_id = ANY($1::text[])",
                    {detail::text_array(others)});
    for (int i = 0; i < PQntuples(r); ++i) nodes[PQgetvalue(r, i, 0)].label = PQgetvalue(r, i, 1);
    PQclear(r);
  }
  for (auto& [id, n] : nodes) net.nodes.push_back(std::move(n));
  impl_->network = std::move(net);
  return *impl_->network;
}

}  // namespace paxstats::db::community
