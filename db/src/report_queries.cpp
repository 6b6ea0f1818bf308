#include "paxstats/db/report_queries.hpp"

#include <date/date.h>

#include <cstdio>
#include <map>

#include "detail/database_impl.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db::report {
namespace {

using detail::region_schema;

// A day as the SQL binds it ($1::date).
std::string day(date::sys_days d) { return calendar::format(d); }

int as_int(const std::optional<std::string>& v) { return v ? std::stoi(*v) : 0; }
std::string as_text(const std::optional<std::string>& v) { return v.value_or(""); }
// A month as the queries write it (to_char(…, 'YYYY-MM')), read into its type here, once.
date::year_month as_month(const std::optional<std::string>& v) { return calendar::parse_month(v.value_or("")); }

}  // namespace

Reader::Reader(Database& db, std::string_view region)
    : Reader(db, region, region_schema(region) + ".posts", region_schema(region) + ".counted_beatdowns") {}

Reader::Reader(Database& db, std::string_view region, std::string posts, std::string counted, RowMemo* memo,
               std::string version)
    : db_(&db),
      region_(region),
      posts_(std::move(posts)),
      counted_(std::move(counted)),
      memo_(memo),
      version_(std::move(version)) {}

Snapshot::Snapshot(Database& db, std::string_view region, date::sys_days last)
    : db_(db),
      table_("pg_temp." + quote_identifier("report_posts_" + std::string(region))),
      reader_(db, region, table_, region_schema(region) + ".counted_beatdowns") {
  const std::string view = region_schema(region) + ".posts";
  sql::query(db, "DROP TABLE IF EXISTS " + table_);
  sql::query(db, "CREATE TEMP TABLE " + table_ + " AS SELECT * FROM " + view + " WITH NO DATA");
  sql::query(db, "INSERT INTO " + table_ + " SELECT * FROM " + view + " WHERE bd_date <= $1::date", {day(last)});
  sql::query(db, "ANALYZE " + table_);
}

Snapshot::~Snapshot() {
  try {
    sql::query(db_, "DROP TABLE IF EXISTS " + table_);
  } catch (...) {  // the connection is gone: so is the temporary table
  }
}

std::vector<PersonTotal> Reader::leaderboard(const Period& p, const std::optional<std::string>& ao, int limit) const {
  Database& db = *db_;
  std::vector<PersonTotal> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), count(*), count(DISTINCT ao_id) "
                  "FROM " +
                      posts_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date "
                      "AND ($3::text IS NULL OR ao_id = $3) GROUP BY person "
                      "ORDER BY count(*) DESC, count(DISTINCT ao_id) DESC, max(person_name), person LIMIT $4",
                  {day(p.first), day(p.last), ao, std::to_string(limit)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4])});
  return out;
}

std::vector<AoPersonTotal> Reader::leaderboards_by_ao(const Period& p, int limit) const {
  Database& db = *db_;
  std::vector<AoPersonTotal> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT ao_id, person, user_id, name, posts FROM (SELECT ao_id, person, coalesce(max(user_id), '') "
                  "AS user_id, max(person_name) AS name, count(*) AS posts, row_number() OVER (PARTITION BY ao_id "
                  "ORDER BY count(*) DESC, max(person_name), person) AS n FROM " +
                      posts_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY ao_id, person) t WHERE n <= $3 "
                      "ORDER BY ao_id, n",
                  {day(p.first), day(p.last), std::to_string(limit)}))
    out.push_back({as_text(r[0]), {as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4]), 1}});
  return out;
}

std::vector<MonthAoPosts> Reader::person_posts(std::string_view person, const Period& p) const {
  Database& db = *db_;
  std::vector<MonthAoPosts> out;
  for (const auto& r : sql::query(db,
                                  "SELECT to_char(bd_date, 'YYYY-MM'), ao_id, max(ao_name), count(*) FROM " + posts_ +
                                      " WHERE person = $1 AND bd_date BETWEEN $2::date AND $3::date "
                                      "GROUP BY 1, 2 ORDER BY 1, 2",
                                  {std::string(person), day(p.first), day(p.last)}))
    out.push_back({as_month(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3])});
  return out;
}

