// A backblast version that could not be read: a line in the admins' log, and a DM to its poster
// saying what to fix (unless they opted out, or the region turned feedback DMs off). Only for
// the version it was made for: a newer one has its own job; a fixed one needs none.
#include "handlers.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/admin_log.hpp"

namespace paxstats::serve::jobs {

void feedback(ServiceState& s, db::Database& db, const std::string& region, const FeedbackJob& job) {
  const std::string &channel = job.channel, &ts = job.ts, &edited = job.edited_ts, &poster = job.poster;
  // Only for the version it was made for: a newer one has its own job; a fixed one needs none.
  const auto state = mining::message_state(db, region, channel, ts);
  if (!state || state->deleted || state->edited_ts != edited || state->errors.empty()) return;
  const auto r = db::get_region(db, region);
  const bool dm = r.flags.at("send_feedback_dms") && !db::is_opted_out(db, region, poster);
  if (!dm && !r.log_channel) return;
  auto client = s.client_for(db, region);
  const std::vector<ParseIssue>& problems = state->errors;
  std::string link;
  try {
    link = client->permalink(channel, ts);
  } catch (const std::exception&) {  // the DM still helps without the link
  }
  // The admins' log first: it never fails the job (and so is never posted twice).
  reports::post_to_log(db, region, *client, reports::log_parse_message(db, region, poster, channel, problems, link));
  if (!dm) return;
  client->post_message(client->open_dm(poster), reports::feedback_message(db, region, poster, channel, problems, link));
  log::info("feedback: DM to " + poster + " about " + channel + "/" + ts + " (" + std::to_string(problems.size()) +
            " error(s))");
}

}  // namespace paxstats::serve::jobs
