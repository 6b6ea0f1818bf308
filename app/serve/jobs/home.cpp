// A member's App Home tab (views.publish): their month and year, weekly streak, AOs and next
// milestone; for the region's admins, what waits for them (backblasts with problems, typed names
// that match several people). Published when they open the tab, at most once a minute.
#include <date/date.h>

#include "handlers.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/home.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/diagnosis.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::serve::jobs {

namespace {

using json = nlohmann::json;

json mrkdwn(const std::string& text) { return {{"type", "mrkdwn"}, {"text", text}}; }
json section(const std::string& text) { return {{"type", "section"}, {"text", mrkdwn(text)}}; }

std::string posts(int n) { return std::to_string(n) + (n == 1 ? " post" : " posts"); }

// The view as Slack's Block Kit has it: a header, the figures as fields, the AOs, a context line.
json home_view(const db::Region& region, const reports::HomeFigures& h, bool admin, int problems, int ambiguous) {
  json blocks = json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", "Your posts at " + region.name}}}});
  json fields = json::array({mrkdwn("*" + h.month_name + "*\n" + posts(h.month_posts)),
                             mrkdwn("*" + h.year + " so far*\n" + posts(h.year_posts))});
  fields.push_back(
      mrkdwn("*Weekly streak*\n" + (h.streak_weeks > 1    ? std::to_string(h.streak_weeks) + " weeks"
                                    : h.streak_weeks == 1 ? std::string("this week")
                                                          : std::string("none running: post this week to start one"))));
  if (h.next_milestone)
    fields.push_back(
        mrkdwn("*Next milestone*\n" + h.next_milestone->first + ": " + posts(h.next_milestone->second) + " to go"));
  blocks.push_back({{"type", "section"}, {"fields", fields}});
  if (!h.aos.empty()) {
    std::string text = "*Your AOs in " + h.year + "*";
    for (size_t i = 0; i < h.aos.size() && i < 10; ++i)
      text += "\n• " + slack::escape_text(h.aos[i].first) + ": " + posts(h.aos[i].second);
    if (h.aos.size() > 10) text += "\n… and " + std::to_string(h.aos.size() - 10) + " more";
    blocks.push_back(section(text));
  } else {
    blocks.push_back(section("No posts of yours in " + h.year +
                             " yet. Backblasts that tag you count: ask your Q to pick you from Slack's list."));
  }
  blocks.push_back(
      {{"type", "context"},
       {"elements", json::array({mrkdwn("`/paxstats me` sends your chart · `/paxstats stop` turns DMs off")})}});
  if (admin) {
    blocks.push_back({{"type", "divider"}});
    std::string text = "*For admins*\n";
    text += problems ? "• " + std::to_string(problems) + " backblast problem" + (problems == 1 ? "" : "s") +
                           " to look at (the admin page lists them with their lines)"
                     : "• No backblast problems";
    text += ambiguous ? "\n• " + std::to_string(ambiguous) + " typed name" + (ambiguous == 1 ? "" : "s") +
                            " that could be several people: confirm who on the admin page"
                      : "\n• Every typed name is settled";
    blocks.push_back(section(text));
  }
  return {{"type", "home"}, {"blocks", blocks}};
}

}  // namespace

void home(JobContext& s, db::Database& db, const std::string& region, const HomeJob& job) {
  const auto r = db::get_region(db, region);
  const date::year_month month = reports::current_month(db, region, s.o.business_now());
  const auto figures = reports::home_figures(db, region, job.user, month);
  auto client = s.client_for(db, region);
  // An admin: listed in the region's admins, or an admin or owner of the workspace (users.info).
  const bool admin = db::is_listed_admin(r, job.user) || client->workspace_admin(job.user).value_or(false);
  int problems = 0, ambiguous = 0;
  if (admin) {
    const auto this_month = month;
    for (const auto& issue : db::dashboard::parse_issue_list(db, region))
      problems += !issue.posted_at.empty() && calendar::month_of(calendar::parse_day(issue.posted_at)) == this_month;
    for (const auto& a : db::list_aliases(db, region)) ambiguous += a.user_id.empty() && !a.candidates.empty();
  }
  // Publishing a view again replaces it with the same: safe to repeat, so a read's retries apply.
  const auto result = client->call(
      "views.publish", {{"user_id", job.user}, {"view", home_view(r, figures, admin, problems, ambiguous).dump()}});
  if (!result.ok()) throw slack::SlackError(result, job.user);
}

void queue_home(JobContext& s, db::Database& db, const std::string& region, const std::string& user, bool changed) {
  const auto minute = date::floor<std::chrono::minutes>(s.o.business_now()) + std::chrono::minutes(changed ? 1 : 0);
  enqueue(db, region, HomeJob{user}, "home:" + user + ":" + date::format("%FT%H:%M", minute),
          changed ? s.o.home_refresh_delay_seconds : 0);
}

}  // namespace paxstats::serve::jobs