std::vector<PersonMonthAo> Reader::posts_by_person(const Period& p, const std::optional<std::string>& person) const {
  Database& db = *db_;
  std::vector<PersonMonthAo> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), to_char(bd_date, 'YYYY-MM'), ao_id, "
                  "max(ao_name), count(*) FROM " +
                      posts_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR person = $3) "
                      "GROUP BY 1, 4, 5 ORDER BY 1, 4, 5",
                  {day(p.first), day(p.last), person}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_month(r[3]), as_text(r[4]), as_text(r[5]), as_int(r[6])});
  return out;
}

std::vector<std::pair<std::string, std::string>> Reader::aos() const {
  // Kept while the dashboard's posts cache stands (what it reads moves the cache's version):
  // every page's charts ask for it.
  return *remembered<std::vector<std::pair<std::string, std::string>>>("aos", [&] { return aos_query(); });
}

std::vector<std::pair<std::string, std::string>> Reader::aos_query() const {
  Database& db = *db_;
  const std::string_view region = region_;
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

std::vector<std::string> Reader::gone_recipients() const {
  Database& db = *db_;
  const std::string_view region = region_;
  const std::string s = region_schema(region);
  std::vector<std::string> out;
  for (const auto& r :
       sql::query(db, "SELECT user_id FROM " + s + ".users WHERE deleted UNION ALL SELECT channel_id FROM " + s +
                          ".channels WHERE is_archived"))
    out.push_back(as_text(r[0]));
  return out;
}

std::vector<QCount> Reader::q_counts(const Period& p, const std::optional<std::string>& ao) const {
  Database& db = *db_;
  std::vector<QCount> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT person, coalesce(max(user_id), ''), max(person_name), ao_id, max(ao_name), "
                  "count(*) FILTER (WHERE role = 'q'), count(*) FILTER (WHERE role = 'coq') FROM " +
                      posts_ +
                      " WHERE role IN ('q', 'coq') AND bd_date BETWEEN $1::date AND $2::date "
                      "AND ($3::text IS NULL OR ao_id = $3) GROUP BY person, ao_id ORDER BY count(*) DESC, 3, 4",
                  {day(p.first), day(p.last), ao}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_int(r[5]), as_int(r[6])});
  return out;
}

std::optional<std::string> Reader::user_name(std::string_view user_id) const {
  Database& db = *db_;
  const std::string_view region = region_;
  return sql::value(db, "SELECT user_name FROM " + region_schema(region) + ".users WHERE user_id = $1",
                    {std::string(user_id)});
}

int Reader::beatdown_count(const Period& p) const {
  Database& db = *db_;
  return as_int(sql::value(db,
                           "SELECT count(*) FROM " + counted_ +
                               " WHERE bd_date BETWEEN $1::date AND "
                               "$2::date",
                           {day(p.first), day(p.last)}));
}

// Whole months (the 1st to the last day): the dashboard's charts ask for many such periods, each
// a slice of every month's rows, which the memo keeps once.
namespace {
bool whole_months(const Period& p) {
  return date::year_month_day{p.first}.day() == date::day{1} &&
         date::year_month_day{p.last + date::days{1}}.day() == date::day{1};
}

const Period kEveryMonth = calendar::all_days();

template <class Row>
std::vector<Row> months_within(const std::vector<Row>& all, const Period& p) {
  const auto first = calendar::month_of(p.first), last = calendar::month_of(p.last);
  std::vector<Row> out;
  for (const auto& r : all)
    if (r.month >= first && r.month <= last) out.push_back(r);
  return out;
}
}  // namespace

std::vector<AoMonth> Reader::ao_months(const Period& p) const {
  if (whole_months(p))
    return months_within(*remembered<std::vector<AoMonth>>("ao_months", [&] { return ao_months_query(kEveryMonth); }),
                         p);
  return *remembered<std::vector<AoMonth>>("ao_months " + day(p.first) + " " + day(p.last),
                                           [&] { return ao_months_query(p); });
}

