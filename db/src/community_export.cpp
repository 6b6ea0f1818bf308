// The dataset export of a community region: its tables, streamed from one snapshot.
#include "paxstats/db/community.hpp"

#include <date/date.h>
#include <libpq-fe.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "detail/binary_copy.hpp"
#include "detail/community_common.hpp"
#include "detail/community_tally.hpp"
#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/csv.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {

using common::bad_window;
using common::bound;
using common::region_schema;

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
  // After FROM; `w` is the window (since, until). Empty for the tables written from the tally.
  std::string from;
};

// The window of the raw tables' COPY (which takes no parameters): a FROM item `w` with the
// window's ends as literals, so that the planner sees how much of the table they hold.
std::string window_from(PGconn* conn, const std::string& since, const std::string& until) {
  auto literal = [&](const std::string& v) {
    char* q = PQescapeLiteral(conn, v.c_str(), v.size());
    if (!q) throw std::runtime_error(std::string("dataset export: ") + PQerrorMessage(conn));
    std::string out(q);
    PQfreemem(q);
    return out;
  };
  return "(SELECT " + literal(since) + "::timestamptz AS since, " + literal(until) + "::timestamptz AS until) w";
}

std::string iso(const std::string& expr) {
  return "to_char(" + expr + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// The tables' columns and queries. window: the FROM item of a window with an end (window_from),
// none when it has none (no table is then joined to messages for it, and no message filtered).
TableSpec spec(ExportTable t, const std::string& s, const std::optional<std::string>& window = std::nullopt) {
  const bool windowed = window.has_value();
  const std::string in_window = "m.posted_at >= w.since AND m.posted_at < w.until";
  auto of_messages = [&](const std::string& alias, const std::string& table, const std::string& order) {
    return windowed ? s + "." + table + " " + alias + " JOIN " + s + ".messages m USING (channel_id, ts), " + *window +
                          " WHERE " + in_window + " ORDER BY " + order
                    : s + "." + table + " " + alias + " ORDER BY " + order;
  };
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
               {"created", "c.created", "TIMESTAMP"}},
              s + ".channels c ORDER BY c.channel_id"};
    case ExportTable::messages: {
      // A message's reactions: "name/users/count" entries joined by ";" (users joined by ","; the
      // column the writer keeps, migration 0013), or in NDJSON a repeated record.
      const std::string reactions_from = "FROM " + s + ".slack_reactions(m.raw) r";
      return {{{"channel_id", "m.channel_id", "STRING", "REQUIRED"},
               {"ts", "m.ts", "STRING", "REQUIRED"},
               {"posted_at", "m.posted_at", "TIMESTAMP", "REQUIRED"},
               {"thread_ts", "m.thread_ts"},
               {"user_id", "m.user_id"},
               {"bot_id", "m.bot_id"},
               {"subtype", "m.subtype"},
               {"text", "m.text", "STRING", "REQUIRED"},
               {"reply_count", "m.reply_count", "INTEGER", "REQUIRED"},
               {"edited_ts", "m.edited_ts"},
               {"deleted", "m.deleted", "BOOLEAN", "REQUIRED"},
               {"reactions",
                "m.reaction_list",
                "STRING",
                "NULLABLE",
                "CASE WHEN m.raw ? 'reactions' THEN coalesce((SELECT json_agg(json_build_object('name', r.emoji, "
                "'users', r.users, 'count', r.count) ORDER BY r.\"position\") " +
                    reactions_from + "), '[]'::json) ELSE '[]'::json END",
                {{"name", "STRING", "REQUIRED", {}},
                 {"users", "STRING", "REPEATED", {}},
                 {"count", "INTEGER", "REQUIRED", {}}}},
               {"source", "m.source", "STRING", "REQUIRED"}},
              windowed ? s + ".messages m, " + *window + " WHERE " + in_window + " ORDER BY m.channel_id, m.ts"
                       : s + ".messages m ORDER BY m.channel_id, m.ts"};
    }
    case ExportTable::reactions:
      return {{{"channel_id", "r.channel_id", "STRING", "REQUIRED"},
               {"ts", "r.ts", "STRING", "REQUIRED"},
               {"emoji", "r.emoji", "STRING", "REQUIRED"},
               {"user_id", "r.user_id", "STRING", "REQUIRED"}},
              of_messages("r", "reactions", "r.channel_id, r.ts, r.emoji, r.user_id")};
    case ExportTable::files:
      return {{{"channel_id", "f.channel_id", "STRING", "REQUIRED"},
               {"ts", "f.ts", "STRING", "REQUIRED"},
               {"file_id", "f.file_id", "STRING", "REQUIRED"},
               {"name", "f.name"},
               {"title", "f.title"},
               {"mimetype", "f.mimetype"},
               {"filetype", "f.filetype"},
               {"size", "f.size", "INTEGER"}},
              of_messages("f", "files", "f.channel_id, f.ts, f.file_id")};
    // The counted tables (written from the tally, the rows of SQL's member_activity,
    // channel_activity and interaction_edges): their columns' names and types only.
    case ExportTable::member_activity: {
      std::vector<Column> cols = {{"user_id", "", "STRING", "REQUIRED"}, {"user_name", "", "STRING", "REQUIRED"}};
      for (const char* n : {"messages", "replies", "threads_started", "reactions_received", "reactions_given", "files",
                            "mentions_given", "mentions_received", "active_days", "active_weeks"})
        cols.push_back({n, "", "INTEGER", "REQUIRED"});
      // When the first and last member messages were posted: ISO 8601 UTC, like every time of the dataset.
      cols.push_back({"first_ts", "", "TIMESTAMP"});
      cols.push_back({"last_ts", "", "TIMESTAMP"});
      return {cols, ""};
    }
    case ExportTable::channel_activity:
      return {{{"channel_id", "", "STRING", "REQUIRED"},
               {"name", "", "STRING", "REQUIRED"},
               {"messages", "", "INTEGER", "REQUIRED"},
               {"active_members", "", "INTEGER", "REQUIRED"},
               {"threads", "", "INTEGER", "REQUIRED"},
               {"answered_threads", "", "INTEGER", "REQUIRED"},
               {"median_first_reply_s", "", "FLOAT"},
               {"p90_first_reply_s", "", "FLOAT"},
               {"reactions", "", "INTEGER", "REQUIRED"}},
              ""};
    case ExportTable::nodes:
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

