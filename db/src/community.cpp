// The community reads: members' and channels' activity, the report series and score parts.
#include "paxstats/db/community.hpp"

#include <pqxx/pqxx>

#include "paxstats/calendar.hpp"

#include "detail/community_common.hpp"
#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {

using common::as_i64;
using common::bound;
using common::in_zone;
using common::region_schema;

// ---------------------------------------------------------------- typed reads

MessageSpan message_span(Database& db, std::string_view region, std::string_view tz) {
  const auto r = sql::query(db,
                            "SELECT coalesce((min(posted_at) AT TIME ZONE $1)::date::text, ''), "
                            "coalesce((max(posted_at) AT TIME ZONE $1)::date::text, '') FROM " +
                                region_schema(region) + ".member_messages",
                            {std::string(tz)});
  return {r[0][0].value_or(""), r[0][1].value_or("")};
}

std::vector<MemberActivity> member_activity(Database& db, std::string_view region, std::string_view tz,
                                            const Window& window) {
  return in_zone(db, region, tz, window, [&](pqxx::transaction_base& tx) {
    std::vector<MemberActivity> out;
    for (const auto& r : detail::exec_params(
             tx,
             "SELECT * FROM " + region_schema(region) +
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
             "SELECT * FROM " + region_schema(region) +
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
             "SELECT * FROM " + region_schema(region) +
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
        return MonthMembers{calendar::parse_month(r[0].c_str()), as_i64(r[1]), as_i64(r[2]), as_i64(r[3]),
                            as_i64(r[4])};
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
      const auto month = calendar::parse_month(r[0].c_str());
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
      out.by_month.push_back({r[0].c_str(), r[1].c_str(), calendar::parse_month(r[2].c_str()), as_i64(r[3])});
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

}  // namespace paxstats::db::community
