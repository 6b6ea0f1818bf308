// "Send me my stats": the user's personal chart of a year, by DM (or why there is none).
#include "../buttons.hpp"
#include "handlers.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/community.hpp"

namespace paxstats::serve::jobs {

void stats(JobContext& s, db::Database& db, const std::string& region, const StatsJob& job) {
  auto client = s.client_for(db, region);
  if (db::is_opted_out(db, region, job.user)) {
    const std::string text = "You turned paxstats DMs off, so no chart: `/paxstats start` turns them on.";
    client->post_message(client->open_dm(job.user), text, with_buttons(text, nlohmann::json::array({opt_in_button()})));
    return;
  }
  const date::year_month current = reports::current_month(db, region, s.o.business_now());
  const date::year_month through = reports::through_month(current, job.year);
  // A community that is not F3 has no backblasts: the member's own activity instead.
  if (!db::get_region(db, region).flags.scrape_backblasts) {
    const auto c = reports::personal_community_stats(db, region, job.user, through);
    if (!c)
      client->post_message(client->open_dm(job.user),
                           "I found no messages of yours in " + calendar::year_of(through) + ", so no chart yet.");
    else
      s.upload_to_user(*client, job.user, *c);
    return;
  }
  const auto d = reports::personal_stats(db, region, job.user, through, through != current);
  if (!d) {
    const std::string text = "I found no posts of yours in " + calendar::year_of(through) +
                             ". Backblasts that tag you (<@" + job.user + ">) count.";
    client->post_message(client->open_dm(job.user), text,
                         with_buttons(text, nlohmann::json::array({opt_out_button()})));
    return;
  }
  s.upload_to_user(*client, job.user, *d);
}

}  // namespace paxstats::serve::jobs
