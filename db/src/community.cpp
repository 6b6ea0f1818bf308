#include "paxstats/db/community.hpp"

#include <libpq-fe.h>

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/csv.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {
namespace {

std::string schema(std::string_view region) {
  validate_slug(region);
  return quote_identifier(region);
}

std::string bound(const std::string& v, const char* infinity) { return v.empty() ? std::string(infinity) : v; }

// A window's ends, refused with the text the user gave when PostgreSQL cannot read them.
UserError bad_window(const Window& w, const std::string& why) {
  return UserError("the time window (" + (w.since.empty() ? std::string("the beginning") : "\"" + w.since + "\"") +
                   " to " + (w.until.empty() ? std::string("now") : "\"" + w.until + "\"") +
                   ") is not two ISO 8601 dates or times (2026-10-01, 2026-10-01T05:00:00Z): " + why);
}

std::int64_t as_i64(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }

// Runs `body` in a read-only transaction whose time zone is tz (so window dates are local).
template <class Body>
auto in_zone(Database& db, std::string_view region, std::string_view tz, const Window& w, Body body) {
  pqxx::read_transaction tx(db.impl().conn);
  // The region's schema first: the counting functions are inlined into the query, and read its
  // views by name. No JIT: these statements scan a period of raw messages once, and compiling
  // them (their estimates run to millions of rows) took 0.3–0.9 s of a 4 s query. work_mem 64 MB
  // (the server's default is 4): the hash of a million messages' keys that engagement_parts joins
  // replies to their threads by was spilled to disk in 16 batches (2.7 → 2.0 s at 1M messages);
  // a small workspace's hashes stay small whatever the limit.
  detail::exec_params(tx,
                      "SELECT set_config('TimeZone', $1, true), set_config('search_path', $2, true), "
                      "set_config('jit', 'off', true), set_config('work_mem', '64MB', true)",
                      {std::string(tz), schema(region) + ", pg_catalog"});
  try {
    return body(tx);
  } catch (const pqxx::data_exception& e) {
    throw bad_window(w, e.what());
  }
}

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

// ---------------------------------------------------------------- typed reads

std::vector<MemberActivity> member_activity(Database& db, std::string_view region, std::string_view tz,
                                            const Window& window) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<MemberActivity> out;
    for (const auto& r : detail::exec_params(
             tx,
             "SELECT * FROM " + schema(region) +
                 ".member_activity($1, $2::timestamptz, $3::timestamptz) ORDER BY messages DESC, user_id",
             {std::string(tz), bound(window.since, "-infinity"), bound(window.until, "infinity")})) {
      MemberActivity a;
      a.user_id = r[0].c_str();
      a.user_name = r[1].c_str();
      std::int64_t* counts[] = {&a.messages,        &a.replies,     &a.threads_started, &a.reactions_received,
                                &a.reactions_given, &a.files,       &a.mentions_given,  &a.mentions_received,
                                &a.active_days,     &a.active_weeks};
      for (size_t i = 0; i < std::size(counts); ++i) *counts[i] = as_i64(r[2 + static_cast<int>(i)]);
      a.first_ts = r[12].is_null() ? "" : r[12].c_str();
      a.last_ts = r[13].is_null() ? "" : r[13].c_str();
      out.push_back(std::move(a));
    }
    return out;
  });
}

std::vector<ChannelActivity> channel_activity(Database& db, std::string_view region, std::string_view tz,
                                              const Window& window) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<ChannelActivity> out;
    for (const auto& r : detail::exec_params(
             tx,
             "SELECT * FROM " + schema(region) +
                 ".channel_activity($1::timestamptz, $2::timestamptz) ORDER BY messages DESC, name, channel_id",
             {bound(window.since, "-infinity"), bound(window.until, "infinity")})) {
      ChannelActivity c;
      c.channel_id = r[0].c_str();
      c.name = r[1].c_str();
      c.messages = as_i64(r[2]);
      c.active_members = as_i64(r[3]);
      c.threads = as_i64(r[4]);
      c.answered_threads = as_i64(r[5]);
      if (!r[6].is_null()) c.median_first_reply_s = r[6].as<double>();
      if (!r[7].is_null()) c.p90_first_reply_s = r[7].as<double>();
      c.reactions = as_i64(r[8]);
      out.push_back(std::move(c));
    }
    return out;
  });
}

