// /paxstats ao: the AO channel's charts of this month so far, by DM; last month's when this one
// has no beatdown there yet (the 1st).
#include "../buttons.hpp"
#include "handlers.hpp"
#include "paxstats/calendar.hpp"

namespace paxstats::serve::jobs {

void ao_stats(JobContext& s, db::Database& db, const std::string& region, const AoStatsJob& job) {
  auto client = s.client_for(db, region);
  auto month = reports::current_month(db, region, s.o.business_now());
  for (int tries = 0; tries < 2; ++tries, month -= date::months{1}) {
    int sent = 0;
    for (const auto& d : reports::plan_monthly(db, region, month, {"q_counts", "leaderboards", "ao_trend"}).deliveries)
      if (d.recipient == job.channel) s.upload_to_user(*client, job.user, d), ++sent;
    if (sent) return;
  }
  const std::string text = "<#" + job.channel + "> has had no beatdowns this month or last, so no AO charts.";
  client->post_message(client->open_dm(job.user), text, with_buttons(text, nlohmann::json::array({opt_out_button()})));
}

}  // namespace paxstats::serve::jobs
