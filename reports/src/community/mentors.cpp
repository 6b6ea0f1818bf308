#include "paxstats/reports/mentors.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>

#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/engagement.hpp"
#include "paxstats/slack/client.hpp"
#include "templates.hpp"

namespace paxstats::reports {

MentorRun run_mentors(db::Database& db, std::string_view region, slack::Client* client, BusinessTime now) {
  const auto r = db::get_region(db, region);
  MentorRun run;
  if (r.mentor_count == 0) {
    run.notes.push_back("the mentor pick is off (paxstats region set " + r.slug + " mentor_count=5 turns it on)");
    return run;
  }
  const auto today =
      date::sys_days{date::floor<date::days>(date::make_zoned(r.tz, now).get_local_time()).time_since_epoch()};
  const auto quarter = calendar::period_of(calendar::Period::Kind::quarter, today);
  if (today <= quarter.last - date::days{r.mentor_days}) return run;  // not near the quarter's end
  run.period = quarter.name;
  calendar::Period so_far = quarter;
  so_far.last = today;
  const auto scores = engagement_scores(db, region, so_far);
  const std::string at = date::format("%FT%TZ", date::floor<std::chrono::seconds>(now));
  kainjow::mustache::list people;
  int picked = 0;
  for (const auto& s : scores) {
    if (picked >= r.mentor_count) break;
    if (db::is_opted_out(db, region, s.parts.user_id)) continue;
    ++picked;
    char score[32];
    std::snprintf(score, sizeof score, "%.1f", s.score);
    kainjow::mustache::data p;
    p.set("rank", std::to_string(picked));
    p.set("who", "<@" + s.parts.user_id + ">");
    p.set("score", score);
    p.set("messages", std::to_string(s.parts.messages));
    p.set("replies", std::to_string(s.parts.replies_to_others));
    p.set("help", std::to_string(s.parts.help_answers));
    people.push_back(p);
    const std::string line = "ask " + s.parts.user_name + " (" + s.parts.user_id + "), score " + score;
    if (!client) {
      run.lines.push_back("due: " + line);
      ++run.asked;
      continue;
    }
    if (!db::community::claim_mentor_ask(db, region, s.parts.user_id, quarter.name, at)) continue;  // asked already
    kainjow::mustache::data d;
    d.set("user", "<@" + s.parts.user_id + ">");
    d.set("region", r.name);
    d.set("period", quarter.title());
    try {
      client->post_message(client->open_dm(s.parts.user_id),
                           detail::render_template(detail::template_text(r.templates_dir, "mentor_ask"), d));
      db::community::finish_mentor_ask(db, region, s.parts.user_id, quarter.name, true, "");
      run.lines.push_back("sent: " + line);
      ++run.asked;
    } catch (const std::exception& e) {
      db::community::finish_mentor_ask(db, region, s.parts.user_id, quarter.name, false, e.what());
      run.lines.push_back("failed: " + line + ": " + e.what());
      ++run.failed;
    }
  }
  if (picked == 0) return run;
  if (!r.moderators_channel) {
    run.notes.push_back("no moderators_channel set for the mentor list (paxstats region set " + r.slug +
                        " moderators_channel=C…)");
    return run;
  }
  if (!client) return run;
  const std::string key = "#moderators";
  if (!db::community::claim_mentor_ask(db, region, key, quarter.name, at)) return run;  // the list went already
  kainjow::mustache::data d;
  d.set("region", r.name);
  d.set("period", quarter.title());
  d.set("people", people);
  try {
    client->post_message(*r.moderators_channel,
                         detail::render_template(detail::template_text(r.templates_dir, "mentor_moderators"), d));
    db::community::finish_mentor_ask(db, region, key, quarter.name, true, "");
    run.moderators = 1;
  } catch (const std::exception& e) {
    db::community::finish_mentor_ask(db, region, key, quarter.name, false, e.what());
    ++run.failed;
  }
  return run;
}

}  // namespace paxstats::reports