std::vector<AoMonth> Reader::ao_months_query(const Period& p) const {
  Database& db = *db_;
  const std::string_view region = region_;
  const std::string s = region_schema(region);
  std::vector<AoMonth> out;
  for (const auto& r : sql::query(
           db,
           "WITH b AS (SELECT ao_channel_id AS ao_id, to_char(bd_date, 'YYYY-MM') AS month, count(*) AS beatdowns, "
           "           sum(pax_count) AS headcount, sum(fng_count) AS fngs FROM " +
               counted_ +
               " "
               "           WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1, 2), "
               "p AS (SELECT ao_id, to_char(bd_date, 'YYYY-MM') AS month, max(ao_name) AS ao_name, count(*) AS posts, "
               "      count(DISTINCT person) AS unique_pax FROM " +
               posts_ +
               " WHERE bd_date BETWEEN $1::date AND $2::date "
               "      GROUP BY 1, 2) "
               "SELECT b.ao_id, coalesce(p.ao_name, b.ao_id), b.month, b.beatdowns, coalesce(p.posts, 0), "
               "coalesce(p.unique_pax, 0), "
               "b.headcount, b.fngs FROM b LEFT JOIN p USING (ao_id, month) ORDER BY 2, 3",
           {day(p.first), day(p.last)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_month(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_int(r[6]),
                   as_int(r[7])});
  return out;
}

std::vector<std::pair<std::string, date::year_month>> Reader::ao_first_months() const {
  Database& db = *db_;
  std::vector<std::pair<std::string, date::year_month>> out;
  for (const auto& r : sql::query(db, "SELECT ao_channel_id, to_char(min(bd_date), 'YYYY-MM') FROM " + counted_ +
                                          " WHERE ao_channel_id IS NOT NULL GROUP BY 1 ORDER BY 1"))
    out.emplace_back(as_text(r[0]), as_month(r[1]));
  return out;
}

std::vector<RegionMonth> Reader::region_months(const Period& p) const {
  if (whole_months(p))
    return months_within(
        *remembered<std::vector<RegionMonth>>("region_months", [&] { return region_months_query(kEveryMonth); }), p);
  return region_months_query(p);
}

std::vector<RegionMonth> Reader::region_months_query(const Period& p) const {
  Database& db = *db_;
  std::vector<RegionMonth> out;
  for (const auto& r :
       sql::query(db,
                  "WITH b AS (SELECT to_char(bd_date, 'YYYY-MM') AS month, count(*) AS beatdowns, sum(fng_count) AS "
                  "fngs FROM " +
                      counted_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1), "
                      "p AS (SELECT to_char(bd_date, 'YYYY-MM') AS month, count(*) AS posts, count(DISTINCT person) AS "
                      "unique_pax "
                      "      FROM " +
                      posts_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY 1) "
                      "SELECT b.month, b.beatdowns, coalesce(p.posts, 0), coalesce(p.unique_pax, 0), b.fngs "
                      "FROM b LEFT JOIN p USING (month) ORDER BY 1",
                  {day(p.first), day(p.last)}))
    out.push_back({as_month(r[0]), as_int(r[1]), as_int(r[2]), as_int(r[3]), as_int(r[4])});
  return out;
}

std::vector<PersonDayAo> Reader::posts_by_day_ao(const Period& p) const {
  Database& db = *db_;
  std::vector<PersonDayAo> out;
  for (const auto& r : sql::query(db,
                                  "SELECT person, coalesce(max(user_id), ''), max(person_name), bd_date::text, ao_id, "
                                  "count(*) FROM " +
                                      posts_ +
                                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY person, bd_date, ao_id "
                                      "ORDER BY 1, 4, 5",
                                  {day(p.first), day(p.last)}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), calendar::parse_day(as_text(r[3])), as_text(r[4]), as_int(r[5])});
  return out;
}

