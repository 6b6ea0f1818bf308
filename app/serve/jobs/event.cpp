// A Slack event: a channel message is mined (stored, and a backblast derived); a DM to the bot
// that asks for stats queues a stats job, anything else there gets the help.
#include "handlers.hpp"
#include "paxstats/db/app_home.hpp"

namespace paxstats::serve::jobs {

void event(JobContext& s, db::Database& db, const std::string& region, const EventJob& job) {
  const auto& ev = job.event;
  const EventKind kind = kind_of(ev);
  // A member opened the bot's Home tab: their page, published anew at most once a minute (the
  // jobs table's dedupe key holds the minute).
  if (kind == EventKind::app_home_opened) {
    if (text_of(ev, "tab") != "home" || text_of(ev, "user").empty()) return;
    db::note_home_opened(db, region, text_of(ev, "user"));
    queue_home(s, db, region, text_of(ev, "user"));
    return;
  }
  if (kind == EventKind::direct_message) {  // a DM to the bot: "stats"?
    if (ev.contains("bot_id") || text_of(ev, "subtype") != "") return;
    if (auto year = stats_request(text_of(ev, "text"))) {
      enqueue(db, region, StatsJob{text_of(ev, "user"), *year});
    } else {
      auto client = s.client_for(db, region);
      client->post_message(text_of(ev, "channel"), std::string("I answer `stats` (or `my stats 2025`).\n") + kHelp);
    }
    return;
  }
  if (kind == EventKind::channel_message) mined(s, db, region, {job}, {mining::ingest_message_event(db, region, ev)});
}

}  // namespace paxstats::serve::jobs
