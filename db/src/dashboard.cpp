#include "paxstats/db/dashboard.hpp"

#include <pqxx/pqxx>

#include "detail/database_impl.hpp"
#include "detail/attendance.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/replica.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db::dashboard {
namespace {

using detail::region_schema;

int as_int(const std::optional<std::string>& v) { return v ? std::stoi(*v) : 0; }

std::string as_text(const std::optional<std::string>& v) { return v.value_or(""); }
// A day or month as the SQL binds it, and a month as the SQL writes it, read into its type here.
std::string day(date::sys_days d) { return calendar::format(d); }
date::year_month as_month(const std::optional<std::string>& v) { return calendar::parse_month(v.value_or("")); }

// The query itself; the reader's memo keeps its rows while the posts cache stands.
std::vector<AoRow> ao_list_query(const report::Reader& read, const Period& p);

}  // namespace

std::int64_t data_version(Database& db, std::string_view region) {
  // is_called tells the sequence's first value (1, not yet taken) from its first nextval (1).
  return std::stoll(sql::value(db, "SELECT last_value + is_called::int FROM " + region_schema(region) + ".data_version")
                        .value_or("0"));
}

std::int64_t posts_version(Database& db, std::string_view region) {
  return std::stoll(
      sql::value(db, "SELECT last_value + is_called::int FROM " + region_schema(region) + ".posts_version")
          .value_or("0"));
}

PostsCache::PostsCache(Database& db, std::string_view region, RowMemo* memo) {
  const std::string s = region_schema(region);
  // The cache's version, the version the posts view is at, and what the memo of region-wide rows
  // (paxstats/db/row_memo.hpp) is keyed by: the cache's version and its row's own identity (a region
  // dropped and added again restarts its sequences; another cluster at the same address started
  // at another time).
  struct Versions {
    std::string cached, wanted, identity;
  };
  const auto versions = [&](pqxx::transaction_base& tx) {
    const auto r = tx.exec("SELECT v.version::text, (SELECT last_value + is_called::int FROM " + s +
                           ".posts_version)::text, v.version || ' ' || v.xmin::text || ' ' || '" + s +
                           ".posts_cache_version'::regclass::oid::text || ' ' || "
                           "extract(epoch FROM pg_postmaster_start_time())::text FROM " +
                           s + ".posts_cache_version v");
    return Versions{r.at(0)[0].as<std::string>(), r.at(0)[1].as<std::string>(),
                    db.impl().url + " " + r.at(0)[2].as<std::string>()};
  };
  Versions now;
  {
    pqxx::nontransaction tx(db.impl().conn);
    now = versions(tx);
  }
  // On a hot standby the cache is the primary's, replicated: a standby cannot rebuild it, and its
  // copy of the posts version (a sequence, WAL-logged up to 32 values ahead) is no measure. Whoever
  // reads a standby has the primary's cache fresh first and waits for the standby to replay past
  // it (db/replica.hpp, web::Options::read_replica).
  const bool fresh = now.cached == now.wanted || replica::is_standby(db);
  if (!fresh) {
    pqxx::work tx(db.impl().conn);
    // One rebuild at a time per region; whoever waited finds it fresh.
    detail::exec_params(tx, "SELECT pg_advisory_xact_lock(hashtext('paxstats posts_cache ' || $1))",
                        {std::string(region)});
    const auto [cached, wanted, identity] = versions(tx);
    if (cached != wanted) {
      // Emptied, filled without its indexes, indexed again (as the migration defined them): a
      // third of the time of filling it with five indexes kept up row by row (3.4 s → 1.9 s for
      // 270k posts).
      for (const auto& [table, view] :
           {std::pair{"posts_cache", "posts"}, std::pair{"counted_beatdowns_cache", "counted_beatdowns"}}) {
        const auto indexes = detail::exec_params(
            tx,
            "SELECT quote_ident(indexname), indexdef FROM pg_catalog.pg_indexes WHERE schemaname = $1 AND "
            "tablename = $2 ORDER BY indexname",
            {std::string(region), table});
        tx.exec("TRUNCATE " + s + "." + table);
        for (const auto& i : indexes) tx.exec("DROP INDEX " + s + "." + i[0].as<std::string>());
        tx.exec("INSERT INTO " + s + "." + table + " SELECT * FROM " + s + "." + view);
        for (const auto& i : indexes) tx.exec(i[1].as<std::string>());
      }
      detail::exec_params(tx, "UPDATE " + s + ".posts_cache_version SET version = $1", {wanted});
      rebuilt_ = true;
    }
    tx.commit();
    if (rebuilt_) sql::query(db, "ANALYZE " + s + ".posts_cache, " + s + ".counted_beatdowns_cache");
    pqxx::nontransaction again(db.impl().conn);
    now = versions(again);
  }
  reader_.emplace(report::Reader(db, region, s + ".posts_cache", s + ".counted_beatdowns_cache", memo, now.identity));
}