// The table's query for NDJSON: each value as its JSON will hold it (times as ISO text).
std::string select_sql(const TableSpec& t) {
  std::string cols;
  for (const auto& c : t.columns) {
    if (!cols.empty()) cols += ", ";
    cols += (!c.ndjson_sql.empty()   ? c.ndjson_sql
             : c.type == "TIMESTAMP" ? iso(c.sql)
                                     : c.sql) +
            " AS " + quote_identifier(c.name);
  }
  return "SELECT " + cols + " FROM " + t.from;
}

// The table's query for CSV, read in binary: text, bigint, boolean or timestamptz a column.
std::string binary_select_sql(const TableSpec& t) {
  std::string cols;
  for (const auto& c : t.columns) {
    if (!cols.empty()) cols += ", ";
    const char* type = c.type == "INTEGER"     ? "bigint"
                       : c.type == "BOOLEAN"   ? "boolean"
                       : c.type == "TIMESTAMP" ? "timestamptz"
                                               : "text";
    cols += "(" + c.sql + ")::" + type;
  }
  return "SELECT " + cols + " FROM " + t.from;
}

// A timestamptz (microseconds since 2000-01-01 UTC) as the export writes it: 2026-10-01T14:03:00Z
// (to the second, as to_char's HH24:MI:SS).
void append_iso(std::string& out, std::int64_t micros) {
  const std::int64_t seconds = micros / 1000000 - (micros % 1000000 < 0 ? 1 : 0);
  const std::int64_t days = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  const std::int64_t of_day = seconds - days * 86400;
  const date::year_month_day ymd{date::sys_days{date::days{days + 10957}}};  // 10957: 1970 to 2000
  const int year = static_cast<int>(ymd.year());
  char buf[20] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'};
  auto two = [&](int at, int v) {
    buf[at] = static_cast<char>('0' + v / 10);
    buf[at + 1] = static_cast<char>('0' + v % 10);
  };
  if (year < 0 || year > 9999) {  // no Slack message was written then
    out += std::to_string(year);
  } else {
    two(0, year / 100);
    two(2, year % 100);
    out.append(buf, 4);
  }
  two(5, static_cast<int>(static_cast<unsigned>(ymd.month())));
  two(8, static_cast<int>(static_cast<unsigned>(ymd.day())));
  two(11, static_cast<int>(of_day / 3600));
  two(14, static_cast<int>(of_day / 60 % 60));
  two(17, static_cast<int>(of_day % 60));
  out.append(buf + 4, sizeof buf - 4);
}