std::vector<EngagementParts> engagement_parts(Database& db, std::string_view region, std::string_view tz,
                                              const Window& window, const std::vector<std::string>& help_channels,
                                              std::vector<MemberActivity>* activity) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<EngagementParts> out;
    for (const auto& r : detail::exec_params(
             tx,
             "SELECT * FROM " + schema(region) +
                 ".engagement_parts($1, $2::timestamptz, $3::timestamptz, $4::text[]) ORDER BY messages DESC, user_id",
             {std::string(tz), bound(window.since, "-infinity"), bound(window.until, "infinity"),
              detail::text_array(help_channels)})) {
      EngagementParts p;
      p.user_id = r[0].c_str();
      p.user_name = r[1].c_str();
      p.messages = as_i64(r[2]);
      p.replies_to_others = as_i64(r[3]);
      p.reactions_received = as_i64(r[4]);
      p.help_answers = as_i64(r[5]);
      p.active_weeks = as_i64(r[6]);
      if (activity) {
        MemberActivity a;
        a.user_id = p.user_id;
        a.user_name = p.user_name;
        a.messages = p.messages;
        a.reactions_received = p.reactions_received;
        a.active_weeks = p.active_weeks;
        a.replies = as_i64(r[7]);
        a.threads_started = as_i64(r[8]);
        a.reactions_given = as_i64(r[9]);
        a.files = as_i64(r[10]);
        a.mentions_given = as_i64(r[11]);
        a.mentions_received = as_i64(r[12]);
        a.active_days = as_i64(r[13]);
        a.first_ts = r[14].is_null() ? "" : r[14].c_str();
        a.last_ts = r[15].is_null() ? "" : r[15].c_str();
        activity->push_back(std::move(a));
      }
      out.push_back(std::move(p));
    }
    return out;
  });
}

// ---------------------------------------------------------------- the activity report's series

namespace {
// The rows of one query in the region's zone, each made into a T.
template <class T, class Make>
std::vector<T> query_rows(Database& db, std::string_view region, std::string_view tz, const Window& window,
                          const std::string& sql, const std::vector<std::optional<std::string>>& params, Make make) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<T> out;
    for (const auto& r : detail::exec_params(tx, sql, params)) out.push_back(make(r));
    return out;
  });
}

// The series need both ends: a report's period.
std::vector<std::optional<std::string>> bounded(std::string_view tz, const Window& w) {
  if (w.since.empty() || w.until.empty()) throw std::logic_error("community series need a bounded window");
  return {std::string(tz), w.since, w.until};
}
// The window's first and last local dates, as a CTE `b (first, last)`.
const char* kBounds =
    "b AS (SELECT ($2::timestamptz AT TIME ZONE $1)::date AS first, "
    "(($3::timestamptz AT TIME ZONE $1) - interval '1 microsecond')::date AS last)";
// Each member's months with a member message, all time (first months and gaps look back). Month
// by month, each a range of the messages_facts index, so no message's time is converted to the
// zone (that conversion was most of the 1.2 s a 1M-message workspace took); the same set.
const char* kUserMonths =
    "span AS (SELECT date_trunc('month', min(posted_at) AT TIME ZONE $1) AS a, "
    "date_trunc('month', max(posted_at) AT TIME ZONE $1) AS z FROM messages), "
    "um AS (SELECT DISTINCT mm.user_id, mo.m FROM (SELECT g::date AS m FROM span, generate_series(span.a, span.z, "
    "interval '1 month') g) mo JOIN member_messages mm ON mm.posted_at >= (mo.m::timestamp AT TIME ZONE $1) "
    "AND mm.posted_at < ((mo.m + interval '1 month')::timestamp AT TIME ZONE $1))";
}  // namespace