Summary summary(const report::Reader& read, const Period& p, date::sys_days today) {
  Database& db = read.db();
  const std::string_view region = read.region();
  const std::string s = region_schema(region);
  const auto r = sql::query(
      db,
      "WITH b AS (SELECT count(*) AS beatdowns, count(DISTINCT ao_channel_id) AS aos, coalesce(sum(fng_count), 0) AS "
      "fngs, coalesce(avg(pax_count), 0) AS attendance FROM " +
          read.counted_table() +
          " WHERE bd_date BETWEEN $1::date AND $2::date), "
          "p AS (SELECT count(DISTINCT person) AS pax, count(DISTINCT person) FILTER (WHERE role IN ('q', 'coq')) AS "
          "qs, count(*) AS posts FROM " +
          read.posts_table() +
          " WHERE bd_date BETWEEN $1::date AND $2::date), "
          "a AS (SELECT count(DISTINCT person) AS active FROM " +
          read.posts_table() +
          " WHERE bd_date BETWEEN $3::date - 29 AND $3::date) "
          "SELECT b.beatdowns, b.aos, p.pax, p.qs, b.fngs, p.posts, a.active, round(b.attendance, 1) FROM b, p, a",
      {day(p.first), day(p.last), day(today)});
  const auto& row = r.at(0);
  return {as_int(row[0]), as_int(row[1]), as_int(row[2]), as_int(row[3]),
          as_int(row[4]), as_int(row[5]), as_int(row[6]), std::stod(row[7].value_or("0"))};
}

std::vector<AoRow> ao_list(const report::Reader& read, const Period& p) {
  return *read.remembered<std::vector<AoRow>>("ao_list " + day(p.first) + " " + day(p.last),
                                              [&] { return ao_list_query(read, p); });
}

DataSpan data_span(const report::Reader& read) {
  Database& db = read.db();
  const auto r =
      sql::query(db, "SELECT to_char(min(bd_date), 'YYYY-MM-DD'), to_char(max(bd_date), 'YYYY-MM-DD') FROM " +
                         read.counted_table());
  if (!r[0][0] || !r[0][1]) return {};
  return {calendar::parse_day(*r[0][0]), calendar::parse_day(*r[0][1])};
}

namespace {
std::vector<AoRow> ao_list_query(const report::Reader& read, const Period& p) {
  Database& db = read.db();
  const std::string_view region = read.region();
  const std::string s = region_schema(region);
  std::vector<AoRow> out;
  for (const auto& r : sql::query(
           db,
           "WITH b AS (SELECT ao_channel_id AS ao_id, count(*) FILTER (WHERE bd_date BETWEEN $1::date AND $2::date) "
           "AS beatdowns, coalesce(sum(fng_count) FILTER (WHERE bd_date BETWEEN $1::date AND $2::date), 0) AS fngs, "
           "min(bd_date) AS first, max(bd_date) AS last FROM " +
               read.counted_table() +
               " WHERE ao_channel_id IS NOT NULL GROUP BY 1), "
               "p AS (SELECT ao_id, count(DISTINCT person) AS pax FROM " +
               read.posts_table() +
               " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1) "
               "SELECT b.ao_id, coalesce(c.name, b.ao_id), b.beatdowns, coalesce(p.pax, 0), b.fngs, b.first, b.last, "
               "coalesce(c.site_q_user_id, ''), coalesce(u.user_name, '') "
               "FROM b LEFT JOIN p USING (ao_id) LEFT JOIN " +
               s + ".channels c ON c.channel_id = b.ao_id LEFT JOIN " + s +
               ".users u ON u.user_id = c.site_q_user_id ORDER BY lower(coalesce(c.name, b.ao_id)), b.ao_id",
           {day(p.first), day(p.last)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4]), as_text(r[5]), as_text(r[6]),
                   as_text(r[7]), as_text(r[8])});
  return out;
}
}  // namespace

