// plan_community: the community reports of a period, and what their kinds share.
#include <date/tz.h>

#include <algorithm>

#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/slack/text.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/engagement.hpp"
#include "plan/context.hpp"
#include "run.hpp"
#include "templates.hpp"

namespace paxstats::reports {

const std::vector<std::string>& community_report_names() {
  static const std::vector<std::string> names = {"activity", "awards", "engagement"};
  return names;
}

const std::vector<std::string>& community_award_names() {
  static const std::vector<std::string> names = {"most_messages",  "most_threads",    "most_replies", "most_reactions",
                                                 "fastest_helper", "most_consistent", "rising_star"};
  return names;
}

namespace detail {

CommunityRun::CommunityRun(db::Database& d, const db::Region& r, calendar::Period p, std::string to, MonthlyPlan& out)
    : db(d),
      region(r),
      period(std::move(p)),
      window(window_of(period)),
      channel(std::move(to)),
      plan_(out),
      lanes_(d, std::clamp(std::thread::hardware_concurrency(), 2u, 4u)) {}

render::Chart CommunityRun::chart(render::Kind kind, std::string title, std::string subtitle) const {
  render::Chart c;
  c.kind = kind;
  c.title = std::move(title);
  c.subtitle = subtitle.empty() ? region.name + " · " + period.title() : std::move(subtitle);
  c.empty_message = "No messages in " + period.title();
  return c;
}

std::string CommunityRun::fill(const std::string& name, kainjow::mustache::data values) {
  values.set("region", region.name);
  values.set("period", period.title());
  auto it = templates_.find(name);
  if (it == templates_.end()) it = templates_.emplace(name, template_text(region.templates_dir, name)).first;
  return render_template(it->second, values);
}

void CommunityRun::deliver(std::string report, std::string file, std::string title, std::string comment,
                           render::Chart chart) {
  plan_.deliveries.push_back(PlannedDelivery{std::move(report), channel, false, std::move(file), std::move(title),
                                             std::move(comment), std::move(chart)});
}

std::shared_future<CommunityRun::People> CommunityRun::people_later() {
  const auto slug = region.slug, tz = region.tz;
  const auto& help = region.help_channels;
  const auto w = window;
  return later("people", [slug, tz, w, help](db::Database& d) {
    People p;
    p.parts = db::community::engagement_parts(d, slug, tz, w, help, &p.activity);
    return p;
  });
}

const CommunityRun::People& CommunityRun::people() { return people_later().get(); }

const std::vector<db::community::MemberActivity>& CommunityRun::activity() { return people().activity; }
const std::vector<db::community::EngagementParts>& CommunityRun::parts() { return people().parts; }

void CommunityRun::set_first_comment(const std::string& prefix, const std::string& text) {
  bool first = true;
  for (auto& d : plan_.deliveries) {
    if (d.report.rfind(prefix, 0) != 0) continue;
    d.comment = first ? text : "*" + slack::escape_text(d.title) + "*";
    first = false;
  }
}

std::string CommunityRun::label(const std::string& user_id, const std::string& name) {
  auto& ids = ids_by_name_[name];
  if (std::find(ids.begin(), ids.end(), user_id) == ids.end()) ids.push_back(user_id);
  if (ids.size() == 1 || ids.front() == user_id) return name;
  return name + " (" + user_id.substr(std::max<size_t>(user_id.size(), 4) - 4) + ")";
}

}  // namespace detail

MonthlyPlan plan_community(db::Database& db, std::string_view region, const calendar::Period& period,
                           const std::vector<std::string>& only, bool for_page) {
  for (const auto& o : only)
    if (std::find(community_report_names().begin(), community_report_names().end(), o) ==
        community_report_names().end())
      throw UserError("no community report \"" + o + "\": choose among activity, awards, engagement");
  if (period.kind == calendar::Period::Kind::week)
    throw UserError("community reports cover a month, a quarter or a year, not a week (" + period.name + ")");
  const auto r = db::get_region(db, region);
  MonthlyPlan plan;
  plan.region = r.slug;
  plan.period = period;
  plan.region_name = r.name;
  if (!r.community_channel && !for_page) {
    plan.notes.push_back("community: no community_channel set (paxstats region set " + r.slug +
                         " community_channel=C…); nothing planned");
    return plan;
  }
  detail::CommunityRun run(db, r, period, r.community_channel.value_or(""), plan);
  auto wanted = [&](const std::string& n) {
    return only.empty() || std::find(only.begin(), only.end(), n) != only.end();
  };
  // The reads first, all of them side by side on the lanes (the people's parts, the longest, first).
  run.prefetch_people();
  if (wanted("activity")) detail::community_activity::prefetch(run);
  if (wanted("awards")) detail::community_awards::prefetch(run);
  if (wanted("activity")) detail::community_activity::plan(run);
  if (wanted("awards")) detail::community_awards::plan(run);
  if (wanted("engagement")) detail::community_engagement::plan(run);
  // What the period holds (0: nothing happened, and the CLI refuses to send it without --allow-empty).
  std::int64_t messages = 0;
  for (const auto& p : run.parts()) messages += p.messages;
  plan.beatdowns = static_cast<int>(messages);
  detail::name_people(db, plan);  // for pages that show the plan: names, not ids
  return plan;
}

void check_span_is_over(db::Database& db, std::string_view region, const calendar::Period& period, BusinessTime now,
                        bool allow_partial) {
  const auto r = db::get_region(db, region);
  const auto today =
      date::sys_days{date::floor<date::days>(date::make_zoned(r.tz, now).get_local_time()).time_since_epoch()};
  if (period.first > today)
    throw UserError(period.name + " has not happened yet (today is " + calendar::format(today) + " in " + r.tz + ")");
  if (period.last >= today && !allow_partial)
    throw UserError(period.name + " is still under way (to " + calendar::format(period.last) +
                    "); report it when it is over, or pass --allow-partial for the part so far");
}

}  // namespace paxstats::reports
