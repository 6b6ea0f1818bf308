#include "paxstats/db/report_queries.hpp"

#include <date/date.h>

#include <cstdio>
#include <map>

#include "detail/database_impl.hpp"
#include "detail/region_memo.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db::report {
namespace {

using detail::region_schema;

// Where the region's posts are read: its snapshot on this connection, else the posts view.
std::string posts(Database& db, std::string_view region) {
  const auto& sources = db.impl().posts_source;
  if (auto it = sources.find(region); it != sources.end()) return it->second;
  return region_schema(region) + ".posts";
}

// Where the region's counted beatdowns are read: the dashboard's copy while a PostsCache
// lives on this connection, else the counted_beatdowns view.
std::string counted(Database& db, std::string_view region) {
  const auto& sources = db.impl().counted_source;
  if (auto it = sources.find(region); it != sources.end()) return it->second;
  return region_schema(region) + ".counted_beatdowns";
}

int as_int(const std::optional<std::string>& v) { return v ? std::stoi(*v) : 0; }
std::string as_text(const std::optional<std::string>& v) { return v.value_or(""); }
// A month as the queries write it (to_char(…, 'YYYY-MM')), read into its type here, once.
date::year_month as_month(const std::optional<std::string>& v) { return calendar::parse_month(v.value_or("")); }

// The query itself; the memo (detail/region_memo.hpp) keeps its rows while the posts cache stands.
std::vector<PersonName> people_query(Database& db, std::string_view region, const std::optional<std::string>& named);
std::vector<AoMonth> ao_months_query(Database& db, std::string_view region, const Period& p);
std::vector<RegionMonth> region_months_query(Database& db, std::string_view region, const Period& p);

}  // namespace

Snapshot::Snapshot(Database& db, std::string_view region, std::string_view last)
    : db_(db), region_(region), table_("pg_temp." + quote_identifier("report_posts_" + std::string(region))) {
  const std::string view = region_schema(region) + ".posts";
  sql::query(db, "DROP TABLE IF EXISTS " + table_);
  sql::query(db, "CREATE TEMP TABLE " + table_ + " AS SELECT * FROM " + view + " WITH NO DATA");
  sql::query(db, "INSERT INTO " + table_ + " SELECT * FROM " + view + " WHERE bd_date <= $1::date",
             {std::string(last)});
  sql::query(db, "ANALYZE " + table_);
  db.impl().posts_source[region_] = table_;
}

Snapshot::~Snapshot() {
  db_.impl().posts_source.erase(region_);
  try {
    sql::query(db_, "DROP TABLE IF EXISTS " + table_);
  } catch (...) {  // the connection is gone: so is the temporary table
  }
}

Period month(std::string_view m) {
  const auto ym = calendar::parse_month(m);
  return {calendar::format(calendar::first_day(ym)), calendar::format(calendar::last_day(ym))};
}

Period year_to_month(std::string_view m) {
  const auto ym = calendar::parse_month(m);
  return {calendar::format(calendar::first_day(ym.year() / date::January)), calendar::format(calendar::last_day(ym))};
}

std::vector<PersonTotal> leaderboard(Database& db, std::string_view region, const Period& p,
                                     const std::optional<std::string>& ao, int limit) {
  std::vector<PersonTotal> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), count(*), count(DISTINCT ao_id) "
                  "FROM " +
                      posts(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date "
                      "AND ($3::text IS NULL OR ao_id = $3) GROUP BY person "
                      "ORDER BY count(*) DESC, count(DISTINCT ao_id) DESC, max(person_name), person LIMIT $4",
                  {p.first, p.last, ao, std::to_string(limit)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4])});
  return out;
}

std::vector<AoPersonTotal> leaderboards_by_ao(Database& db, std::string_view region, const Period& p, int limit) {
  std::vector<AoPersonTotal> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT ao_id, person, user_id, name, posts FROM (SELECT ao_id, person, coalesce(max(user_id), '') "
                  "AS user_id, max(person_name) AS name, count(*) AS posts, row_number() OVER (PARTITION BY ao_id "
                  "ORDER BY count(*) DESC, max(person_name), person) AS n FROM " +
                      posts(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY ao_id, person) t WHERE n <= $3 "
                      "ORDER BY ao_id, n",
                  {p.first, p.last, std::to_string(limit)}))
    out.push_back({as_text(r[0]), {as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4]), 1}});
  return out;
}