std::vector<ChannelWeek> messages_by_week(Database& db, std::string_view region, std::string_view tz,
                                          const Window& window) {
  return query_rows<ChannelWeek>(db, region, tz, window,
                                 "SELECT mm.channel_id, coalesce(max(c.name), mm.channel_id), "
                                 "date_trunc('week', mm.posted_at AT TIME ZONE $1)::date::text AS week, count(*) "
                                 "FROM member_messages mm LEFT JOIN channels c USING (channel_id) "
                                 "WHERE mm.posted_at >= $2::timestamptz AND mm.posted_at < $3::timestamptz "
                                 "GROUP BY mm.channel_id, week ORDER BY week, mm.channel_id",
                                 bounded(tz, window), [](const pqxx::row& r) {
                                   return ChannelWeek{r[0].c_str(), r[1].c_str(), r[2].c_str(), as_i64(r[3])};
                                 });
}

std::vector<ActiveMembers> active_members(Database& db, std::string_view region, std::string_view tz,
                                          const Window& window) {
  return query_rows<ActiveMembers>(
      db, region, tz, window,
      std::string("WITH ") + kBounds +
          ", ud AS (SELECT DISTINCT mm.user_id, (mm.posted_at AT TIME ZONE $1)::date AS d FROM member_messages "
          "mm "
          "WHERE mm.posted_at >= $2::timestamptz - interval '28 days' AND mm.posted_at < $3::timestamptz), "
          "pts AS (SELECT g::date AS d FROM b, generate_series(b.first + (7 - extract(isodow FROM "
          "b.first)::int), "
          "b.last, interval '1 week') g UNION SELECT b.last FROM b) "
          "SELECT p.d::text, count(DISTINCT ud.user_id) FILTER (WHERE ud.d > p.d - 7), count(DISTINCT "
          "ud.user_id) "
          "FROM pts p LEFT JOIN ud ON ud.d > p.d - 28 AND ud.d <= p.d GROUP BY p.d ORDER BY p.d",
      bounded(tz, window), [](const pqxx::row& r) {
        return ActiveMembers{r[0].c_str(), as_i64(r[1]), as_i64(r[2])};
      });
}

std::vector<HourCount> messages_by_hour(Database& db, std::string_view region, std::string_view tz,
                                        const Window& window) {
  return query_rows<HourCount>(
      db, region, tz, window,
      "SELECT extract(isodow FROM x.l)::int, extract(hour FROM x.l)::int, count(*) "
      "FROM (SELECT mm.posted_at AT TIME ZONE $1 AS l FROM member_messages mm "
      "WHERE mm.posted_at >= $2::timestamptz AND mm.posted_at < $3::timestamptz) x GROUP BY 1, 2 ORDER BY 1, 2",
      bounded(tz, window), [](const pqxx::row& r) {
        return HourCount{r[0].as<int>(), r[1].as<int>(), as_i64(r[2])};
      });
}

