#include "paxstats/db/jobs.hpp"

#include <algorithm>
#include <functional>

#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db::jobs {
namespace {
std::optional<std::string> opt(std::string_view s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

constexpr std::pair<JobKind, std::string_view> kJobKinds[] = {
    {JobKind::event, "event"},
    {JobKind::feedback, "feedback"},
    {JobKind::stats, "stats"},
    {JobKind::ao_stats, "ao_stats"},
    {JobKind::run_monthly, "run_monthly"},
    {JobKind::run_weekly, "run_weekly"},
    {JobKind::run_community, "run_community"},
    {JobKind::nudges, "nudges"},
    {JobKind::sync, "sync"},
    {JobKind::home, "home"},
    {JobKind::interaction, "interaction"},
};

// A job's or a run's status as the tables store it.
enum class JobStatus { queued, running, done, failed };
JobStatus job_status_of(std::string_view text) {
  if (text == "queued") return JobStatus::queued;
  if (text == "running") return JobStatus::running;
  if (text == "done") return JobStatus::done;
  if (text == "failed") return JobStatus::failed;
  throw std::logic_error("paxstats.jobs holds a job of status \"" + std::string(text) + "\"");
}
}  // namespace

std::string_view to_string(JobKind kind) {
  for (const auto& [k, name] : kJobKinds)
    if (k == kind) return name;
  throw std::logic_error("a job kind without a name");
}

std::optional<JobKind> parse_job_kind(std::string_view name) {
  for (const auto& [k, n] : kJobKinds)
    if (n == name) return k;
  return std::nullopt;
}

bool enqueue(Database& db, std::string_view region, JobKind kind, const nlohmann::json& payload,
             const std::optional<std::string>& dedupe_key, int delay_seconds, int priority) {
  return !sql::query(db,
                     "INSERT INTO paxstats.jobs (region, kind, payload, dedupe_key, run_after, priority) "
                     "VALUES ($1, $2, $3::jsonb, $4, now() + make_interval(secs => $5::int), $6::int) "
                     "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                     {opt(region), std::string(to_string(kind)), payload.dump(), dedupe_key,
                      std::to_string(delay_seconds), std::to_string(priority)})
              .empty();
}

// ---- workers and their leases

void register_worker(Database& db, std::string_view worker, std::string_view host, long pid) {
  // Processes gone a week are forgotten: a row is added at every start.
  sql::query(db, "DELETE FROM paxstats.workers WHERE coalesce(stopped_at, heartbeat_at) < now() - interval '7 days'");
  sql::query(db,
             "INSERT INTO paxstats.workers (id, host, pid, backend_pid, backend_start) "
             "SELECT $1, $2, $3::int, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid() "
             "ON CONFLICT (id) DO UPDATE SET backend_pid = excluded.backend_pid, "
             "backend_start = excluded.backend_start, heartbeat_at = now(), stopped_at = NULL",
             {std::string(worker), std::string(host), std::to_string(pid)});
}

void heartbeat(Database& db, std::string_view worker) {
  sql::query(db,
             "WITH w AS (UPDATE paxstats.workers SET heartbeat_at = now() WHERE id = $1) "
             "UPDATE paxstats.jobs SET heartbeat_at = now() WHERE worker = $1 AND status = 'running'",
             {std::string(worker)});
}

void retire_worker(Database& db, std::string_view worker) {
  sql::query(db, "UPDATE paxstats.workers SET stopped_at = now() WHERE id = $1", {std::string(worker)});
}

void keep_session_alive(Database& db) {
  // Over TCP the server probes a silent client after 10 s, every 5 s, and drops it after 3
  // unanswered probes: a lost host's session, and every lock it held, goes within about 25 s.
  // (A Unix socket ignores these.)
  sql::query(db,
             "SELECT set_config('tcp_keepalives_idle', '10', false), "
             "set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false)");
}

