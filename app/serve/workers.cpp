// The job workers: each claims a job (or a burst of one region's events), runs it, and marks it
// done, retried later or failed, by what its error means (retry.hpp).
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "paxstats/db/installs.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/web/slack_app.hpp"
#include "retry.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

void ServiceState::worker(const db::jobs::Kinds& kinds, bool sender) {
  // Jobs (rendering, uploads) yield the CPU to the HTTP threads: Slack wants every ack within
  // 3 s, and a burst of "/paxstats me" must not wait behind the charts it asked for. Linux
  // gives each thread its own nice value.
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0)
    log::warn("serve: cannot lower the job workers' priority: " + std::string(std::strerror(errno)));
  std::unique_ptr<db::Database> db;
  int failures = 0;  // in a row: the database away. Said once; the wait doubles, up to 5 s.
  int idle = 0;      // polls in a row that found nothing: a sender waits longer each time, up to 2 s
  while (!stopping) {
    std::optional<db::jobs::Job> job;
    try {
      if (!db) {
        db = std::make_unique<db::Database>(o.database_url);
        db::jobs::keep_session_alive(*db);
      }
      job = db::jobs::claim(*db, worker_id, kinds);
      if (failures > 0) log::info("worker: the database answers again");
      failures = 0;
    } catch (const std::exception& e) {
      if (failures++ == 0) log::error(std::string("worker: ") + log::redact(e.what()) + "; trying again");
      db.reset();
    }
    if (!job) {
      // Many senders polling an empty queue would be a query each every 200 ms for nothing; runs
      // are queued a few times a month.
      const auto wait = failures > 0 ? std::min<std::chrono::milliseconds>(std::chrono::seconds(5),
                                                                           o.worker_idle * (1 << std::min(failures, 8)))
                        : sender     ? std::min<std::chrono::milliseconds>(std::chrono::seconds(2),
                                                                       o.worker_idle * (1 << std::min(idle++, 4)))
                                     : o.worker_idle;
      std::unique_lock lock(sleep_mu);
      sleep_cv.wait_for(lock, wait, [&] { return stopping.load(); });
      continue;
    }
    idle = 0;
    if (job->kind == JobKind::event && !job->region.empty()) {
      std::vector<db::jobs::Job> batch{*job};
      try {
        for (auto& more : db::jobs::claim_batch(*db, worker_id, job->region, JobKind::event, 499))
          batch.push_back(std::move(more));
        run_event_batch(*db, job->region, batch);
        if (db::jobs::finish(*db, batch) < static_cast<int>(batch.size()))
          log::warn("a batch of events outlived its lease; the lost ones are mined again by another worker");
        counters.jobs_done += static_cast<long>(batch.size());
        continue;
      } catch (const std::exception& e) {
        if (stopping) {  // cut short by the stop: every event is put back as it was
          for (const auto& j : batch) put_back(*db, j);
          continue;
        }
        log::warn("a batch of " + std::to_string(batch.size()) + " events failed (" + log::redact(e.what()) +
                  "); trying each alone");
      }
      for (const auto& j : batch) attempt(*db, j);
      continue;
    }
    attempt(*db, *job);
  }
}

// A job cut short by the service's stop is no failed attempt: it goes back to the queue as it
// was, and the next start does it (a sync goes on from its last stored page).
void ServiceState::put_back(db::Database& db, const db::jobs::Job& job) {
  try {
    log::info("job " + std::to_string(job.id) + " (" + job.kind_name + ", " + job.region +
              "): stopped with the service; it is done at the next start");
    db::jobs::defer(db, job, 0);
  } catch (const std::exception&) {  // the database is away too: its lease runs out instead
  }
}

// A job of a region whose install Slack no longer lets in (uninstalled, tokens revoked) failed
// because of it: no failed attempt either. It is queued again and held with the region's other
// work until the app is installed again.
bool ServiceState::held(db::Database& db, const db::jobs::Job& job) {
  try {
    if (job.region.empty() || !db::is_held(db, job.region)) return false;
    log::info("job " + std::to_string(job.id) + " (" + job.kind_name + ", " + job.region +
              "): held until paxstats is installed in the workspace again");
    db::jobs::defer(db, job, 0);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// The job's lease ran out while it ran (this process was cut off from the database for longer
// than the lease): it went back to the queue and another worker has it or will. What this one
// did is kept; the outbox sends nothing twice.
void ServiceState::lease_lost(const db::jobs::Job& job) {
  log::warn("job " + std::to_string(job.id) + " (" + job.kind_name + ", " + job.region +
            "): its lease ran out while it ran; another worker takes it up");
}

// The process's heartbeat, on the connection it registered from (start): keeps its jobs' leases
// fresh every lease/3, and queues again the jobs of processes that died or went silent. A lost
// connection is opened and registered again.
void ServiceState::keep_leases(std::unique_ptr<db::Database> db) {
  bool down = false;
  const auto every = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(100), o.job_lease / 3);
  while (!stopping) {
    try {
      if (!db) {
        db = std::make_unique<db::Database>(o.database_url);
        db::jobs::keep_session_alive(*db);
        db::jobs::register_worker(*db, worker_id, host_name(), static_cast<long>(::getpid()));
      }
      db::jobs::heartbeat(*db, worker_id);
      if (const int n = db::jobs::requeue_stale(*db, o.job_lease))
        log::info("serve: " + std::to_string(n) + " job(s) of a worker that died or went silent queued again");
      if (std::exchange(down, false)) log::info("serve: the heartbeat reaches the database again");
    } catch (const std::exception& e) {
      if (!std::exchange(down, true)) log::error("serve: heartbeat: " + log::redact(e.what()) + "; trying again");
      db.reset();
    }
    std::unique_lock lock(sleep_mu);
    sleep_cv.wait_for(lock, every, [&] { return stopping.load(); });
  }
  try {
    if (db) db::jobs::retire_worker(*db, worker_id);
  } catch (const std::exception&) {
  }
}

void ServiceState::attempt(db::Database& db, const db::jobs::Job& job) {
  try {
    run_job(db, job);
    if (!db::jobs::finish(db, job)) lease_lost(job);
    ++counters.jobs_done;
  } catch (const Deferred& d) {
    log::info("job " + std::to_string(job.id) + " (" + job.kind_name + ", " + job.region + "): region busy, again in " +
              std::to_string(d.seconds) + " s");
    db::jobs::defer(db, job, d.seconds);
  } catch (const std::exception& e) {
    if (stopping) return put_back(db, job);
    if (held(db, job)) return;
    const std::string why = log::redact(e.what());
    const std::string what = "job " + std::to_string(job.id) + " (" + job.kind_name + ", " + job.region + ")";
    const Retry retry = retry_policy(e);
    try {
      if (retry == Retry::skip) {  // the recipient is gone: nothing to retry, nothing failed
        log::info(what + ": skipped: " + why);
        db::jobs::finish(db, job);
        ++counters.jobs_done;
        return;
      }
      ++counters.jobs_failed;
      if (retry == Retry::backoff) {
        log::warn(what + " failed (attempt " + std::to_string(job.attempts + 1) + " of " +
                  std::to_string(o.job_max_attempts) + "), will retry: " + why);
        db::jobs::fail(db, job, why, o.job_max_attempts, o.job_backoff_seconds);
      } else {
        // A bad input, setting or token will not get better by waiting: one attempt.
        log::error(what + " failed for good: " + why);
        db::jobs::fail(db, job, why, 1);
      }
    } catch (const std::exception&) {
    }
  }
}

}  // namespace paxstats::serve
