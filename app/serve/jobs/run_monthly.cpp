// A region's monthly run (and, through deliver_run, any planned run: the weekly one): plan it,
// queue it in the outbox, deliver it; the run's record says how it went. One run per region at a time (the region's
// delivery lock); a run with deliveries left pending after Slack failures stays open and the job is tried again.
#include <malloc.h>

#include "../retry.hpp"
#include "handlers.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/perform.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/admin_log.hpp"
#include "paxstats/reports/deliver.hpp"

namespace paxstats::serve::jobs {

using json = nlohmann::json;

void run_monthly(JobContext& s, db::Database& db, const std::string& region, const RunMonthlyJob& job) {
  deliver_run(s, db, region, job.run_id, calendar::month_period(job.month),
              [&](db::Database& on) { return reports::plan_monthly(on, region, job.month, {}, s.o.public_url); });
}

void deliver_run(JobContext& s, db::Database& db, const std::string& region, long run, const calendar::Period& period,
                 const std::function<reports::MonthlyPlan(db::Database&)>& plan_it) {
  const std::string& month = period.name;  // the outbox's key, and the logs' words
  // One run per region at a time: another one (any process) holds the region's delivery lock.
  if (!db::outbox::try_lock(db, region)) throw Deferred{30};
  const db::outbox::Held held(db, region);
  db::jobs::set_run(db, run, db::jobs::RunStatus::running);
  try {
    auto client = s.client_for(db, region);
    s.planning.acquire();  // a few plans at a time, whatever the number of senders
    std::optional<reports::MonthlyPlan> planned;
    int added = 0;
    try {
      // Read on a connection of the pool, by db::perform: one lost while planning is read again on
      // a new one. (This one holds the region's delivery lock, which must not move.)
      auto reader = s.pool.get();
      planned = db::perform(*reader.db, plan_it);
      added = reports::queue_plan(db, *planned);
    } catch (...) {
      s.planning.release();
      throw;
    }
    s.planning.release();
    // What the run's record needs of the plan; its charts are in the outbox now, and a nation's
    // senders need not hold a hundred plans while they wait on Slack.
    const size_t planned_count = planned->deliveries.size();
    const auto notes = std::move(planned->notes);
    planned.reset();
    const auto r = reports::deliver(db, region, *client, {}, {.draws = &s.draws});
    s.counters.files_sent += r.sent;
    const auto left = db::outbox::counts(db, region, month);
    const json summary{{"planned", planned_count},  {"new", added},         {"sent", r.sent},
                       {"skipped", r.skipped},      {"failed", r.failed},   {"in_doubt", left.in_doubt},
                       {"pending", left.pending()}, {"reasons", r.reasons}, {"notes", notes}};
    if (left.pending() > 0) {
      // Slack failed for a while (5xx, timeouts): the run is not over; the job is tried again later
      // and the outbox picks up where it stopped.
      db::jobs::set_run(db, run, db::jobs::RunStatus::running, summary);
      throw TransientError(std::to_string(left.pending()) + " deliveries of " + region + " " + month +
                           " still pending after Slack failures; retrying later");
    }
    db::jobs::set_run(db, run, db::jobs::RunStatus::succeeded, summary);
    reports::post_to_log(
        db, region, *client,
        reports::log_run_message(
            db, region, "the " + month + " run (" + std::to_string(run) + ")", r, notes,
            period.kind == calendar::Period::Kind::month ? std::optional(period.month()) : std::nullopt));
    log::info("run " + std::to_string(run) + ": " + region + " " + month + ": sent " + std::to_string(r.sent) +
              ", skipped " + std::to_string(r.skipped) + ", failed " + std::to_string(r.failed));
    // The run's plan and charts are freed; what the allocator kept of them goes back to the system
    // (many senders, each run's peak in another arena, otherwise add up).
    ::malloc_trim(0);
  } catch (const TransientError&) {
    throw;  // the run stays open: the job is retried
  } catch (const std::exception& e) {
    // Retried too when the failure is transient; the run says what happened meanwhile.
    // A run whose workspace took paxstats out meanwhile is not over either: it waits, held.
    const bool open = retry_policy(e) == Retry::backoff || db::is_held(db, region);
    db::jobs::set_run(db, run, open ? db::jobs::RunStatus::running : db::jobs::RunStatus::failed, json::object(),
                      log::redact(e.what()));
    throw;
  }
}

}  // namespace paxstats::serve::jobs
