#pragma once
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"

// The service's durable work queue (paxstats.jobs), its runs (paxstats.runs) and the trigger
// API's tokens (paxstats.api_tokens). Work survives a restart and the loss of a host: a job is
// queued, claimed by one worker (FOR UPDATE SKIP LOCKED) under a lease kept alive by its
// process's heartbeat, and done, retried later, or failed; a lease that runs out puts it back.
namespace paxstats::db::jobs {

// The kinds of job the service queues (each one's payload and handler: app/serve/jobs/).
enum class JobKind {
  event,
  feedback,
  stats,
  ao_stats,
  run_monthly,
  run_weekly,
  run_community,
  nudges,
  sync,
  home,
  interaction
};
// The kind's name as the jobs table stores it ("run_monthly"), and back (nullopt for a name no
// kind of this build has).
std::string_view to_string(JobKind kind);
std::optional<JobKind> parse_job_kind(std::string_view name);

struct Job {
  long id = 0;
  std::string region;  // "" for none
  // What the row says, read once: nullopt for a kind this build does not know (a newer
  // version's, or a typo), whose name is kind_name.
  std::optional<JobKind> kind;
  std::string kind_name;
  nlohmann::json payload;
  int attempts = 0;   // before this one
  std::string lease;  // this claim's (finish, fail and defer name it)
};

// Queues a job; with a dedupe_key, a second job of the same key is not queued (returns false):
// Slack's retries of one event, a schedule noticed twice. delay_seconds: not before then.
// priority: claimed before every due job of a lower one (a nation's runs: the biggest first).
bool enqueue(Database& db, std::string_view region, JobKind kind, const nlohmann::json& payload,
             const std::optional<std::string>& dedupe_key = std::nullopt, int delay_seconds = 0, int priority = 0);

// ---- processes that claim jobs (serve, any number of hosts on one database)
// A process registers under an id of its own (host:pid:random) from the database session that
// keeps its heartbeat: while that session lives and the heartbeat is fresh, its claims hold.
void register_worker(Database& db, std::string_view worker, std::string_view host, long pid);
// The process and each job it runs are alive (every lease/3 or so).
void heartbeat(Database& db, std::string_view worker);
// A clean stop.
void retire_worker(Database& db, std::string_view worker);
// Asks the server to notice within about 25 s when this session's host goes silent (TCP
// keepalives), so the locks it holds (a region's delivery lock) go with it.
void keep_session_alive(Database& db);

// Which jobs a claim may take: those of these kinds, or (except) of any other kind; none named:
// any job.
struct Kinds {
  std::vector<JobKind> kinds = {};
  bool except = false;
};

// Claims the next due job for `worker` (status running, attempts + 1, under a new lease): the
// highest priority, then the oldest due. nullopt when none is due.
std::optional<Job> claim(Database& db, std::string_view worker, const Kinds& kinds = {});

// Up to `limit` more due jobs of one kind and region, claimed together (a burst of events is
// mined in one transaction).
std::vector<Job> claim_batch(Database& db, std::string_view worker, std::string_view region, JobKind kind, int limit);

// Done; or failed: retried after a backoff (backoff_seconds × attempts²) while attempts <
// max_attempts, else failed for good. Each acts only while the job's lease is the claim's own
// and answers whether it did (false: the lease ran out and the job went back to the queue).
bool finish(Database& db, const Job& job);
int finish(Database& db, const std::vector<Job>& jobs);  // how many were still held
bool fail(Database& db, const Job& job, std::string_view error, int max_attempts = 5, double backoff_seconds = 10);

// Not now: queued again after `seconds`, the attempt not counted (e.g. the region is busy).
bool defer(Database& db, const Job& job, int seconds);

// Jobs left running by a process that died (its registered session is gone) or went silent (no
// heartbeat for `lease`): queued again. Safe with other live processes. Returns how many.
int requeue_stale(Database& db, std::chrono::milliseconds lease);

// Runs f unless another process's scheduler is at work (a session advisory lock, across hosts):
// one scheduler looks at the slots at a time. Returns whether f ran.
bool as_only_scheduler(Database& db, const std::function<void()>& f);

struct QueueDepth {
  long queued = 0, running = 0, failed = 0;
};
QueueDepth depth(Database& db);

// ---- runs
// A run: queued → running → succeeded or failed (a retried run stays running meanwhile).
enum class RunStatus { queued, running, succeeded, failed };
NLOHMANN_JSON_SERIALIZE_ENUM(RunStatus, {{RunStatus::queued, "queued"},
                                         {RunStatus::running, "running"},
                                         {RunStatus::succeeded, "succeeded"},
                                         {RunStatus::failed, "failed"}})
// What a run delivers: the monthly reports (stored as "report"), the weekly report, the
// community reports.
enum class RunKind { monthly, weekly, community };
NLOHMANN_JSON_SERIALIZE_ENUM(RunKind, {{RunKind::monthly, "report"},
                                       {RunKind::weekly, "weekly"},
                                       {RunKind::community, "community"}})
std::string_view to_string(RunKind kind);
std::string_view to_string(RunStatus status);
// A run's kind and status as the table stores them, strictly (logic_error for any other text).
RunKind run_kind_of(std::string_view text);
RunStatus run_status_of(std::string_view text);
long create_run(Database& db, std::string_view region, RunKind kind, const calendar::Period& period,
                RunStatus status = RunStatus::queued);
void set_run(Database& db, long id, RunStatus status, const nlohmann::json& summary = nlohmann::json::object(),
             std::string_view error = "");
struct Run {
  long id = 0;
  std::string region;
  RunKind kind = RunKind::monthly;
  std::optional<calendar::Period> period;
  RunStatus status = RunStatus::queued;
  std::string started_at, finished_at, error;
  nlohmann::json summary;
};
std::optional<Run> get_run(Database& db, long id);
// Whether a run of this kind and period exists for the region that did not fail.
bool has_run(Database& db, std::string_view region, RunKind kind, const calendar::Period& period);

// ---- API tokens (hashes only; the caller hashes)
void add_token(Database& db, std::string_view name, std::string_view token_hash);
bool revoke_token(Database& db, std::string_view name);
// Every live token's hash, for a constant-time comparison by the caller.
std::vector<std::pair<std::string, std::string>> live_tokens(Database& db);  // (name, hash)
std::vector<std::string> token_lines(Database& db);                          // for `token list`

}  // namespace paxstats::db::jobs