namespace {
// Claims due queued jobs ($1: a region or NULL for any, $2: a kind or NULL, $3: how many) for
// worker $4, of the kinds $5 (a JSON list; $6: all but those), the highest priority first, then
// the oldest due, each under a lease of its own.
std::vector<Job> claim_some(Database& db, std::string_view worker, const std::optional<std::string>& region,
                            const std::optional<std::string>& kind, int limit, const Kinds& kinds = {}) {
  std::vector<Job> out;
  nlohmann::json names = nlohmann::json::array();
  for (const auto k : kinds.kinds) names.push_back(to_string(k));
  for (const auto& r : sql::query(
           db,
           "UPDATE paxstats.jobs SET status = 'running', attempts = attempts + 1, started_at = now(), "
           "updated_at = now(), heartbeat_at = now(), worker = $4, lease = gen_random_uuid() "
           "WHERE id IN (SELECT id FROM paxstats.jobs WHERE status = 'queued' AND run_after <= now() "
           "             AND ($1::text IS NULL OR region = $1) AND ($2::text IS NULL OR kind = $2) "
           "             AND ($5::jsonb = '[]'::jsonb OR ($5::jsonb ? kind) <> $6::boolean) "
           // A region whose install Slack no longer lets in: its jobs wait (db/installs).
           "             AND NOT EXISTS (SELECT 1 FROM paxstats.installs i "
           "                             WHERE i.region = jobs.region AND i.state <> 'installed') "
           "             ORDER BY priority DESC, run_after, id FOR UPDATE SKIP LOCKED LIMIT $3::int) "
           "RETURNING id, coalesce(region, ''), kind, payload::text, attempts - 1, lease::text",
           {region, kind, std::to_string(limit), std::string(worker), names.dump(), kinds.except ? "true" : "false"}))
    out.push_back(
        {std::stol(*r[0]), *r[1], parse_job_kind(*r[2]), *r[2], nlohmann::json::parse(*r[3]), std::stoi(*r[4]), *r[5]});
  std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return out;
}

nlohmann::json leases_of(const std::vector<Job>& jobs) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& j : jobs) list.push_back(j.lease);
  return list;
}
}  // namespace

std::optional<Job> claim(Database& db, std::string_view worker, const Kinds& kinds) {
  auto jobs = claim_some(db, worker, std::nullopt, std::nullopt, 1, kinds);
  if (jobs.empty()) return std::nullopt;
  return std::move(jobs.front());
}

std::vector<Job> claim_batch(Database& db, std::string_view worker, std::string_view region, JobKind kind, int limit) {
  return claim_some(db, worker, std::string(region), std::string(to_string(kind)), limit);
}

// Each of these changes a job only while the claim it names still holds it (its lease): a
// process whose lease ran out and whose job went to another changes nothing.
int finish(Database& db, const std::vector<Job>& jobs) {
  return static_cast<int>(
      sql::query(
          db,
          "UPDATE paxstats.jobs SET status = 'done', finished_at = now(), updated_at = now(), last_error = NULL, "
          "lease = NULL WHERE status = 'running' "
          "AND lease IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) RETURNING id",
          {leases_of(jobs).dump()})
          .size());
}

bool finish(Database& db, const Job& job) { return finish(db, std::vector<Job>{job}) == 1; }

bool fail(Database& db, const Job& job, std::string_view error, int max_attempts, double backoff_seconds) {
  // Backoff 10 s, 40 s, 90 s, … (backoff_seconds × attempts²).
  return !sql::query(db,
                     "UPDATE paxstats.jobs SET status = CASE WHEN attempts >= $3::int THEN 'failed' ELSE 'queued' END, "
                     "run_after = now() + make_interval(secs => $4::double precision * attempts * attempts), "
                     "last_error = $2, updated_at = now(), lease = NULL, "
                     "finished_at = CASE WHEN attempts >= $3::int THEN now() END "
                     "WHERE lease = $1::uuid AND status = 'running' RETURNING id",
                     {job.lease, std::string(error), std::to_string(max_attempts), std::to_string(backoff_seconds)})
              .empty();
}

bool defer(Database& db, const Job& job, int seconds) {
  return !sql::query(db,
                     "UPDATE paxstats.jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), "
                     "run_after = now() + make_interval(secs => $2::int), updated_at = now(), lease = NULL "
                     "WHERE lease = $1::uuid AND status = 'running' RETURNING id",
                     {job.lease, std::to_string(seconds)})
              .empty();
}