std::vector<MonthAoPosts> person_posts(Database& db, std::string_view region, std::string_view person,
                                       const Period& p) {
  std::vector<MonthAoPosts> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT to_char(bd_date, 'YYYY-MM'), ao_id, max(ao_name), count(*) FROM " + posts(db, region) +
                      " WHERE person = $1 AND bd_date BETWEEN $2::date AND $3::date "
                      "GROUP BY 1, 2 ORDER BY 1, 2",
                  {std::string(person), p.first, p.last}))
    out.push_back({as_month(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3])});
  return out;
}

std::vector<PersonMonthAo> posts_by_person(Database& db, std::string_view region, const Period& p,
                                           const std::optional<std::string>& person) {
  std::vector<PersonMonthAo> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), to_char(bd_date, 'YYYY-MM'), ao_id, "
                  "max(ao_name), count(*) FROM " +
                      posts(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR person = $3) "
                      "GROUP BY 1, 4, 5 ORDER BY 1, 4, 5",
                  {p.first, p.last, person}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_month(r[3]), as_text(r[4]), as_text(r[5]), as_int(r[6])});
  return out;
}

namespace {
std::vector<std::pair<std::string, std::string>> aos_query(Database& db, std::string_view region);
}  // namespace

std::vector<std::pair<std::string, std::string>> aos(Database& db, std::string_view region) {
  // Kept while the dashboard's posts cache stands (what it reads moves the cache's version):
  // every page's charts ask for it.
  return *detail::RegionMemo::instance().get<std::vector<std::pair<std::string, std::string>>>(
      db, region, "aos", [&] { return aos_query(db, region); });
}

namespace {
std::vector<std::pair<std::string, std::string>> aos_query(Database& db, std::string_view region) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string s = region_schema(region);
  // The distinct AO ids walked through the (ao_channel_id, bd_date) index, one lookup per AO,
  // not a scan of every beatdown; beatdowns of no channel make one last row, as GROUP BY did.
  for (const auto& r : sql::query(db, "WITH RECURSIVE ids AS (SELECT min(ao_channel_id) AS id FROM " + s +
                                          ".beatdowns UNION ALL SELECT (SELECT min(ao_channel_id) FROM " + s +
                                          ".beatdowns WHERE ao_channel_id > ids.id) FROM ids WHERE ids.id IS NOT NULL) "
                                          "SELECT ids.id, coalesce(c.name, ids.id) FROM ids LEFT JOIN " +
                                          s +
                                          ".channels c ON c.channel_id = ids.id WHERE ids.id IS NOT NULL "
                                          "UNION ALL SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM " +
                                          s + ".beatdowns WHERE ao_channel_id IS NULL) ORDER BY 1"))
    out.emplace_back(as_text(r[0]), as_text(r[1]));
  return out;
}
}  // namespace

std::vector<std::string> gone_recipients(Database& db, std::string_view region) {
  const std::string s = region_schema(region);
  std::vector<std::string> out;
  for (const auto& r :
       sql::query(db, "SELECT user_id FROM " + s + ".users WHERE deleted UNION ALL SELECT channel_id FROM " + s +
                          ".channels WHERE is_archived"))
    out.push_back(as_text(r[0]));
  return out;
}

std::vector<QCount> q_counts(Database& db, std::string_view region, const Period& p,
                             const std::optional<std::string>& ao) {
  std::vector<QCount> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), ao_id, max(ao_name), "
                  "count(*) FILTER (WHERE role = 'q'), count(*) FILTER (WHERE role = 'coq') FROM " +
                      posts(db, region) +
                      " WHERE role IN ('q', 'coq') AND bd_date BETWEEN $1::date AND $2::date "
                      "AND ($3::text IS NULL OR ao_id = $3) GROUP BY person, ao_id ORDER BY count(*) DESC, 3, 4",
                  {p.first, p.last, ao}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_int(r[5]), as_int(r[6])});
  return out;
}

std::optional<std::string> user_name(Database& db, std::string_view region, std::string_view user_id) {
  return sql::value(db, "SELECT user_name FROM " + region_schema(region) + ".users WHERE user_id = $1",
                    {std::string(user_id)});
}

