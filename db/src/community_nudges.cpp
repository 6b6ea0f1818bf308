// The nudges and mentor asks of a community region: who is due, and each step claimed and recorded once.
#include "paxstats/db/community.hpp"

#include "detail/community_common.hpp"
#include "detail/database_impl.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db::community {

using common::region_schema;

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
  const std::string s = region_schema(region);
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
                     "INSERT INTO " + region_schema(region) +
                         ".nudges (user_id, quiet_since, step, at) VALUES ($1, $2::timestamptz, $3, $4::timestamptz) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                     {n.user_id, n.quiet_since, std::string(to_string(n.step)), std::string(now)})
              .empty();
}

void finish_nudge(Database& db, std::string_view region, const DueNudge& n, bool sent, std::string_view detail) {
  sql::query(db,
             "UPDATE " + region_schema(region) +
                 ".nudges SET state = $4, detail = nullif($5, '') WHERE user_id = $1 AND quiet_since = $2::timestamptz "
                 "AND step = $3",
             {n.user_id, n.quiet_since, std::string(to_string(n.step)), std::string(sent ? "sent" : "failed"),
              std::string(detail)});
}

bool claim_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                      std::string_view now) {
  return !sql::query(db,
                     "INSERT INTO " + region_schema(region) +
                         ".mentor_asks (user_id, period, at) VALUES ($1, $2, $3::timestamptz) "
                         "ON CONFLICT DO NOTHING RETURNING 1",
                     {std::string(user_id), std::string(period), std::string(now)})
              .empty();
}

void finish_mentor_ask(Database& db, std::string_view region, std::string_view user_id, std::string_view period,
                       bool sent, std::string_view detail) {
  sql::query(db,
             "UPDATE " + region_schema(region) +
                 ".mentor_asks SET state = $3, detail = nullif($4, '') WHERE user_id = $1 AND period = $2",
             {std::string(user_id), std::string(period), std::string(sent ? "sent" : "failed"), std::string(detail)});
}

}  // namespace paxstats::db::community