std::vector<BeatdownRow> beatdowns(const report::Reader& read, const BeatdownFilter& f) {
  Database& db = read.db();
  const std::string_view region = read.region();
  // One person's: from the attendance held in memory (detail/attendance.hpp).
  if (f.person) return detail::attendance(read)->beatdowns_of(*f.person, f.ao, f.limit);
  const std::string s = region_schema(region);
  // The latest counted beatdowns (of an AO), then everyone named at those.
  const std::string P = read.posts_table();
  const std::string which = "(SELECT channel_id, ts FROM " + read.counted_table() +
                            " WHERE $1::text IS NULL OR ao_channel_id = $1 ORDER BY bd_date DESC, ts DESC LIMIT $2)";
  std::vector<BeatdownRow> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT p.bd_date, coalesce(min(p.ao_id), ''), max(p.ao_name), "
                  "coalesce(string_agg(p.person_name, ' & ' ORDER BY p.role DESC, p.person_name) FILTER (WHERE p.role "
                  "IN ('q', 'coq')), "
                  "''), coalesce(max(b.title), ''), p.channel_id, p.ts, '', count(*), max(b.fng_count) FROM " +
                      which + " w JOIN " + P + " p USING (channel_id, ts) JOIN " + s +
                      ".beatdowns b USING (channel_id, ts) WHERE $1::text IS NULL OR p.ao_id = $1 "
                      "GROUP BY p.bd_date, p.channel_id, p.ts ORDER BY p.bd_date DESC, p.ts DESC LIMIT $2",
                  {f.ao, std::to_string(f.limit)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5]),
                   as_text(r[6]), as_text(r[7]), as_int(r[8]), as_int(r[9])});
  return out;
}

std::optional<PaxProfile> pax_profile(const report::Reader& read, std::string_view person) {
  Database& db = read.db();
  const std::string_view region = read.region();
  // The record from the attendance held in memory (detail/attendance.hpp); the Slack user's own
  // names from users.
  const auto u = sql::query(db,
                            "SELECT user_id, user_name, coalesce(real_name, '') FROM " + region_schema(region) +
                                ".users WHERE user_id = $1 AND NOT is_bot",
                            {std::string(person)});
  PaxProfile p;
  p.person = person;
  const auto attendance = detail::attendance(read);
  if (!attendance->record(person, p) && u.empty()) return std::nullopt;
  if (!u.empty()) {
    p.user_id = as_text(u[0][0]);
    p.name = as_text(u[0][1]);
    p.real_name = as_text(u[0][2]);
  }
  attendance->meet(person, p);
  return p;
}

std::vector<std::string> posters(const report::Reader& read) {
  Database& db = read.db();
  std::vector<std::string> out;
  for (const auto& r :
       sql::query(db, "SELECT user_id FROM " + read.posts_table() +
                          " WHERE user_id IS NOT NULL GROUP BY user_id ORDER BY max(bd_date) DESC, user_id"))
    out.push_back(as_text(r[0]));
  return out;
}