int beatdown_count(Database& db, std::string_view region, const Period& p) {
  return as_int(sql::value(db,
                           "SELECT count(*) FROM " + counted(db, region) +
                               " WHERE bd_date BETWEEN $1::date AND "
                               "$2::date",
                           {p.first, p.last}));
}

// Whole months (the 1st to the last day): the dashboard's charts ask for many such periods, each
// a slice of every month's rows, which the memo keeps once.
namespace {
bool whole_months(const Period& p) {
  if (!p.first.ends_with("-01")) return false;
  const auto next = date::year_month_day{calendar::parse_day(p.last) + date::days{1}};
  return next.day() == date::day{1};
}

const Period kEveryMonth{"1900-01-01", "9999-12-31"};

template <class Row>
std::vector<Row> months_within(const std::vector<Row>& all, const Period& p) {
  const auto month_of = [](const std::string& day) { return calendar::month_of(calendar::parse_day(day)); };
  const auto first = month_of(p.first), last = month_of(p.last);
  std::vector<Row> out;
  for (const auto& r : all)
    if (r.month >= first && r.month <= last) out.push_back(r);
  return out;
}
}  // namespace

std::vector<AoMonth> ao_months(Database& db, std::string_view region, const Period& p) {
  auto& memo = detail::RegionMemo::instance();
  if (whole_months(p))
    return months_within(*memo.get<std::vector<AoMonth>>(db, region, "ao_months",
                                                         [&] { return ao_months_query(db, region, kEveryMonth); }),
                         p);
  return *memo.get<std::vector<AoMonth>>(db, region, "ao_months " + p.first + " " + p.last,
                                         [&] { return ao_months_query(db, region, p); });
}

namespace {
std::vector<AoMonth> ao_months_query(Database& db, std::string_view region, const Period& p) {
  const std::string s = region_schema(region);
  std::vector<AoMonth> out;
  for (const auto& r : sql::query(
           db,
           "WITH b AS (SELECT ao_channel_id AS ao_id, to_char(bd_date, 'YYYY-MM') AS month, count(*) AS beatdowns, "
           "           sum(pax_count) AS headcount, sum(fng_count) AS fngs FROM " +
               counted(db, region) +
               " "
               "           WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1, 2), "
               "p AS (SELECT ao_id, to_char(bd_date, 'YYYY-MM') AS month, max(ao_name) AS ao_name, count(*) AS posts, "
               "      count(DISTINCT person) AS unique_pax FROM " +
               posts(db, region) +
               " WHERE bd_date BETWEEN $1::date AND $2::date "
               "      GROUP BY 1, 2) "
               "SELECT b.ao_id, coalesce(p.ao_name, b.ao_id), b.month, b.beatdowns, coalesce(p.posts, 0), "
               "coalesce(p.unique_pax, 0), "
               "b.headcount, b.fngs FROM b LEFT JOIN p USING (ao_id, month) ORDER BY 2, 3",
           {p.first, p.last}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_month(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_int(r[6]),
                   as_int(r[7])});
  return out;
}
}  // namespace

std::vector<std::pair<std::string, date::year_month>> ao_first_months(Database& db, std::string_view region) {
  std::vector<std::pair<std::string, date::year_month>> out;
  for (const auto& r :
       sql::query(db, "SELECT ao_channel_id, to_char(min(bd_date), 'YYYY-MM') FROM " + counted(db, region) +
                          " WHERE ao_channel_id IS NOT NULL GROUP BY 1 ORDER BY 1"))
    out.emplace_back(as_text(r[0]), as_month(r[1]));
  return out;
}

std::vector<RegionMonth> region_months(Database& db, std::string_view region, const Period& p) {
  if (whole_months(p))
    return months_within(*detail::RegionMemo::instance().get<std::vector<RegionMonth>>(
                             db, region, "region_months", [&] { return region_months_query(db, region, kEveryMonth); }),
                         p);
  return region_months_query(db, region, p);
}

namespace {
std::vector<RegionMonth> region_months_query(Database& db, std::string_view region, const Period& p) {
  std::vector<RegionMonth> out;
  for (const auto& r :
       sql::query(db,
                  "WITH b AS (SELECT to_char(bd_date, 'YYYY-MM') AS month, count(*) AS beatdowns, sum(fng_count) AS "
                  "fngs FROM " +
                      counted(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1), "
                      "p AS (SELECT to_char(bd_date, 'YYYY-MM') AS month, count(*) AS posts, count(DISTINCT person) AS "
                      "unique_pax "
                      "      FROM " +
                      posts(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1) "
                      "SELECT b.month, b.beatdowns, coalesce(p.posts, 0), coalesce(p.unique_pax, 0), b.fngs "
                      "FROM b LEFT JOIN p USING (month) ORDER BY 1",
                  {p.first, p.last}))
    out.push_back({as_month(r[0]), as_int(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4])});
  return out;
}
}  // namespace

