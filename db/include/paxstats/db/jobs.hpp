#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

// The service's durable work queue (paxstats.jobs), its runs (paxstats.runs) and the trigger
// API's tokens (paxstats.api_tokens). Work survives a restart: a job is queued, claimed by one
// worker (FOR UPDATE SKIP LOCKED), and done, retried later, or failed.
namespace paxstats::db::jobs {

struct Job {
  long id = 0;
  std::string region;  // "" for none
  std::string kind;
  nlohmann::json payload;
  int attempts = 0;  // before this one
};

// Queues a job; with a dedupe_key, a second job of the same key is not queued (returns false):
// Slack's retries of one event, a schedule noticed twice. delay_seconds: not before then.
bool enqueue(Database& db, std::string_view region, std::string_view kind, const nlohmann::json& payload,
             const std::optional<std::string>& dedupe_key = std::nullopt, int delay_seconds = 0);

// Claims the next due job (status running, attempts + 1, held by this connection until finish
// or fail), or nullopt.
std::optional<Job> claim(Database& db);

// Up to `limit` more due jobs of one kind and region, claimed together (a burst of events is
// mined in one transaction).
std::vector<Job> claim_batch(Database& db, std::string_view region, std::string_view kind, int limit);

// Done; or failed: retried after a backoff (backoff_seconds × attempts²) while attempts <
// max_attempts, else failed for good.
void finish(Database& db, long id);
void finish(Database& db, const std::vector<long>& ids);
void fail(Database& db, long id, std::string_view error, int max_attempts = 5, double backoff_seconds = 10);

// Not now: queued again after `seconds`, the attempt not counted (e.g. the region is busy).
void defer(Database& db, long id, int seconds);

// Jobs left running by a worker whose process died (its session's advisory lock on the job is
// gone): queued again. Safe with other live processes. Returns how many.
int requeue_stale(Database& db);

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
long create_run(Database& db, std::string_view region, std::string_view kind, std::string_view period,
                RunStatus status = RunStatus::queued);
void set_run(Database& db, long id, RunStatus status, const nlohmann::json& summary = nlohmann::json::object(),
             std::string_view error = "");
struct Run {
  long id = 0;
  std::string region, kind, period;
  RunStatus status = RunStatus::queued;
  std::string started_at, finished_at, error;
  nlohmann::json summary;
};
std::optional<Run> get_run(Database& db, long id);
// Whether a run of this kind and period exists for the region that did not fail.
bool has_run(Database& db, std::string_view region, std::string_view kind, std::string_view period);

// ---- API tokens (hashes only; the caller hashes)
void add_token(Database& db, std::string_view name, std::string_view token_hash);
bool revoke_token(Database& db, std::string_view name);
// Every live token's hash, for a constant-time comparison by the caller.
std::vector<std::pair<std::string, std::string>> live_tokens(Database& db);  // (name, hash)
std::vector<std::string> token_lines(Database& db);                          // for `token list`

}  // namespace paxstats::db::jobs