PeriodTotals Reader::period_totals(const Period& p) const {
  Database& db = *db_;
  const auto r = sql::query(db,
                            "SELECT (SELECT count(*) FROM " + counted_ +
                                " WHERE bd_date BETWEEN $1::date AND $2::date), "
                                "(SELECT coalesce(sum(fng_count), 0) FROM " +
                                counted_ +
                                " WHERE bd_date BETWEEN $1::date AND $2::date), "
                                "count(*), count(DISTINCT person) FROM " +
                                posts_ + " WHERE bd_date BETWEEN $1::date AND $2::date",
                            {day(p.first), day(p.last)});
  return {as_int(r[0][0]), as_int(r[0][2]), as_int(r[0][3]), as_int(r[0][1])};
}

std::vector<TopBeatdown> Reader::top_beatdowns(const Period& p, int limit) const {
  Database& db = *db_;
  std::vector<TopBeatdown> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT ao_id, max(ao_name), bd_date::text, "
                  "       coalesce(max(person_name) FILTER (WHERE role = 'q'), ''), channel_id, ts, count(*) "
                  "FROM " +
                      posts_ +
                      " WHERE bd_date BETWEEN $1::date AND $2::date GROUP BY ao_id, bd_date, channel_id, ts "
                      "ORDER BY 7 DESC, 3, 2 LIMIT $3",
                  {day(p.first), day(p.last), std::to_string(limit)}))
    out.push_back(
        {as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5]), as_int(r[6])});
  return out;
}

std::vector<PersonStats> Reader::person_stats(const Period& p) const {
  Database& db = *db_;
  std::vector<PersonStats> out;
  for (const auto& r :
       sql::query(db,
                  "SELECT p.person, coalesce(max(p.user_id), ''), max(p.person_name), count(*), "
                  "count(DISTINCT p.ao_id), count(*) FILTER (WHERE p.role IN ('q', 'coq')), "
                  "count(DISTINCT p.ao_id) FILTER (WHERE p.role IN ('q', 'coq')), "
                  "coalesce(sum(p.beatdown_fngs) FILTER (WHERE p.role IN ('q', 'coq')), 0) FROM " +
                      posts_ + " p WHERE p.bd_date BETWEEN $1::date AND $2::date GROUP BY p.person ORDER BY p.person",
                  {day(p.first), day(p.last)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_int(r[6]),
                   as_int(r[7])});
  return out;
}

std::vector<Streak> Reader::weekly_streaks(date::sys_days at, const std::optional<std::string>& person) const {
  Database& db = *db_;
  std::vector<Streak> out;
  // Weeks with a post, numbered per person; consecutive weeks share (week - 7 × number).
  for (const auto& r : sql::query(
           db,
           "WITH w AS (SELECT person, max(user_id) AS user_id, max(person_name) AS name, "
           "           date_trunc('week', bd_date)::date AS week FROM " +
               posts_ +
               " "
               "           WHERE bd_date <= $1::date AND ($2::text IS NULL OR person = $2) "
               "           GROUP BY person, date_trunc('week', bd_date)), "
               "g AS (SELECT *, week - 7 * (row_number() OVER (PARTITION BY person ORDER BY week))::int AS island FROM "
               "w) "
               "SELECT person, coalesce(max(user_id), ''), max(name), count(*), to_char(max(week), 'YYYY-MM-DD') FROM "
               "g "
               "GROUP BY person, island HAVING max(week) >= date_trunc('week', $1::date)::date - 7 ORDER BY person",
           {day(at), person}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_text(r[4])});
  return out;
}

std::vector<WeekPosts> Reader::busy_weeks(const Period& p, int min) const {
  Database& db = *db_;
  std::vector<WeekPosts> out;
  for (const auto& r : sql::query(db,
                                  "SELECT person, coalesce(max(user_id), ''), max(person_name), "
                                  "to_char(date_trunc('week', bd_date), 'YYYY-MM-DD'), count(*) FROM " +
                                      posts_ +
                                      " WHERE bd_date BETWEEN $1::date - 6 AND $2::date GROUP BY person, 4 "
                                      "HAVING count(*) >= $3::int AND date_trunc('week', min(bd_date))::date + 6 "
                                      "BETWEEN $1::date AND $2::date "
                                      "ORDER BY 4, person",
                                  {day(p.first), day(p.last), std::to_string(min)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4])});
  return out;
}