std::vector<PersonDayAo> posts_by_day_ao(Database& db, std::string_view region, const Period& p) {
  std::vector<PersonDayAo> out;
  for (const auto& r : sql::query(db,
                                  "SELECT person, coalesce(max(user_id), ''), max(person_name), bd_date::text, ao_id, "
                                  "count(*) FROM " +
                                      posts(db, region) +
                                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY person, bd_date, ao_id "
                                      "ORDER BY 1, 4, 5",
                                  {p.first, p.last}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_int(r[5])});
  return out;
}

PeriodTotals period_totals(Database& db, std::string_view region, const Period& p) {
  const auto r = sql::query(db,
                            "SELECT (SELECT count(*) FROM " + counted(db, region) +
                                " WHERE bd_date BETWEEN $1::date AND $2::date), "
                                "(SELECT coalesce(sum(fng_count), 0) FROM " +
                                counted(db, region) +
                                " WHERE bd_date BETWEEN $1::date AND $2::date), "
                                "count(*), count(DISTINCT person) FROM " +
                                posts(db, region) + " WHERE bd_date BETWEEN $1::date AND $2::date",
                            {p.first, p.last});
  return {as_int(r[0][0]), as_int(r[0][2]), as_int(r[0][3]), as_int(r[0][1])};
}

std::vector<TopBeatdown> top_beatdowns(Database& db, std::string_view region, const Period& p, int limit) {
  std::vector<TopBeatdown> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT ao_id, max(ao_name), bd_date::text, "
                  "       coalesce(max(person_name) FILTER (WHERE role = 'q'), ''), channel_id, ts, count(*) "
                  "FROM " +
                      posts(db, region) +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY ao_id, bd_date, channel_id, ts "
                      "ORDER BY 7 DESC, 3, 2 LIMIT $3",
                  {p.first, p.last, std::to_string(limit)}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5]), as_int(r[6])});
  return out;
}

std::vector<PersonStats> person_stats(Database& db, std::string_view region, const Period& p) {
  std::vector<PersonStats> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT p.person, coalesce(max(p.user_id), ''), max(p.person_name), count(*), "
                  "count(DISTINCT p.ao_id), count(*) FILTER (WHERE p.role IN ('q', 'coq')), "
                  "count(DISTINCT p.ao_id) FILTER (WHERE p.role IN ('q', 'coq')), "
                  "coalesce(sum(p.beatdown_fngs) FILTER (WHERE p.role IN ('q', 'coq')), 0) FROM " +
                      posts(db, region) +
                      " p WHERE p.bd_date BETWEEN $1::date AND $2::date GROUP BY p.person ORDER BY p.person",
                  {p.first, p.last}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_int(r[6]),
                   as_int(r[7])});
  return out;
}

std::vector<Streak> weekly_streaks(Database& db, std::string_view region, std::string_view day,
                                   const std::optional<std::string>& person) {
  std::vector<Streak> out;
  // Weeks with a post, numbered per person; consecutive weeks share (week - 7 × number).
  for (const auto& r : sql::query(
           db,
           "WITH w AS (SELECT person, max(user_id) AS user_id, max(person_name) AS name, "
           "           date_trunc('week', bd_date)::date AS week FROM " +
               posts(db, region) +
               " "
               "           WHERE bd_date <= $1::date AND ($2::text IS NULL OR person = $2) "
               "           GROUP BY person, date_trunc('week', bd_date)), "
               "g AS (SELECT *, week - 7 * (row_number() OVER (PARTITION BY person ORDER BY week))::int AS island FROM "
               "w) "
               "SELECT person, coalesce(max(user_id), ''), max(name), count(*), to_char(max(week), 'YYYY-MM-DD') FROM "
               "g "
               "GROUP BY person, island HAVING max(week) >= date_trunc('week', $1::date)::date - 7 ORDER BY person",
           {std::string(day), person}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_text(r[4])});
  return out;
}

