// The job dispatcher: a table from job kind to its handler, each reading its payload as a type
// (a malformed payload throws: the job fails for good rather than running on defaults).
#include <algorithm>
#include <map>

#include "../service_state.hpp"
#include "handlers.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/app_home.hpp"
#include "paxstats/db/backblast_fixes.hpp"
#include "paxstats/log.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

namespace {

using Handler = void (*)(jobs::JobContext&, db::Database&, const db::jobs::Job&);

// A handler of one payload type, called with the payload read from the job.
template <class Payload, void (*Run)(jobs::JobContext&, db::Database&, const std::string&, const Payload&)>
void typed(jobs::JobContext& s, db::Database& db, const db::jobs::Job& job) {
  Payload payload;
  try {
    payload = job.payload.get<Payload>();
  } catch (const json::exception& e) {
    throw UserError("job " + std::to_string(job.id) + " (" + job.kind_name + ") has a malformed payload: " + e.what());
  }
  Run(s, db, job.region, payload);
}

const std::map<JobKind, Handler>& handlers() {
  static const std::map<JobKind, Handler> table = {
      {JobKind::event, &typed<EventJob, jobs::event>},
      {JobKind::feedback, &typed<FeedbackJob, jobs::feedback>},
      {JobKind::stats, &typed<StatsJob, jobs::stats>},
      {JobKind::ao_stats, &typed<AoStatsJob, jobs::ao_stats>},
      {JobKind::run_monthly, &typed<RunMonthlyJob, jobs::run_monthly>},
      {JobKind::run_weekly, &typed<RunWeeklyJob, jobs::run_weekly>},
      {JobKind::run_community, &typed<RunCommunityJob, jobs::run_community>},
      {JobKind::nudges, &typed<NudgesJob, jobs::nudges>},
      {JobKind::sync, &typed<SyncJob, jobs::sync>},
      {JobKind::home, &typed<HomeJob, jobs::home>},
      {JobKind::interaction, &typed<InteractionJob, jobs::interaction>},
  };
  return table;
}

}  // namespace

const db::jobs::Kinds& run_kinds() {
  static const db::jobs::Kinds kinds{{JobKind::run_monthly, JobKind::run_weekly, JobKind::run_community}};
  return kinds;
}

void ServiceState::run_job(db::Database& db, const db::jobs::Job& job) {
  if (!job.kind) throw UserError("unknown job kind \"" + job.kind_name + "\" (job " + std::to_string(job.id) + ")");
  handlers().at (*job.kind)(job_context, db, job);
}

// A burst of channel message events of one region, mined in one transaction. DMs to the bot
// ("stats") are handled one by one. Throws when the batch failed (each is then tried alone).
void ServiceState::run_event_batch(db::Database& db, const std::string& region,
                                   const std::vector<db::jobs::Job>& jobs) {
  std::vector<EventJob> batch;
  std::vector<json> events;
  for (const auto& j : jobs) {
    auto e = j.payload.get<EventJob>();
    // Channel messages are mined together; anything else (a DM to the bot, the Home tab opened)
    // is its handler's (jobs/event.cpp).
    if (kind_of(e.event) != EventKind::channel_message) {
      run_job(db, j);
      continue;
    }
    events.push_back(e.event);
    batch.push_back(std::move(e));
  }
  if (!events.empty()) jobs::mined(job_context, db, region, batch, mining::ingest_message_events(db, region, events));
}

void jobs::mined(JobContext& s, db::Database& db, const std::string& region, const std::vector<EventJob>& events,
                 const std::vector<mining::EventIngest>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& in = results[i];
    if (in.channel.empty()) continue;
    log::info("event " + events[i].event_id + ": " + in.channel + "/" + in.ts +
              (in.is_backblast ? " mined as a backblast" : " stored") +
              (in.errors.empty() ? "" : ", " + std::to_string(in.errors.size()) + " parse error(s)"));
    if (!in.is_backblast || in.deleted) continue;
    // The people it names who use the App Home see their new count there (at most once a minute).
    for (const auto& user : db::home_users_in(db, region, in.channel, in.ts)) queue_home(s, db, region, user, true);
    if (in.poster.empty()) continue;
    // Its Q is asked about what could not be read, names written without a mention, and a COUNT
    // that disagrees with the names.
    // A typed name paxstats matched to one person is no reason to write (the DM shows it, picked,
    // when it goes for another reason); one it could not place is.
    const auto typed = db::unsettled_typed_names(db, region, in.channel, in.ts);
    const bool unplaced = std::any_of(typed.begin(), typed.end(), [](const auto& t) { return t.guess.empty(); });
    // A COUNT above the names is usual (PAX not on Slack); one below them is a slip worth a question.
    const auto count = db::count_disagreement(db, region, in.channel, in.ts);
    if (!in.errors.empty() || unplaced || (count && count->count < count->named)) {
      s.counters.parse_errors += !in.errors.empty();
      enqueue(db, region, FeedbackJob{in.channel, in.ts, in.edited_ts, in.poster},
              "feedback:" + region + ":" + in.channel + ":" + in.ts + ":" + in.edited_ts, s.o.feedback_delay_seconds);
    }
  }
}

}  // namespace paxstats::serve