std::vector<MonthMembers> members_by_month(Database& db, std::string_view region, std::string_view tz,
                                           const Window& window) {
  return query_rows<MonthMembers>(
      db, region, tz, window,
      std::string("WITH ") + kBounds + ", " + kUserMonths +
          ", months AS (SELECT g::date AS m FROM b, generate_series(date_trunc('month', b.first), b.last, "
          "interval '1 month') g), "
          "seq AS (SELECT um.user_id, um.m, lag(um.m) OVER (PARTITION BY um.user_id ORDER BY um.m) AS prev, "
          "min(um.m) OVER (PARTITION BY um.user_id) AS first FROM um), "
          "act AS (SELECT s.m, count(*) AS active, count(*) FILTER (WHERE s.first = s.m) AS fresh, "
          "count(*) FILTER (WHERE s.prev < s.m - interval '1 month') AS returning "
          "FROM seq s JOIN months USING (m) GROUP BY s.m), "
          // Gone quiet at a month's end: each member's messages per local day, read once for every
          // month's 90 days (a scan of 90 days of messages per month before), then per month the
          // top quarter by messages whose last day was 7 to 28 days before the month's end.
          "ud AS MATERIALIZED (SELECT mm.user_id, (mm.posted_at AT TIME ZONE $1)::date AS d, count(*) AS n "
          "FROM member_messages mm, b "
          "WHERE mm.posted_at >= ((date_trunc('month', b.first) + interval '1 month' - interval '90 days') AT TIME "
          "ZONE $1) AND mm.posted_at < ((date_trunc('month', b.last) + interval '1 month') AT TIME ZONE $1) "
          "GROUP BY 1, 2), "
          "quiet AS (SELECT mo.m, count(*) FILTER (WHERE x.quarter = 1 AND x.last >= x.e - 28 AND x.last < x.e - 7) "
          "AS n FROM months mo CROSS JOIN LATERAL ("
          "SELECT ntile(4) OVER (ORDER BY sum(ud.n) DESC, ud.user_id) AS quarter, max(ud.d) AS last, "
          "(mo.m + interval '1 month')::date AS e FROM ud "
          "WHERE ud.d >= (mo.m + interval '1 month' - interval '90 days')::date "
          "AND ud.d < (mo.m + interval '1 month')::date GROUP BY ud.user_id) x "
          "GROUP BY mo.m) "
          "SELECT to_char(mo.m, 'YYYY-MM'), coalesce(a.active, 0), coalesce(a.fresh, 0), "
          "coalesce(a.returning, 0), coalesce(q.n, 0) "
          "FROM months mo LEFT JOIN act a USING (m) LEFT JOIN quiet q USING (m) ORDER BY mo.m",
      bounded(tz, window), [](const pqxx::row& r) {
        return MonthMembers{r[0].c_str(), as_i64(r[1]), as_i64(r[2]), as_i64(r[3]), as_i64(r[4])};
      });
}

std::vector<Cohort> retention_cohorts(Database& db, std::string_view region, std::string_view tz,
                                      const Window& window) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<Cohort> out;
    for (const auto& r : detail::exec_params(
             tx,
             std::string("WITH ") + kBounds + ", " + kUserMonths +
                 ", firsts AS (SELECT um.user_id, min(um.m) AS first FROM um GROUP BY 1) "
                 "SELECT to_char(f.first, 'YYYY-MM'), "
                 "(extract(year FROM age(um.m, f.first)) * 12 + extract(month FROM age(um.m, f.first)))::int AS k, "
                 "count(*) FROM firsts f JOIN um USING (user_id), b "
                 "WHERE f.first >= date_trunc('month', b.first) AND f.first <= b.last AND um.m <= b.last "
                 "GROUP BY 1, 2 ORDER BY 1, 2",
             bounded(tz, window))) {
      const std::string month = r[0].c_str();
      if (out.empty() || out.back().month != month) out.push_back({month, 0, {}});
      auto& c = out.back();
      const auto k = static_cast<size_t>(r[1].as<int>());
      if (c.months_later.size() <= k) c.months_later.resize(k + 1, 0);
      c.months_later[k] = as_i64(r[2]);
      if (k == 0) c.size = as_i64(r[2]);
    }
    return out;
  });
}