std::vector<PersonHit> search_people(const report::Reader& read, std::string_view text, int limit, bool real_names) {
  Database& db = read.db();
  const std::string_view region = read.region();
  const std::string s = region_schema(region);
  std::vector<PersonHit> out;
  // The text is matched as it is: LIKE's wildcards in it are escaped, so "_" finds "_".
  for (const auto& r : sql::query(
           db,
           "WITH q AS (SELECT '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' AS "
           "pattern), "
           "people AS (SELECT person, max(user_id) AS user_id, max(person_name) AS name, count(*) AS posts FROM " +
               read.posts_table() +
               " GROUP BY person) "
               "SELECT p.person, coalesce(p.user_id, ''), p.name, CASE WHEN $3 THEN coalesce(u.real_name, '') "
               "ELSE '' END, p.posts FROM people p LEFT JOIN " +
               s +
               ".users u ON u.user_id = p.user_id, q "
               "WHERE p.name ILIKE q.pattern OR ($3 AND u.real_name ILIKE q.pattern) "
               "ORDER BY p.posts DESC, p.name, p.person LIMIT $2",
           {std::string(text), std::to_string(limit), real_names ? "true" : "false"}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4])});
  return out;
}

std::vector<IssueRow> parse_issue_list(Database& db, std::string_view region, int limit) {
  const std::string s = region_schema(region);
  std::vector<IssueRow> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT i.channel_id, coalesce(c.name, i.channel_id), i.ts, i.severity, i.field, i.reason, "
                  "coalesce(i.line, 0), CASE WHEN i.line > 0 THEN split_part(m.text, E'\\n', i.line) ELSE '' END, "
                  "to_char(m.posted_at, 'YYYY-MM-DD') FROM " +
                      s + ".parse_issues i JOIN " + s + ".messages m USING (channel_id, ts) LEFT JOIN " + s +
                      ".channels c ON c.channel_id = i.channel_id WHERE NOT m.deleted "
                      "ORDER BY m.posted_at DESC, i.ts DESC, i.line NULLS FIRST, i.id LIMIT $1",
                  {std::to_string(limit)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5]),
                   as_text(r[7]), as_text(r[8]), as_int(r[6])});
  return out;
}

DataQuality data_quality(Database& db, std::string_view region, date::year_month last_month, int months) {
  const std::string s = region_schema(region);
  const auto tz = get_region(db, region).tz;
  DataQuality out;
  // Every month of the window, those without a beatdown too (a gap is a fact the trend shows).
  for (const auto& r : sql::query(
           db,
           "WITH m AS (SELECT to_char(d, 'YYYY-MM') AS month FROM generate_series(to_date($1, 'YYYY-MM') - "
           "make_interval(months => $2::int - 1), to_date($1, 'YYYY-MM'), interval '1 month') d), "
           "b AS (SELECT to_char(b.bd_date, 'YYYY-MM') AS month, count(*) AS n, count(*) FILTER (WHERE NOT EXISTS "
           "(SELECT 1 FROM " +
               s +
               ".parse_issues i WHERE i.channel_id = b.channel_id AND i.ts = b.ts)) AS clean "
               "FROM " +
               s +
               ".beatdowns b GROUP BY 1), "
               "u AS (SELECT to_char(msg.posted_at AT TIME ZONE $3, 'YYYY-MM') AS month, count(DISTINCT (i.channel_id, "
               "i.ts)) AS n "
               "FROM " +
               s + ".parse_issues i JOIN " + s +
               ".messages msg USING (channel_id, ts) WHERE i.severity = 'error' "
               "AND NOT msg.deleted AND NOT EXISTS (SELECT 1 FROM " +
               s +
               ".beatdowns x WHERE x.channel_id = i.channel_id "
               "AND x.ts = i.ts) GROUP BY 1) "
               "SELECT m.month, coalesce(b.n, 0), coalesce(b.clean, 0), coalesce(u.n, 0) FROM m LEFT JOIN b USING "
               "(month) "
               "LEFT JOIN u USING (month) ORDER BY m.month",
           {calendar::format(last_month), std::to_string(months), tz}))
    out.months.push_back({as_month(r[0]), as_int(r[1]), as_int(r[2]), as_int(r[3])});
  out.open_issues = std::stoi(sql::value(db, "SELECT count(*) FROM " + s + ".parse_issues i JOIN " + s +
                                                 ".messages m USING (channel_id, ts) WHERE NOT m.deleted")
                                  .value_or("0"));
  return out;
}

