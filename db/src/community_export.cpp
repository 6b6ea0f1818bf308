// The dataset of a community region as the export reads it: its tables and the tally's facts,
// streamed from one snapshot (export/ counts them and writes the files).
#include "paxstats/db/community.hpp"

#include <date/date.h>
#include <libpq-fe.h>

#include <cstdio>

#include "detail/community_common.hpp"
#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {

using common::bad_window;
using common::bound;
using common::region_schema;

namespace {

// ---------------------------------------------------------------- the export's tables

// A column: its name, the SQL that computes it (the FROM clause's aliases), its type and mode.
struct Column {
  Column(std::string n, std::string q, ColumnType t = ColumnType::string, ColumnMode m = ColumnMode::nullable,
         std::string nd = {}, std::vector<ExportColumn> f = {})
      : name(std::move(n)), sql(std::move(q)), type(t), mode(m), ndjson_sql(std::move(nd)), fields(std::move(f)) {}
  std::string name, sql;
  ColumnType type;
  ColumnMode mode;
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
  using T = ColumnType;
  using M = ColumnMode;
  const bool windowed = window.has_value();
  const std::string in_window = "m.posted_at >= w.since AND m.posted_at < w.until";
  auto of_messages = [&](const std::string& alias, const std::string& table, const std::string& order) {
    return windowed ? s + "." + table + " " + alias + " JOIN " + s + ".messages m USING (channel_id, ts), " + *window +
                          " WHERE " + in_window + " ORDER BY " + order
                    : s + "." + table + " " + alias + " ORDER BY " + order;
  };
  switch (t) {
    case ExportTable::users:
      return {{{"user_id", "u.user_id", T::string, M::required},
               {"user_name", "u.user_name", T::string, M::required},
               {"real_name", "u.real_name"},
               {"display_name", "u.display_name"},
               {"is_bot", "u.is_bot", T::boolean, M::required},
               {"deleted", "u.deleted", T::boolean, M::required},
               {"tz", "u.tz"}},
              s + ".users u ORDER BY u.user_id"};
    case ExportTable::channels:
      return {{{"channel_id", "c.channel_id", T::string, M::required},
               {"name", "c.name", T::string, M::required},
               {"is_private", "c.is_private", T::boolean, M::required},
               {"is_archived", "c.is_archived", T::boolean, M::required},
               {"created", "c.created", T::timestamp}},
              s + ".channels c ORDER BY c.channel_id"};
    case ExportTable::messages: {
      // A message's reactions: "name/users/count" entries joined by ";" (users joined by ","; the
      // column the writer keeps, migration 0013), or in NDJSON a repeated record.
      const std::string reactions_from = "FROM " + s + ".slack_reactions(m.raw) r";
      return {{{"channel_id", "m.channel_id", T::string, M::required},
               {"ts", "m.ts", T::string, M::required},
               {"posted_at", "m.posted_at", T::timestamp, M::required},
               {"thread_ts", "m.thread_ts"},
               {"user_id", "m.user_id"},
               {"bot_id", "m.bot_id"},
               {"subtype", "m.subtype"},
               {"text", "m.text", T::string, M::required},
               {"reply_count", "m.reply_count", T::integer, M::required},
               {"edited_ts", "m.edited_ts"},
               {"deleted", "m.deleted", T::boolean, M::required},
               {"reactions",
                "m.reaction_list",
                T::string,
                M::nullable,
                "CASE WHEN m.raw ? 'reactions' THEN coalesce((SELECT json_agg(json_build_object('name', r.emoji, "
                "'users', r.users, 'count', r.count) ORDER BY r.\"position\") " +
                    reactions_from + "), '[]'::json) ELSE '[]'::json END",
                {{"name", T::string, M::required, {}},
                 {"users", T::string, M::repeated, {}},
                 {"count", T::integer, M::required, {}}}},
               {"source", "m.source", T::string, M::required}},
              windowed ? s + ".messages m, " + *window + " WHERE " + in_window + " ORDER BY m.channel_id, m.ts"
                       : s + ".messages m ORDER BY m.channel_id, m.ts"};
    }
    case ExportTable::reactions:
      return {{{"channel_id", "r.channel_id", T::string, M::required},
               {"ts", "r.ts", T::string, M::required},
               {"emoji", "r.emoji", T::string, M::required},
               {"user_id", "r.user_id", T::string, M::required}},
              of_messages("r", "reactions", "r.channel_id, r.ts, r.emoji, r.user_id")};
    case ExportTable::files:
      return {{{"channel_id", "f.channel_id", T::string, M::required},
               {"ts", "f.ts", T::string, M::required},
               {"file_id", "f.file_id", T::string, M::required},
               {"name", "f.name"},
               {"title", "f.title"},
               {"mimetype", "f.mimetype"},
               {"filetype", "f.filetype"},
               {"size", "f.size", T::integer}},
              of_messages("f", "files", "f.channel_id, f.ts, f.file_id")};
    // The counted tables (written from the tally, the rows of SQL's member_activity,
    // channel_activity and interaction_edges): their columns' names and types only.
    case ExportTable::member_activity: {
      std::vector<Column> cols = {{"user_id", "", T::string, M::required}, {"user_name", "", T::string, M::required}};
      for (const char* n : {"messages", "replies", "threads_started", "reactions_received", "reactions_given", "files",
                            "mentions_given", "mentions_received", "active_days", "active_weeks"})
        cols.push_back({n, "", T::integer, M::required});
      // When the first and last member messages were posted: ISO 8601 UTC, like every time of the dataset.
      cols.push_back({"first_ts", "", T::timestamp});
      cols.push_back({"last_ts", "", T::timestamp});
      return {cols, ""};
    }
    case ExportTable::channel_activity:
      return {{{"channel_id", "", T::string, M::required},
               {"name", "", T::string, M::required},
               {"messages", "", T::integer, M::required},
               {"active_members", "", T::integer, M::required},
               {"threads", "", T::integer, M::required},
               {"answered_threads", "", T::integer, M::required},
               {"median_first_reply_s", "", T::floating},
               {"p90_first_reply_s", "", T::floating},
               {"reactions", "", T::integer, M::required}},
              ""};
    case ExportTable::nodes:
      return {{{"Id", "", T::string, M::required},
               {"Label", "", T::string, M::required},
               {"Messages", "", T::integer, M::required}},
              ""};
    case ExportTable::edges:
      return {{{"Source", "", T::string, M::required},
               {"Target", "", T::string, M::required},
               {"Weight", "", T::integer, M::required},
               {"Type", "", T::string, M::required},
               {"Kind", "", T::string, M::required}},
              ""};
  }
  throw std::logic_error("unknown export table");
}

// The table's query for NDJSON: each value as its JSON will hold it (times as ISO text).
std::string select_sql(const TableSpec& t) {
  std::string cols;
  for (const auto& c : t.columns) {
    if (!cols.empty()) cols += ", ";
    cols += (!c.ndjson_sql.empty()             ? c.ndjson_sql
             : c.type == ColumnType::timestamp ? iso(c.sql)
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
    const char* type = c.type == ColumnType::integer     ? "bigint"
                       : c.type == ColumnType::boolean   ? "boolean"
                       : c.type == ColumnType::timestamp ? "timestamptz"
                                                         : "text";
    cols += "(" + c.sql + ")::" + type;
  }
  return "SELECT " + cols + " FROM " + t.from;
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

bool is_raw(ExportTable t) {
  return t == ExportTable::users || t == ExportTable::channels || t == ExportTable::messages ||
         t == ExportTable::reactions || t == ExportTable::files;
}

std::vector<ExportColumn> export_columns(ExportTable t, ExportFormat f) {
  std::vector<ExportColumn> out;
  for (const auto& c : spec(t, "s").columns) {
    if (f == ExportFormat::ndjson && !c.fields.empty())
      out.push_back({c.name, ColumnType::record, ColumnMode::repeated, c.fields});
    else
      out.push_back({c.name, c.type, c.mode, {}});
  }
  return out;
}

struct DatasetReader::Impl {
  PGconn* conn = nullptr;
  std::string snapshot;                                    // pg_export_snapshot(), asked for by the first sibling
  std::optional<std::int64_t> since_micros, until_micros;  // the window for the tally
  std::optional<std::string> window_sql;                   // the raw tables' window (window_from), when it has an end
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
    if (!PQgetisnull(w, i, 1)) (i ? impl_->until_micros : impl_->since_micros) = std::stoll(PQgetvalue(w, i, 1));
  PQclear(w);
  if (impl_->since_micros || impl_->until_micros)
    impl_->window_sql = window_from(impl_->conn, impl_->since, impl_->until);
}

DatasetReader::~DatasetReader() = default;

CopyRows DatasetReader::rows(ExportTable table) {
  if (!is_raw(table)) throw std::logic_error("the dataset's counted tables are export/'s tally's");
  const TableSpec t = spec(table, impl_->schema, impl_->window_sql);
  return CopyRows(impl_->conn, "COPY (" + binary_select_sql(t) + ") TO STDOUT (FORMAT binary)", "dataset export");
}

std::int64_t DatasetReader::copy_ndjson(ExportTable table, const std::function<void(std::string_view)>& sink) {
  if (!is_raw(table)) throw std::logic_error("the dataset's counted tables are export/'s tally's");
  const TableSpec t = spec(table, impl_->schema, impl_->window_sql);
  // Each row as one JSON text, copied as CSV with a quote and delimiter no JSON text holds (JSON
  // escapes every control character), so the bytes arrive unchanged.
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

CopyRows DatasetReader::facts(Fact what) {
  const std::string& s = impl_->schema;
  auto copy = [&](const std::string& select, const char* name) {
    return CopyRows(impl_->conn, "COPY (" + select + ") TO STDOUT (FORMAT binary)", std::string("counting ") + name);
  };
  switch (what) {
    case Fact::users: return copy("SELECT user_id, user_name, is_bot FROM " + s + ".users", "users");
    case Fact::channels: return copy("SELECT channel_id, name FROM " + s + ".channels", "channels");
    case Fact::messages:
      return copy(
          "SELECT channel_id, ts, thread_ts, user_id, posted_at, is_member, deleted, reply_count, reaction_count, "
          "mentions, CASE WHEN is_member THEN posted_at::date END FROM " +
              s + ".message_facts",
          "messages");
    case Fact::files: return copy("SELECT channel_id, ts, count(*) FROM " + s + ".files GROUP BY 1, 2", "files");
    case Fact::reactions:
      return copy(
          "SELECT channel_id, ts, emoji, user_id FROM " + s + ".reactions ORDER BY channel_id, ts, emoji, user_id",
          "reactions");
  }
  throw std::logic_error("unknown fact");
}

std::size_t DatasetReader::estimated_messages() {
  PGresult* r = PQexec(impl_->conn, ("SELECT greatest(reltuples, 0)::bigint FROM pg_catalog.pg_class WHERE oid = '" +
                                     impl_->schema + ".messages'::regclass")
                                        .c_str());
  std::size_t n = 0;
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) n = std::strtoull(PQgetvalue(r, 0, 0), nullptr, 10);
  PQclear(r);
  return n;
}

std::optional<std::int64_t> DatasetReader::since_micros() const { return impl_->since_micros; }
std::optional<std::int64_t> DatasetReader::until_micros() const { return impl_->until_micros; }
bool DatasetReader::bounded() const { return impl_->window_sql.has_value(); }

}  // namespace paxstats::db::community