MemberSummary member_summary(Database& db, std::string_view region, std::string_view tz, const Window& window,
                             std::string_view user_id) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    MemberSummary out;
    auto params = bounded(tz, window);
    params.push_back(std::string(user_id));
    const std::string mine =
        "FROM member_messages mm WHERE mm.user_id = $4 AND mm.posted_at >= $2::timestamptz "
        "AND mm.posted_at < $3::timestamptz";
    const auto t = detail::exec_params(
        tx,
        "SELECT count(*), count(*) FILTER (WHERE mm.is_reply), coalesce(sum(mm.reaction_count), 0), "
        "count(DISTINCT (mm.posted_at AT TIME ZONE $1)::date) " +
            mine,
        params);
    out.messages = as_i64(t[0][0]);
    out.replies = as_i64(t[0][1]);
    out.reactions_received = as_i64(t[0][2]);
    out.active_days = as_i64(t[0][3]);
    for (const auto& r : detail::exec_params(
             tx,
             "SELECT x.channel_id, coalesce(c.name, x.channel_id), x.month, x.n FROM (SELECT mm.channel_id, "
             "to_char(mm.posted_at AT TIME ZONE $1, 'YYYY-MM') AS month, count(*) AS n " +
                 mine + " GROUP BY 1, 2) x LEFT JOIN channels c USING (channel_id) ORDER BY x.month, x.channel_id",
             params))
      out.by_month.push_back({r[0].c_str(), r[1].c_str(), r[2].c_str(), as_i64(r[3])});
    return out;
  });
}

std::vector<Helper> fastest_helpers(Database& db, std::string_view region, std::string_view tz, const Window& window,
                                    int min_threads) {
  auto params = bounded(tz, window);
  params.push_back(std::to_string(min_threads));
  return query_rows<Helper>(
      db, region, tz, window,
      "SELECT x.user_id, coalesce(max(u.user_name), x.user_id), "
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY x.s) AS median, count(*) FROM ("
      "SELECT r.user_id, extract(epoch FROM min(r.posted_at) - p.posted_at) AS s "
      "FROM member_messages p JOIN member_messages r ON r.channel_id = p.channel_id AND r.thread_ts = p.ts "
      "WHERE r.is_reply AND r.user_id <> p.user_id AND (p.thread_ts IS NULL OR p.thread_ts = p.ts) "
      "AND p.posted_at >= $2::timestamptz AND p.posted_at < $3::timestamptz AND $1::text IS NOT NULL "
      "GROUP BY r.user_id, p.channel_id, p.ts, p.posted_at) x LEFT JOIN users u USING (user_id) "
      "GROUP BY x.user_id HAVING count(*) >= $4::int ORDER BY median, count(*) DESC, x.user_id",
      params, [](const pqxx::row& r) {
        return Helper{r[0].c_str(), r[1].c_str(), r[2].as<double>(), as_i64(r[3])};
      });
}

std::vector<std::string> newcomers(Database& db, std::string_view region, std::string_view tz, const Window& window) {
  return query_rows<std::string>(
      db, region, tz, window,
      "SELECT mm.user_id FROM member_messages mm WHERE $1::text IS NOT NULL GROUP BY mm.user_id "
      "HAVING min(mm.posted_at) >= $2::timestamptz AND min(mm.posted_at) < $3::timestamptz ORDER BY 1",
      bounded(tz, window), [](const pqxx::row& r) { return std::string(r[0].c_str()); });
}

// ---------------------------------------------------------------- nudges

std::string_view to_string(NudgeStep step) {
  switch (step) {
    case NudgeStep::first: return "first";
    case NudgeStep::second: return "second";
    case NudgeStep::moderators: return "moderators";
  }
  return "?";
}