std::vector<RunRow> runs(Database& db, std::string_view region, int limit) {
  validate_slug(region);
  std::vector<RunRow> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT r.id, r.kind, coalesce(r.period, ''), r.status, to_char(r.started_at, 'YYYY-MM-DD HH24:MI'), "
                  "coalesce(to_char(r.finished_at, 'YYYY-MM-DD HH24:MI'), ''), coalesce(r.error, ''), "
                  "count(d.id) FILTER (WHERE d.status IN ('sent', 'skipped')), "
                  "count(d.id) FILTER (WHERE d.status IN ('failed', 'in_doubt')), "
                  "count(d.id) FILTER (WHERE d.status IN ('planned', 'uploading', 'uploaded')) "
                  // A run's deliveries are its period's (a run again of a month shows the month's as they stand).
                  "FROM paxstats.runs r LEFT JOIN paxstats.deliveries d ON d.region = r.region AND d.period = r.period "
                  "WHERE r.region = $1 "
                  "GROUP BY r.id ORDER BY r.started_at DESC, r.id DESC LIMIT $2",
                  {std::string(region), std::to_string(limit)}))
    out.push_back({std::stoll(as_text(r[0])), jobs::run_kind_of(as_text(r[1])), as_text(r[2]),
                   jobs::run_status_of(as_text(r[3])), as_text(r[4]), as_text(r[5]), as_text(r[6]), as_int(r[7]),
                   as_int(r[8]), as_int(r[9])});
  return out;
}

std::vector<DeliveryRow> open_deliveries(Database& db, std::string_view region, int limit) {
  validate_slug(region);
  std::vector<DeliveryRow> out;
  for (const auto& r : sql::query(db,
                                  "SELECT id, report, period, recipient, status, to_char(updated_at, 'YYYY-MM-DD "
                                  "HH24:MI'), coalesce(error, '') FROM paxstats.deliveries WHERE region = $1 AND "
                                  "status NOT IN ('sent', 'skipped') ORDER BY updated_at DESC, id DESC LIMIT $2",
                                  {std::string(region), std::to_string(limit)}))
    out.push_back({std::stoll(as_text(r[0])), as_text(r[1]), as_text(r[2]), as_text(r[3]),
                   outbox::status_of(as_text(r[4])), as_text(r[5]), as_text(r[6])});
  return out;
}

std::string_view to_string(ActionVia via) {
  switch (via) {
    case ActionVia::dashboard: return "dashboard";
    case ActionVia::slack: return "slack";
    case ActionVia::service: return "service";
  }
  return "dashboard";
}

bool log_action(Database& db, std::string_view region, std::string_view user_id, std::string_view action,
                std::string_view detail, ActionVia via, const std::optional<std::string>& dedupe) {
  return !sql::query(db,
                     "INSERT INTO paxstats.web_actions (region, user_id, action, detail, via, dedupe) "
                     "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe) DO NOTHING RETURNING 1",
                     {std::string(region), std::string(user_id), std::string(action), std::string(detail),
                      std::string(to_string(via)), dedupe})
              .empty();
}

std::vector<ActionRow> actions(Database& db, std::string_view region, int limit) {
  std::vector<ActionRow> out;
  for (const auto& r : sql::query(db,
                                  "SELECT user_id, action, detail, to_char(created_at, 'YYYY-MM-DD HH24:MI'), via FROM "
                                  "paxstats.web_actions WHERE region = $1 ORDER BY id DESC LIMIT $2",
                                  {std::string(region), std::to_string(limit)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4])});
  return out;
}

std::vector<ChannelChoice> channel_choices(Database& db, std::string_view region) {
  std::vector<ChannelChoice> out;
  for (const auto& r :
       sql::query(db, "SELECT channel_id, name, is_private FROM " + detail::region_schema(region) +
                          ".channels WHERE NOT is_archived AND channel_id !~ '^D' ORDER BY name, channel_id"))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]) == "t"});
  return out;
}

}  // namespace paxstats::db::dashboard
