// The scheduler: per region, the monthly run on day D at HH:MM local (the month before), and a
// daily sync at 04:00 local. A slot missed while down is caught up at start.
#include <date/tz.h>

#include <cstdlib>

#include "paxstats/calendar.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

void ServiceState::schedule_once() {
  auto lease = pool.get();
  auto& db = *lease;
  if (const int n = db::jobs::requeue_stale(db))
    log::info("scheduler: " + std::to_string(n) + " job(s) of a worker that died queued again");
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
      const std::string period = calendar::format(reported);
      if (slot >= r.created_at && !db::jobs::has_run(db, slug, "report", period)) {
        const long run = db::jobs::create_run(db, slug, "report", period);
        if (enqueue(db, slug, RunMonthlyJob{run, period}, "monthly:" + slug + ":" + period))
          log::info("scheduler: monthly report of " + slug + " for " + period + " queued (run " + std::to_string(run) +
                    ")");
        else
          db::jobs::set_run(db, run, db::jobs::RunStatus::failed, json::object(), "already queued");
      }
      const char* token = std::getenv(r.token_env.c_str());
      if (token && *token && local - date::floor<date::days>(local) >= std::chrono::hours(4))
        enqueue(db, slug, SyncJob{}, "sync:" + slug + ":" + date::format("%F", ymd));
    } catch (const std::exception& e) {
      log::error("scheduler: " + slug + ": " + log::redact(e.what()));
    }
  }
}

}  // namespace paxstats::serve