int requeue_stale(Database& db, std::chrono::milliseconds lease) {
  // Running, and either its process's database session is gone (the process died: its socket
  // closed) or its heartbeat is older than the lease (the host went silent), or it was claimed
  // by a version before leases and has not moved for a lease.
  return static_cast<int>(
      sql::query(db,
                 "UPDATE paxstats.jobs j SET status = 'queued', updated_at = now(), lease = NULL "
                 "WHERE status = 'running' AND ("
                 "  coalesce(heartbeat_at, updated_at) < now() - make_interval(secs => $1::double precision / 1000) "
                 "  OR NOT EXISTS (SELECT 1 FROM paxstats.workers w JOIN pg_stat_activity a "
                 "                   ON a.pid = w.backend_pid AND a.backend_start = w.backend_start "
                 "                 WHERE w.id = j.worker)) "
                 "RETURNING id",
                 {std::to_string(lease.count())})
          .size());
}

bool as_only_scheduler(Database& db, const std::function<void()>& f) {
  if (sql::value(db, "SELECT pg_try_advisory_lock(7303, 0)") != "t") return false;
  try {
    f();
  } catch (...) {
    try {
      sql::query(db, "SELECT pg_advisory_unlock(7303, 0)");
    } catch (const std::exception&) {  // the connection is gone, and the lock with it
    }
    throw;
  }
  sql::query(db, "SELECT pg_advisory_unlock(7303, 0)");
  return true;
}

QueueDepth depth(Database& db) {
  QueueDepth d;
  for (const auto& r :
       sql::query(db, "SELECT status, count(*) FROM paxstats.jobs WHERE status <> 'done' GROUP BY status")) {
    const long n = std::stol(*r[1]);
    switch (job_status_of(*r[0])) {
      case JobStatus::queued: d.queued = n; break;
      case JobStatus::running: d.running = n; break;
      case JobStatus::failed: d.failed = n; break;
      case JobStatus::done: break;  // not asked for
    }
  }
  return d;
}

namespace {
std::string text_of(RunStatus s) { return nlohmann::json(s).get<std::string>(); }

// A column's text as its enum, strictly (NLOHMANN_JSON_SERIALIZE_ENUM reads an unknown text as
// the first value).
template <class Enum>
Enum strictly(const std::string& text) {
  const Enum e = nlohmann::json(text).get<Enum>();
  if (nlohmann::json(e).get<std::string>() != text)
    throw std::logic_error("paxstats.runs holds \"" + text + "\", which this build does not know");
  return e;
}
}  // namespace

std::string_view to_string(RunKind kind) {
  switch (kind) {
    case RunKind::monthly: return "report";
    case RunKind::weekly: return "weekly";
    case RunKind::community: return "community";
  }
  throw std::logic_error("a run kind without a name");
}

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::queued: return "queued";
    case RunStatus::running: return "running";
    case RunStatus::succeeded: return "succeeded";
    case RunStatus::failed: return "failed";
  }
  throw std::logic_error("a run status without a name");
}

RunKind run_kind_of(std::string_view text) { return strictly<RunKind>(std::string(text)); }
RunStatus run_status_of(std::string_view text) { return strictly<RunStatus>(std::string(text)); }

long create_run(Database& db, std::string_view region, RunKind kind, const calendar::Period& period, RunStatus status) {
  return std::stol(*sql::value(db,
                               "INSERT INTO paxstats.runs (region, kind, period, status) VALUES ($1, $2, $3, $4) "
                               "RETURNING id",
                               {std::string(region), std::string(to_string(kind)), period.name, text_of(status)}));
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
             strictly<RunKind>(*x[2]),
             x[3]->empty() ? std::nullopt : std::optional(calendar::parse_period(*x[3])),
             strictly<RunStatus>(*x[4]),
             *x[5],
             *x[6],
             *x[7],
             nlohmann::json::parse(*x[8])};
}

bool has_run(Database& db, std::string_view region, RunKind kind, const calendar::Period& period) {
  return !sql::query(
              db, "SELECT 1 FROM paxstats.runs WHERE region = $1 AND kind = $2 AND period = $3 AND status <> 'failed'",
              {std::string(region), std::string(to_string(kind)), period.name})
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