std::vector<KotterRow> Reader::kotter_candidates(date::sys_days at, int min_posts, int window_weeks,
                                                 int quiet_weeks) const {
  Database& db = *db_;
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
               posts_ +
               " WHERE bd_date <= $1::date GROUP BY person "
               "HAVING count(*) FILTER (WHERE bd_date > $1::date - 7 * ($3::int + $4::int)) >= $2::int ORDER BY person",
           {day(at), std::to_string(min_posts), std::to_string(window_weeks), std::to_string(quiet_weeks)}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_int(r[3]), as_int(r[4]), as_int(r[5]), as_text(r[6]),
                   as_text(r[7])});
  return out;
}

using detail::text_array;

std::vector<DriftRow> Reader::drift_candidates(date::sys_days at, int min_days, int max_days) const {
  Database& db = *db_;
  const std::string p = posts_;
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
                  {day(at), std::to_string(min_days), std::to_string(max_days)})) {
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
                                  {day(at), text_array(people)}))
    out[index.at(as_text(r[0]))].besties.push_back({as_text(r[1]), as_text(r[2]), as_text(r[3]), as_int(r[4])});
  return out;
}

std::vector<std::pair<std::string, std::string>> Reader::names_of(const std::vector<std::string>& ids) const {
  Database& db = *db_;
  const std::string_view region = region_;
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

std::vector<PersonName> Reader::people(const std::optional<std::string>& named) const {
  if (!named) return *remembered<std::vector<PersonName>>("people", [&] { return people_query(named); });
  return people_query(named);
}

std::vector<PersonName> Reader::people_query(const std::optional<std::string>& named) const {
  Database& db = *db_;
  const std::string_view region = region_;
  std::vector<PersonName> out;
  for (const auto& r : sql::query(db,
                                  "SELECT p.person, coalesce(max(p.user_id), ''), max(p.person_name), "
                                  "coalesce(max(u.real_name), '') FROM " +
                                      posts_ + " p LEFT JOIN " + region_schema(region) +
                                      ".users u ON u.user_id = p.user_id "
                                      "WHERE $1::text IS NULL OR lower(p.person_name) = lower($1) "
                                      "GROUP BY p.person ORDER BY p.person",
                                  {named}))
    out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2]), as_text(r[3])});
  return out;
}

std::vector<std::pair<std::string, std::string>> Reader::site_qs() const {
  Database& db = *db_;
  const std::string_view region = region_;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : sql::query(db, "SELECT channel_id, site_q_user_id FROM " + region_schema(region) +
                                          ".channels WHERE site_q_user_id IS NOT NULL ORDER BY channel_id"))
    out.emplace_back(as_text(r[0]), as_text(r[1]));
  return out;
}

std::optional<date::year_month> Reader::latest_month() const {
  Database& db = *db_;
  const auto m = sql::value(db, "SELECT to_char(max(bd_date), 'YYYY-MM') FROM " + posts_);
  if (!m) return std::nullopt;
  return as_month(m);
}

std::vector<std::pair<std::string, std::string>> Reader::most_frequent_qs() const {
  Database& db = *db_;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : sql::query(db, "SELECT DISTINCT ON (ao_id) ao_id, user_id FROM " + posts_ +
                                          " WHERE role = 'q' AND user_id IS NOT NULL GROUP BY ao_id, user_id "
                                          "ORDER BY ao_id, count(*) DESC, user_id"))
    out.emplace_back(*r[0], *r[1]);
  return out;
}

}  // namespace paxstats::db::report