std::vector<WeekPosts> busy_weeks(Database& db, std::string_view region, const Period& p, int min) {
  std::vector<WeekPosts> out;
  for (const auto& r : sql::query(db,
                                  "SELECT person, coalesce(max(user_id), ''), max(person_name), "
                                  "to_char(date_trunc('week', bd_date), 'YYYY-MM-DD'), count(*) FROM " +
                                      posts(db, region) +
                                      " WHERE bd_date BETWEEN $1::date - 6 AND $2::date GROUP BY person, 4 "
                                      "HAVING count(*) >= $3::int AND date_trunc('week', min(bd_date))::date + 6 "
                                      "BETWEEN $1::date AND $2::date "
                                      "ORDER BY 4, person",
                                  {p.first, p.last, std::to_string(min)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4])});
  return out;
}

std::vector<KotterRow> kotter_candidates(Database& db, std::string_view region, std::string_view day, int min_posts,
                                         int window_weeks, int quiet_weeks) {
  std::vector<KotterRow> out;
  for (const auto& r : sql::query(
           db,
           "SELECT person, coalesce(max(user_id), ''), max(person_name), "
           "count(*) FILTER (WHERE bd_date > $1::date - 7 * ($3::int + $4::int) AND bd_date <= $1::date - 7 * "
           "$4::int), "
           "count(*) FILTER (WHERE bd_date > $1::date - 7 * $4::int), "
           "count(*) FILTER (WHERE role IN ('q', 'coq')), to_char(max(bd_date), 'YYYY-MM-DD'), "
           "mode() WITHIN GROUP (ORDER BY ao_id) FILTER (WHERE bd_date > $1::date - 7 * ($3::int + $4::int)) "
           "FROM " +
               posts(db, region) +
               " WHERE bd_date <= $1::date GROUP BY person "
               "HAVING count(*) FILTER (WHERE bd_date > $1::date - 7 * ($3::int + $4::int)) >= $2::int ORDER BY person",
           {std::string(day), std::to_string(min_posts), std::to_string(window_weeks), std::to_string(quiet_weeks)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_text(r[6]),
                   as_text(r[7])});
  return out;
}

using detail::text_array;

std::vector<DriftRow> drift_candidates(Database& db, std::string_view region, std::string_view day, int min_days,
                                       int max_days) {
  const std::string p = posts(db, region);
  std::vector<DriftRow> out;
  std::map<std::string, size_t> index;
  for (const auto& r :
       sql::query(db,
                  "WITH per AS (SELECT person, coalesce(max(user_id), '') AS uid, max(person_name) AS name, count(*) "
                  "AS posts, "
                  "  count(*) FILTER (WHERE bd_date > $1::date - 90) AS recent, count(DISTINCT ao_id) AS aos, "
                  "  count(*) FILTER (WHERE role IN ('q', 'coq')) AS led, min(bd_date) AS first, max(bd_date) AS last "
                  "  FROM " +
                      p +
                      " WHERE bd_date <= $1::date GROUP BY person "
                      "  HAVING max(bd_date) BETWEEN $1::date - $3::int AND $1::date - $2::int), "
                      "seen AS (SELECT DISTINCT ON (x.person) x.person, x.ao_id, x.ao_name FROM " +
                      p +
                      " x "
                      "  JOIN per ON per.person = x.person AND x.bd_date = per.last ORDER BY x.person, x.ts DESC) "
                      "SELECT per.person, per.uid, per.name, per.posts, per.recent, per.aos, per.led, "
                      "to_char(per.first, 'YYYY-MM-DD'), "
                      "to_char(per.last, 'YYYY-MM-DD'), seen.ao_id, seen.ao_name FROM per JOIN seen USING (person) "
                      "ORDER BY per.person",
                  {std::string(day), std::to_string(min_days), std::to_string(max_days)})) {
    index[as_text(r[0])] = out.size();
    out.push_back({as_text(r[0]),
                   as_text(r[1]),
                   as_text(r[2]),
                   as_int(r[3]),
                   as_int(r[4]),
                   as_int(r[5]),
                   as_int(r[6]),
                   as_text(r[7]),
                   as_text(r[8]),
                   as_text(r[9]),
                   as_text(r[10]),
                   {}});
  }
  if (out.empty()) return out;
  std::vector<std::string> people;
  for (const auto& d : out) people.push_back(d.person);
  for (const auto& r : sql::query(db,
                                  "WITH mine AS (SELECT person, channel_id, ts FROM " + p +
                                      " WHERE bd_date <= $1::date AND person = ANY($2::text[])), "
                                      "pairs AS (SELECT m.person, o.person AS other, coalesce(max(o.user_id), '') AS "
                                      "uid, max(o.person_name) AS name, "
                                      "  count(*) AS n FROM mine m JOIN " +
                                      p +
                                      " o ON o.channel_id = m.channel_id AND o.ts = m.ts "
                                      "  AND o.person <> m.person GROUP BY 1, 2), "
                                      "ranked AS (SELECT *, row_number() OVER (PARTITION BY person ORDER BY n DESC, "
                                      "name, other) AS k FROM pairs) "
                                      "SELECT person, other, uid, name, n FROM ranked WHERE k <= 3 ORDER BY person, k",
                                  {std::string(day), text_array(people)}))
    out[index.at(as_text(r[0]))].besties.push_back({as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4])});
  return out;
}

