#include "paxstats/db/jobs.hpp"

#include <algorithm>

#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db::jobs {
namespace {
std::optional<std::string> opt(std::string_view s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

// A running job is held by its worker's session through an advisory lock (namespace 7301, the
// job id): when the worker's process dies its connection goes and the lock with it, which is
// how requeue_stale tells an orphaned job from one still being worked on.
// The lock is taken in the claiming statement itself, so no other session ever sees the job
// running without its lock.
constexpr const char* kLock = "7301, ($1::bigint % 2147483647)::int";

void release(Database& db, long id) {
  sql::query(db, std::string("SELECT pg_advisory_unlock(") + kLock + ")", {std::to_string(id)});
}
}  // namespace

bool enqueue(Database& db, std::string_view region, std::string_view kind, const nlohmann::json& payload,
             const std::optional<std::string>& dedupe_key, int delay_seconds) {
  return !sql::query(db,
                     "INSERT INTO paxstats.jobs (region, kind, payload, dedupe_key, run_after) "
                     "VALUES ($1, $2, $3::jsonb, $4, now() + make_interval(secs => $5::int)) "
                     "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                     {opt(region), std::string(kind), payload.dump(), dedupe_key, std::to_string(delay_seconds)})
              .empty();
}

namespace {
// Claims due queued jobs ($1: a region or NULL for any, $2: a kind or NULL, $3: how many), the
// oldest due first; each is locked for this session in the same statement (see kLock).
std::vector<Job> claim_some(Database& db, const std::optional<std::string>& region,
                            const std::optional<std::string>& kind, int limit) {
  std::vector<Job> out;
  for (const auto& r :
       sql::query(db,
                  "UPDATE paxstats.jobs SET status = 'running', attempts = attempts + 1, started_at = now(), "
                  "updated_at = now() "
                  "WHERE id IN (SELECT id FROM paxstats.jobs WHERE status = 'queued' AND run_after <= now() "
                  "             AND ($1::text IS NULL OR region = $1) AND ($2::text IS NULL OR kind = $2) "
                  // A region whose install Slack no longer lets in: its jobs wait (db/installs).
                  "             AND NOT EXISTS (SELECT 1 FROM paxstats.installs i "
                  "                             WHERE i.region = jobs.region AND i.state <> 'installed') "
                  "             ORDER BY run_after, id FOR UPDATE SKIP LOCKED LIMIT $3::int) "
                  "RETURNING id, coalesce(region, ''), kind, payload::text, attempts - 1, "
                  "pg_advisory_lock(7301, (id % 2147483647)::int)",
                  {region, kind, std::to_string(limit)}))
    out.push_back({std::stol(*r[0]), *r[1], *r[2], nlohmann::json::parse(*r[3]), std::stoi(*r[4])});
  std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return out;
}
}  // namespace

std::optional<Job> claim(Database& db) {
  auto jobs = claim_some(db, std::nullopt, std::nullopt, 1);
  if (jobs.empty()) return std::nullopt;
  return std::move(jobs.front());
}

std::vector<Job> claim_batch(Database& db, std::string_view region, std::string_view kind, int limit) {
  return claim_some(db, std::string(region), std::string(kind), limit);
}

void finish(Database& db, const std::vector<long>& ids) {
  nlohmann::json list = ids;
  sql::query(db,
             "UPDATE paxstats.jobs SET status = 'done', finished_at = now(), updated_at = now(), last_error = NULL "
             "WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::bigint)",
             {list.dump()});
  for (long id : ids) release(db, id);
}

void finish(Database& db, long id) {
  sql::query(db,
             "UPDATE paxstats.jobs SET status = 'done', finished_at = now(), updated_at = now(), last_error = NULL "
             "WHERE id = $1::bigint",
             {std::to_string(id)});
  release(db, id);
}

void fail(Database& db, long id, std::string_view error, int max_attempts, double backoff_seconds) {
  // Backoff 10 s, 40 s, 90 s, … (backoff_seconds × attempts²).
  sql::query(db,
             "UPDATE paxstats.jobs SET status = CASE WHEN attempts >= $3::int THEN 'failed' ELSE 'queued' END, "
             "run_after = now() + make_interval(secs => $4::double precision * attempts * attempts), last_error = $2, "
             "updated_at = now(), finished_at = CASE WHEN attempts >= $3::int THEN now() END WHERE id = $1::bigint",
             {std::to_string(id), std::string(error), std::to_string(max_attempts), std::to_string(backoff_seconds)});
  release(db, id);
}

void defer(Database& db, long id, int seconds) {
  sql::query(db,
             "UPDATE paxstats.jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), "
             "run_after = now() + make_interval(secs => $2::int), updated_at = now() WHERE id = $1::bigint",
             {std::to_string(id), std::to_string(seconds)});
  release(db, id);
}

int requeue_stale(Database& db) {
  // Running, but nobody holds its lock: the worker that had it is gone.
  // (OFFSET 0 keeps the lock attempt to running jobs only.)
  const auto orphans = sql::query(db,
                                  "SELECT id FROM (SELECT id FROM paxstats.jobs WHERE status = 'running' OFFSET 0) r "
                                  "WHERE pg_try_advisory_lock(7301, (id % 2147483647)::int)");
  for (const auto& r : orphans) {
    sql::query(
        db,
        "UPDATE paxstats.jobs SET status = 'queued', updated_at = now() WHERE id = $1::bigint AND status = 'running'",
        {*r[0]});
    release(db, std::stol(*r[0]));
  }
  return static_cast<int>(orphans.size());
}

QueueDepth depth(Database& db) {
  QueueDepth d;
  for (const auto& r :
       sql::query(db, "SELECT status, count(*) FROM paxstats.jobs WHERE status <> 'done' GROUP BY status")) {
    const long n = std::stol(*r[1]);
    if (*r[0] == "queued")
      d.queued = n;
    else if (*r[0] == "running")
      d.running = n;
    else if (*r[0] == "failed")
      d.failed = n;
  }
  return d;
}

namespace {
std::string text_of(RunStatus s) { return nlohmann::json(s).get<std::string>(); }
}  // namespace

long create_run(Database& db, std::string_view region, std::string_view kind, std::string_view period,
                RunStatus status) {
  return std::stol(*sql::value(db,
                               "INSERT INTO paxstats.runs (region, kind, period, status) VALUES ($1, $2, $3, $4) "
                               "RETURNING id",
                               {std::string(region), std::string(kind), std::string(period), text_of(status)}));
}

void set_run(Database& db, long id, RunStatus status, const nlohmann::json& summary, std::string_view error) {
  sql::query(db,
             "UPDATE paxstats.runs SET status = $2, summary = $3::jsonb, error = $4, "
             "started_at = CASE WHEN $2 = 'running' THEN now() ELSE started_at END, "
             "finished_at = CASE WHEN $2 IN ('succeeded', 'failed') THEN now() END WHERE id = $1::bigint",
             {std::to_string(id), text_of(status), summary.dump(), opt(error)});
}

std::optional<Run> get_run(Database& db, long id) {
  auto r = sql::query(
      db,
      "SELECT id, region, kind, coalesce(period, ''), status, to_char(started_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), "
      "coalesce(to_char(finished_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), ''), coalesce(error, ''), summary::text "
      "FROM paxstats.runs WHERE id = $1::bigint",
      {std::to_string(id)});
  if (r.empty()) return std::nullopt;
  const auto& x = r[0];
  return Run{std::stol(*x[0]),
             *x[1],
             *x[2],
             *x[3],
             nlohmann::json(*x[4]).get<RunStatus>(),
             *x[5],
             *x[6],
             *x[7],
             nlohmann::json::parse(*x[8])};
}

bool has_run(Database& db, std::string_view region, std::string_view kind, std::string_view period) {
  return !sql::query(
              db, "SELECT 1 FROM paxstats.runs WHERE region = $1 AND kind = $2 AND period = $3 AND status <> 'failed'",
              {std::string(region), std::string(kind), std::string(period)})
              .empty();
}

void add_token(Database& db, std::string_view name, std::string_view token_hash) {
  if (!sql::query(db, "SELECT 1 FROM paxstats.api_tokens WHERE name = $1", {std::string(name)}).empty())
    throw UserError("a token named \"" + std::string(name) +
                    "\" exists already: revoke it first, or pick another name");
  sql::query(db, "INSERT INTO paxstats.api_tokens (name, token_hash) VALUES ($1, $2)",
             {std::string(name), std::string(token_hash)});
}

bool revoke_token(Database& db, std::string_view name) {
  return !sql::query(
              db,
              "UPDATE paxstats.api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id",
              {std::string(name)})
              .empty();
}

std::vector<std::pair<std::string, std::string>> live_tokens(Database& db) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r :
       sql::query(db, "SELECT name, token_hash FROM paxstats.api_tokens WHERE revoked_at IS NULL ORDER BY id"))
    out.emplace_back(*r[0], *r[1]);
  return out;
}

std::vector<std::string> token_lines(Database& db) {
  std::vector<std::string> out;
  for (const auto& r : sql::query(db,
                                  "SELECT name, to_char(created_at, 'YYYY-MM-DD HH24:MI'), "
                                  "coalesce('revoked ' || to_char(revoked_at, 'YYYY-MM-DD HH24:MI'), 'live') "
                                  "FROM paxstats.api_tokens ORDER BY id"))
    out.push_back(*r[0] + "  created " + *r[1] + "  " + *r[2]);
  return out;
}

}  // namespace paxstats::db::jobs
