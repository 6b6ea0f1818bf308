// The scheduler: per region, the monthly run on day D at HH:MM local (the month before; not for a
// region that scrapes no backblasts), the community reports at the same slot when that month
// closes their period (community_every), the weekly report on its weekday at HH:MM local (the
// last week that has ended, Monday to Sunday), the nudges once a day after 10:00 local (when on),
// and a daily sync at 04:00 local. A slot missed while down is caught up at start (the latest
// one of each kind).
#include <date/tz.h>

#include <cstdlib>

#include "paxstats/db/secrets.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

namespace {

// A scheduled run of `period` that has not been run: recorded (runs kind `run_kind`) and queued
// once (the job made by make_job(run id), deduplicated as "what:region:period").
// The run's priority is the region's size: a nation's runs go to the senders biggest first.
template <class MakeJob>
void queue_once(db::Database& db, const std::string& slug, db::jobs::RunKind run_kind, const std::string& what,
                const calendar::Period& period, MakeJob make_job) {
  if (db::jobs::has_run(db, slug, run_kind, period)) return;
  const long run = db::jobs::create_run(db, slug, run_kind, period);
  if (enqueue(db, slug, make_job(run), what + ":" + slug + ":" + period.name, 0, db::region_size(db, slug)))
    log::info("scheduler: " + what + " report of " + slug + " for " + period.name + " queued (run " +
              std::to_string(run) + ")");
  else
    db::jobs::set_run(db, run, db::jobs::RunStatus::failed, json::object(), "already queued");
}

}  // namespace

void ServiceState::schedule_once() {
  auto lease = pool.get();
  auto& db = *lease;
  // One scheduler at a time across every host: another process's at work has this tick's slots.
  if (db::jobs::as_only_scheduler(db, [&] { schedule_regions(db); })) sleep_cv.notify_all();
}

void ServiceState::schedule_regions(db::Database& db) {
  for (const auto& r : db::schedules(db)) {
    const std::string& slug = r.slug;
    try {
      const auto* zone = date::locate_zone(r.tz);
      const auto now = o.business_now();
      const auto local = zone->to_local(now);
      const auto ymd = date::year_month_day{date::floor<date::days>(local)};
      auto slot_of = [&](date::year_month ym) {
        return zone->to_sys(date::local_days{ym / date::day(static_cast<unsigned>(r.day))} +
                                std::chrono::hours(r.hour) + std::chrono::minutes(r.minute),
                            date::choose::earliest);
      };
      date::year_month ym = ymd.year() / ymd.month();
      if (slot_of(ym) > now) ym -= date::months{1};
      const auto slot = slot_of(ym);
      const date::year_month reported = ym - date::months{1};
      if (slot >= r.created_at && r.scrape_backblasts)
        queue_once(db, slug, db::jobs::RunKind::monthly, "monthly", calendar::month_period(reported), [&](long run) {
          return RunMonthlyJob{run, reported};
        });
      // The community reports at the same slot, when the month closes their period.
      const unsigned month_number = static_cast<unsigned>(reported.month());
      using Every = db::CommunityEvery;
      const bool closes = r.community_every == Every::month ||
                          (r.community_every == Every::quarter && month_number % 3 == 0) ||
                          (r.community_every == Every::year && month_number == 12);
      if (slot >= r.created_at && closes) {
        const auto kind = r.community_every == Every::month     ? calendar::Period::Kind::month
                          : r.community_every == Every::quarter ? calendar::Period::Kind::quarter
                                                                : calendar::Period::Kind::year;
        const auto span = calendar::period_of(kind, calendar::last_day(reported));
        queue_once(db, slug, db::jobs::RunKind::community, "community", span, [&](long run) {
          return RunCommunityJob{run, span};
        });
      }
      if (r.weekly_day) {
        // The latest weekly slot at or before now: its weekday, at hour:minute local.
        const auto today = date::floor<date::days>(local);
        const date::weekday wd{r.weekly_day->c_encoding()};
        auto day = today - (date::weekday{today} - wd);
        auto weekly_slot = [&](date::local_days d) {
          return zone->to_sys(d + std::chrono::hours(r.weekly_hour) + std::chrono::minutes(r.weekly_minute),
                              date::choose::earliest);
        };
        if (weekly_slot(day) > now) day -= date::days{7};
        // The last whole week before the slot's day: a Monday slot reports the week just ended, a
        // Sunday one the week before its own (which is not over).
        const auto week = calendar::period_of(
            calendar::Period::Kind::week, calendar::monday_of(date::sys_days{day.time_since_epoch()}) - date::days{1});
        if (weekly_slot(day) >= r.created_at)
          queue_once(db, slug, db::jobs::RunKind::weekly, "weekly", week, [&](long run) {
            return RunWeeklyJob{run, week};
          });
      }
      const char* env_token = std::getenv(r.token_env.c_str());
      const bool token = (env_token && *env_token) || db::sealed_secret(db, slug, db::SecretName::bot_token);
      // Nudges and the mentor pick once a day, not before 10:00 local (a DM at dawn is no friendly one).
      if ((r.nudge_quiet_days > 0 || r.mentor_count > 0) && token &&
          local - date::floor<date::days>(local) >= std::chrono::hours(10))
        enqueue(db, slug, NudgesJob{}, "nudges:" + slug + ":" + date::format("%F", ymd));
      if (token && local - date::floor<date::days>(local) >= std::chrono::hours(4))
        enqueue(db, slug, SyncJob{}, "sync:" + slug + ":" + date::format("%F", ymd));
    } catch (const std::exception& e) {
      log::error("scheduler: " + slug + ": " + log::redact(e.what()));
    }
  }
}

}  // namespace paxstats::serve