std::vector<DueNudge> due_nudges(Database& db, std::string_view region, std::string_view now, int quiet_days,
                                 int min_messages, int reply_days) {
  const std::string s = schema(region);
  std::vector<DueNudge> out;
  for (const auto& r : sql::query(
           db,
           "WITH mine AS (SELECT mm.user_id, max(mm.posted_at) AS last, "
           "count(*) FILTER (WHERE mm.posted_at >= $1::timestamptz - interval '90 days') AS recent "
           "FROM " +
               s +
               ".member_messages mm WHERE mm.posted_at < $1::timestamptz GROUP BY 1), "
               "anything AS (SELECT m.user_id, max(m.posted_at) AS any_last FROM " +
               s +
               ".messages m WHERE m.user_id IS NOT NULL AND m.posted_at < $1::timestamptz GROUP BY 1) "
               "SELECT q.user_id, coalesce(u.user_name, q.user_id), q.last::text, q.recent, f.at::text, s2.at::text, "
               "coalesce(a.any_last > coalesce(s2.at, f.at), false) AS replied, "
               "f.at <= $1::timestamptz - make_interval(days => $4::int) AS first_old, "
               "s2.at <= $1::timestamptz - make_interval(days => $4::int) AS second_old "
               "FROM mine q JOIN " +
               s +
               ".users u USING (user_id) LEFT JOIN anything a USING (user_id) "
               "LEFT JOIN " +
               s +
               ".nudges f ON f.user_id = q.user_id AND f.quiet_since = q.last AND f.step = 'first' "
               "LEFT JOIN " +
               s +
               ".nudges s2 ON s2.user_id = q.user_id AND s2.quiet_since = q.last AND s2.step = 'second' "
               "LEFT JOIN " +
               s +
               ".nudges m ON m.user_id = q.user_id AND m.quiet_since = q.last AND m.step = 'moderators' "
               "WHERE NOT u.deleted AND NOT u.is_bot AND m.user_id IS NULL "
               "AND q.last <= $1::timestamptz - make_interval(days => $2::int) AND q.recent >= $3::int "
               "ORDER BY q.recent DESC, q.user_id",
           {std::string(now), std::to_string(quiet_days), std::to_string(min_messages), std::to_string(reply_days)})) {
    DueNudge n;
    n.user_id = *r[0];
    n.user_name = *r[1];
    n.quiet_since = *r[2];
    n.recent_messages = std::stoll(*r[3]);
    n.first_at = r[4].value_or("");
    n.second_at = r[5].value_or("");
    const bool replied = r[6] == "t", first_old = r[7] == "t", second_old = r[8] == "t";
    if (n.first_at.empty())
      n.step = NudgeStep::first;
    else if (replied)
      continue;  // they wrote back (a DM, or anything): no more steps this spell
    else if (n.second_at.empty() && first_old)
      n.step = NudgeStep::second;
    else if (!n.second_at.empty() && second_old)
      n.step = NudgeStep::moderators;
    else
      continue;  // waiting for a reply
    out.push_back(std::move(n));
  }
  return out;
}

bool claim_nudge(Database& db, std::string_view region, const DueNudge& n, std::string_view now) {
  return !sql::query(db,
                     "INSERT INTO " + schema(region) +
                         ".nudges (user_id, quiet_since, step, at) VALUES ($1, $2::timestamptz, $3, $4::timestamptz) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                     {n.user_id, n.quiet_since, std::string(to_string(n.step)), std::string(now)})
              .empty();
}

void finish_nudge(Database& db, std::string_view region, const DueNudge& n, bool sent, std::string_view detail) {
  sql::query(db,
             "UPDATE " + schema(region) +
                 ".nudges SET state = $4, detail = nullif($5, '') WHERE user_id = $1 AND quiet_since = $2::timestamptz "
                 "AND step = $3",
             {n.user_id, n.quiet_since, std::string(to_string(n.step)), std::string(sent ? "sent" : "failed"),
              std::string(detail)});
}

bool claim_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                      std::string_view now) {
  return !sql::query(db,
                     "INSERT INTO " + schema(region) +
                         ".mentor_asks (user_id, period, at) VALUES ($1, $2, $3::timestamptz) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                     {std::string(user_id), std::string(period), std::string(now)})
              .empty();
}

void finish_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                       bool sent, std::string_view detail) {
  sql::query(db,
             "UPDATE " + schema(region) +
                 ".mentor_asks SET state = $3, detail = nullif($4, '') WHERE user_id = $1 AND period = $2",
             {std::string(user_id), std::string(period), std::string(sent ? "sent" : "failed"), std::string(detail)});
}

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