// Writes rows of a table counted here as CSV (with a header) or NDJSON; returns their number.
// cell(row, column): the value as PostgreSQL would write it, or none for NULL.
std::int64_t write_rows(size_t rows, const TableSpec& t, ExportFormat format,
                        const std::function<std::optional<std::string>(size_t, size_t)>& cell,
                        const std::function<void(std::string_view)>& sink) {
  std::string out;
  if (format == ExportFormat::csv) {
    for (const auto& c : t.columns) out += (out.empty() ? "" : ",") + c.name;
    out += '\n';
  }
  for (size_t i = 0; i < rows; ++i) {
    if (format == ExportFormat::csv) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        if (c) out += ',';
        if (const auto v = cell(i, c)) append_csv_field(out, *v);
      }
    } else {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const std::string& type = t.columns[c].type;
        auto& v = row[t.columns[c].name];
        const auto value = cell(i, c);
        if (!value)
          v = nullptr;
        else if (type == "INTEGER")
          v = std::stoll(*value);
        else if (type == "FLOAT")
          v = std::stod(*value);
        else if (type == "BOOLEAN")
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
std::int64_t copy_csv(PGconn* conn, const TableSpec& t, const std::function<void(std::string_view)>& sink) {
  std::string out;
  for (const auto& c : t.columns) out += (out.empty() ? "" : ",") + c.name;
  out += '\n';
  std::vector<char> kind;  // s(tring), i(nteger), b(oolean), t(imestamp)
  for (const auto& c : t.columns)
    kind.push_back(c.type == "INTEGER" ? 'i' : c.type == "BOOLEAN" ? 'b' : c.type == "TIMESTAMP" ? 't' : 's');
  db::detail::BinaryCopy c(conn, "COPY (" + binary_select_sql(t) + ") TO STDOUT (FORMAT binary)", "dataset export");
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
        default: db::detail::append_copy_csv(out, c.text(i));
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

// ---------------------------------------------------------------- the export

std::string_view to_string(Interaction kind) {
  switch (kind) {
    case Interaction::mention: return "mention";
    case Interaction::reaction: return "reaction";
    case Interaction::reply: return "reply";
  }
  return "?";
}

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
  std::optional<Tally> tally;
  detail::MicroWindow micro;              // the window for the tally
  std::optional<std::string> window_sql;  // the raw tables' window (window_from), when it has an end
  std::string schema;
  Window window;
  std::string since, until;  // the window as PostgreSQL read it
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
  impl_->schema = region_schema(region);
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
  // The region's zone (window dates are its midnights, and the tally's days its dates); its
  // schema first. random_page_cost 1.1: the messages are read in key order through their primary
  // key rather than sorted (1.0 s against 2.0 s at 1M messages); the planner's default cost of a
  // page read out of order is a spinning disk's, and the tables read here are in memory.
  impl_->run(
      "SELECT set_config('TimeZone', $1, true), set_config('search_path', $2, true), "
      "set_config('jit', 'off', true), set_config('work_mem', '64MB', true), "  // as in_zone says
      "set_config('random_page_cost', '1.1', true)",
      {std::string(tz), impl_->schema + ", pg_catalog"});
  // The window's ends as PostgreSQL reads them, once here (a bad one is refused before any file
  // is written): as text, and in microseconds since 2000 (timestamptz's own count) for the tally.
  PGresult* w = impl_->exec(
      "SELECT t::text, CASE WHEN isfinite(t) THEN ((extract(epoch FROM t) - 946684800) * 1000000)::bigint END "
      "FROM unnest(ARRAY[$1::timestamptz, $2::timestamptz]) WITH ORDINALITY AS x(t, n) ORDER BY n",
      {bound(window.since, "-infinity"), bound(window.until, "infinity")});
  impl_->since = PQgetvalue(w, 0, 0);
  impl_->until = PQgetvalue(w, 1, 0);
  for (int i = 0; i < 2; ++i)
    if (!PQgetisnull(w, i, 1)) (i ? impl_->micro.until : impl_->micro.since) = std::stoll(PQgetvalue(w, i, 1));
  PQclear(w);
  if (impl_->micro.since || impl_->micro.until)
    impl_->window_sql = window_from(impl_->conn, impl_->since, impl_->until);
}

DatasetReader::~DatasetReader() = default;

std::int64_t DatasetReader::copy(ExportTable table, ExportFormat format,
                                 const std::function<void(std::string_view)>& sink) {
  if (table == ExportTable::member_activity || table == ExportTable::channel_activity || table == ExportTable::nodes ||
      table == ExportTable::edges)
    return write_counted(table, format, sink);
  const TableSpec t = spec(table, impl_->schema, impl_->window_sql);
  if (format == ExportFormat::csv) return copy_csv(impl_->conn, t, sink);
  // NDJSON: each row as one JSON text, copied as CSV with a quote and delimiter no JSON text
  // holds (JSON escapes every control character), so the bytes arrive unchanged.
  const std::string copy = "COPY (SELECT row_to_json(t)::text FROM (" + select_sql(t) +
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
  return rows;
}

const Tally& DatasetReader::tally(DatasetReader* helper, const std::function<void(std::string_view)>* reactions_csv,
                                  std::int64_t* reactions_rows) {
  if (impl_->tally) return *impl_->tally;
  if (reactions_csv && impl_->window_sql)
    throw std::logic_error("the tally writes the reactions table only for a window without ends");
  impl_->tally = detail::count_window({impl_->conn, helper ? helper->impl_->conn : nullptr, reactions_csv},
                                      impl_->schema, impl_->micro, reactions_rows);
  return *impl_->tally;
}

// A table of the tally: member_activity and channel_activity as CSV or NDJSON, the network's
// nodes and edges as CSV (Gephi's spreadsheet format).
std::int64_t DatasetReader::write_counted(ExportTable table, ExportFormat format,
                                          const std::function<void(std::string_view)>& sink) {
  const Tally& t = tally();
  const TableSpec spec_of = spec(table, "");
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
          t.members.size(), spec_of, format,
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
          t.channels.size(), spec_of, format,
          [&](size_t r, size_t c) -> Cell {
            const auto& a = t.channels[r];
            auto seconds = [](const std::optional<double>& v) -> Cell {
              return v ? Cell(detail::numeric_round1(*v)) : Cell();
            };
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
    default: {  // the network, in Gephi's spreadsheet format: written directly (670k edges at 1M messages)
      std::string out;
      for (const auto& c : spec_of.columns) out += (out.empty() ? "" : ",") + c.name;
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
  }
}

}  // namespace paxstats::db::community