std::vector<std::pair<std::string, std::string>> names_of(Database& db, std::string_view region,
                                                          const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::string>> out;
  if (ids.empty()) return out;
  const std::string s = region_schema(region);
  for (const auto& r : sql::query(db,
                                  "SELECT user_id, user_name FROM " + s +
                                      ".users WHERE user_id = ANY($1::text[]) "
                                      "UNION ALL SELECT channel_id, '#' || name FROM " +
                                      s + ".channels WHERE channel_id = ANY($1::text[]) ORDER BY 1",
                                  {text_array(ids)}))
    out.emplace_back(as_text(r[0]), as_text(r[1]));
  return out;
}

std::vector<PersonName> people(Database& db, std::string_view region, const std::optional<std::string>& named) {
  if (!named)
    return *detail::RegionMemo::instance().get<std::vector<PersonName>>(
        db, region, "people", [&] { return people_query(db, region, named); });
  return people_query(db, region, named);
}

namespace {
std::vector<PersonName> people_query(Database& db, std::string_view region, const std::optional<std::string>& named) {
  std::vector<PersonName> out;
  for (const auto& r : sql::query(db,
                                  "SELECT p.person, coalesce(max(p.user_id), ''), max(p.person_name), "
                                  "coalesce(max(u.real_name), '') FROM " +
                                      posts(db, region) + " p LEFT JOIN " + region_schema(region) +
                                      ".users u ON u.user_id = p.user_id "
                                      "WHERE $1::text IS NULL OR lower(p.person_name) = lower($1) "
                                      "GROUP BY p.person ORDER BY p.person",
                                  {named}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3])});
  return out;
}
}  // namespace

std::vector<std::pair<std::string, std::string>> site_qs(Database& db, std::string_view region) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : sql::query(db, "SELECT channel_id, site_q_user_id FROM " + region_schema(region) +
                                          ".channels WHERE site_q_user_id IS NOT NULL ORDER BY channel_id"))
    out.emplace_back(as_text(r[0]), as_text(r[1]));
  return out;
}

std::optional<date::year_month> latest_month(Database& db, std::string_view region) {
  const auto m = sql::value(db, "SELECT to_char(max(bd_date), 'YYYY-MM') FROM " + posts(db, region));
  if (!m) return std::nullopt;
  return as_month(m);
}

std::vector<std::pair<std::string, std::string>> most_frequent_qs(Database& db, std::string_view region) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : sql::query(db, "SELECT DISTINCT ON (ao_id) ao_id, user_id FROM " + posts(db, region) +
                                          " WHERE role = 'q' AND user_id IS NOT NULL GROUP BY ao_id, user_id "
                                          "ORDER BY ao_id, count(*) DESC, user_id"))
    out.emplace_back(*r[0], *r[1]);
  return out;
}

}  // namespace paxstats::db::report
