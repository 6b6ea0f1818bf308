#include "paxstats/reports/nudges.hpp"

#include <date/date.h>
#include <date/tz.h>

#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/slack/client.hpp"
#include "templates.hpp"

namespace paxstats::reports {
namespace dbc = db::community;

namespace {
std::string day_of(const std::string& timestamp) { return timestamp.substr(0, 10); }
}  // namespace

NudgeRun run_nudges(db::Database& db, std::string_view region, slack::Client* client, BusinessTime now) {
  const auto r = db::get_region(db, region);
  NudgeRun run;
  if (r.nudge_quiet_days == 0) {
    run.notes.push_back("nudges are off (paxstats region set " + r.slug + " nudge_quiet_days=21 turns them on)");
    return run;
  }
  const std::string at = date::format("%FT%TZ", date::floor<std::chrono::seconds>(now));
  const auto due = dbc::due_nudges(db, region, at, r.nudge_quiet_days, r.nudge_min_messages, r.nudge_reply_days);
  kainjow::mustache::list people;
  std::vector<dbc::DueNudge> for_moderators;
  for (const auto& n : due) {
    if (db::is_opted_out(db, region, n.user_id)) {
      ++run.opted_out;
      continue;
    }
    if (n.step == dbc::NudgeStep::moderators) {
      for_moderators.push_back(n);
      continue;
    }
    const char* name = n.step == dbc::NudgeStep::first ? "nudge_first" : "nudge_second";
    kainjow::mustache::data d;
    d.set("user", "<@" + n.user_id + ">");
    d.set("region", r.name);
    d.set("days", std::to_string(r.nudge_quiet_days));
    const std::string text = detail::render_template(detail::template_text(r.templates_dir, name), d);
    const std::string line = std::string(dbc::to_string(n.step)) + " DM to " + n.user_name + " (" + n.user_id +
                             "), quiet since " + day_of(n.quiet_since);
    if (!client) {
      run.lines.push_back("due: " + line);
      ++(n.step == dbc::NudgeStep::first ? run.first : run.second);
      continue;
    }
    if (!dbc::claim_nudge(db, region, n, at)) continue;  // another run has it
    try {
      client->post_message(client->open_dm(n.user_id), text);
      dbc::finish_nudge(db, region, n, true, "");
      run.lines.push_back("sent: " + line);
      ++(n.step == dbc::NudgeStep::first ? run.first : run.second);
    } catch (const std::exception& e) {
      dbc::finish_nudge(db, region, n, false, e.what());
      run.lines.push_back("failed: " + line + ": " + e.what());
      ++run.failed;
    }
  }
  if (!for_moderators.empty()) {
    if (!r.moderators_channel) {
      run.notes.push_back(std::to_string(for_moderators.size()) +
                          " member(s) did not answer two nudges, and no moderators_channel is set (paxstats region "
                          "set " +
                          r.slug + " moderators_channel=C…)");
      return run;
    }
    std::vector<dbc::DueNudge> claimed;
    for (const auto& n : for_moderators) {
      if (client && !dbc::claim_nudge(db, region, n, at)) continue;
      kainjow::mustache::data p;
      p.set("who", "<@" + n.user_id + ">");
      p.set("messages", std::to_string(n.recent_messages));
      p.set("since", day_of(n.quiet_since));
      p.set("first", day_of(n.first_at));
      p.set("second", day_of(n.second_at));
      people.push_back(p);
      claimed.push_back(n);
      run.lines.push_back(std::string(client ? "sent" : "due") + ": moderators hear of " + n.user_name + " (" +
                          n.user_id + ")");
    }
    if (claimed.empty()) return run;
    kainjow::mustache::data d;
    d.set("region", r.name);
    d.set("people", people);
    const std::string text = detail::render_template(detail::template_text(r.templates_dir, "nudge_moderators"), d);
    if (!client) {
      run.moderators += static_cast<int>(claimed.size());
      return run;
    }
    try {
      client->post_message(*r.moderators_channel, text);
      for (const auto& n : claimed) dbc::finish_nudge(db, region, n, true, "");
      run.moderators += static_cast<int>(claimed.size());
    } catch (const std::exception& e) {
      for (const auto& n : claimed) dbc::finish_nudge(db, region, n, false, e.what());
      run.failed += static_cast<int>(claimed.size());
      run.lines.push_back(std::string("failed: the moderators' note: ") + e.what());
    }
  }
  return run;
}

}  // namespace paxstats::reports
