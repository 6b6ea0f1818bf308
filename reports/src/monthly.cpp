// The monthly run, planned: which chart goes to whom with what text. Each report kind is one
// file in kinds/ (listed in kinds/kinds.def) planning with a detail::Context; numbers come from
// the report queries (db/report_queries, through the counting rules), charts are render::Chart
// values, text comes from templates/.
#include "paxstats/reports/monthly.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <regex>
#include <set>

#include "paxstats/calendar.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "plan/context.hpp"
#include "plan/posts.hpp"
#include "plan/registry.hpp"
#include "templates.hpp"

namespace paxstats::reports {

namespace {

namespace rq = db::report;

MonthlyPlan run(const rq::Reader& read, const db::Region& region, date::year_month month,
                const std::set<std::string>& only, std::optional<std::string> person = std::nullopt,
                bool for_page = false, bool real_names = true, bool past_year = false,
                std::string_view public_url = {}) {
  detail::Context cx(read, region, month, std::move(person));
  cx.for_page = for_page;
  if (!public_url.empty() && region.dashboard != db::DashboardAccess::off)
    cx.dashboard = std::string(public_url) + "/r/" + region.slug;
  cx.real_names = real_names;
  cx.past_year = past_year;
  for (const auto& kind : detail::report_kinds())
    if (cx.wanted(std::string(kind.name), kind.flag, only)) kind.plan(cx);
  return cx.finish();
}

}  // namespace

void detail::name_people(db::Database& db, MonthlyPlan& plan) {
  std::set<std::string> ids;
  static const std::regex mentioned(R"(<[@#]([A-Z][A-Z0-9]{2,20})(?:\|[^>]*)?>)");
  for (const auto& d : plan.deliveries) {
    ids.insert(d.recipient);
    for (std::sregex_iterator it(d.comment.begin(), d.comment.end(), mentioned), end; it != end; ++it)
      ids.insert((*it)[1]);
  }
  for (auto& [id, name] : rq::Reader(db, plan.region).names_of({ids.begin(), ids.end()}))
    plan.names[id] = std::move(name);
}

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& k : detail::report_kinds()) out.emplace_back(k.name);
    return out;
  }();
  return names;
}

std::optional<PlannedDelivery> personal_stats(db::Database& db, std::string_view region, std::string_view user_id,
                                              date::year_month through_month, bool past_year) {
  const auto r = db::get_region(db, region);
  const rq::Snapshot snapshot(db, region, calendar::last_day(through_month));
  auto plan = run(snapshot.reader(), r, through_month, {"pax_monthly"}, std::string(user_id), false, true, past_year);
  if (plan.deliveries.empty()) return std::nullopt;
  return std::move(plan.deliveries.front());
}

MonthlyPlan page_charts(const db::report::Reader& read, date::year_month month, const std::vector<std::string>& only,
                        const std::optional<std::string>& person, bool real_names) {
  const auto r = db::get_region(read.db(), read.region());
  std::set<std::string> wanted;
  for (const auto& name : only) {
    if (std::find(report_names().begin(), report_names().end(), name) == report_names().end())
      throw UserError("unknown report \"" + name + "\"");
    wanted.insert(name);
  }
  return run(read, r, month, wanted, person, true, real_names);
}

std::string feedback_message(db::Database& db, std::string_view region, std::string_view poster,
                             std::string_view channel, const std::vector<ParseIssue>& problems,
                             std::string_view permalink) {
  const auto r = db::get_region(db, region);
  auto d = detail::parse_problem_values(poster, channel, problems, permalink);
  return detail::render_template(detail::template_text(r.templates_dir, "feedback"), d);
}

date::year_month current_month(db::Database& db, std::string_view region, BusinessTime now) {
  const auto tz = db::get_region(db, region).tz;
  const auto local = date::floor<date::days>(date::make_zoned(tz, now).get_local_time());
  return calendar::month_of(date::sys_days{local.time_since_epoch()});
}

void check_month_is_over(db::Database& db, std::string_view region, date::year_month month, BusinessTime now,
                         bool allow_partial) {
  const date::year_month current = current_month(db, region, now);
  const std::string m = calendar::format(month);
  if (month > current)
    throw UserError(m + " has not happened yet (it is " + calendar::format(current) + " in region " +
                    std::string(region) + "'s time zone): report a month that has ended.");
  if (month == current && !allow_partial)
    throw UserError(m + " is still under way in region " + std::string(region) +
                    ": its report would be partial. Report last month, or pass --allow-partial for the month so far.");
}

date::year_month through_month(date::year_month current, std::string_view year) {
  if (year.empty()) return current;
  if (year.size() != 4 || !std::all_of(year.begin(), year.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw UserError("\"" + std::string(year) + "\" is not a year: write it as YYYY, e.g. 2025");
  const date::year y{std::stoi(std::string(year))};
  if (y < date::year{1900})
    throw UserError("\"" + std::string(year) + "\" is before 1900: no Slack history reaches back there");
  return y == current.year() ? current : y / date::December;
}

MonthlyPlan plan_monthly(db::Database& db, std::string_view region, date::year_month month,
                         const std::vector<std::string>& only, std::string_view public_url) {
  for (const auto& o : only)
    if (std::find(report_names().begin(), report_names().end(), o) == report_names().end()) {
      std::string all;
      for (const auto& n : report_names()) all += (all.empty() ? "" : ", ") + n;
      throw UserError("unknown report \"" + o + "\": reports are " + all);
    }
  const auto r = db::get_region(db, region);
  db::refresh_aliases(db, region);  // names typed since the last import or sync count too
  // Every report reads the posts up to the month's end, many times over: read them once.
  const rq::Snapshot snapshot(db, region, calendar::last_day(month));
  auto plan = run(snapshot.reader(), r, month, std::set<std::string>(only.begin(), only.end()), std::nullopt, false,
                  true, false, public_url);
  plan.beatdowns = snapshot.reader().beatdown_count(calendar::days_of(month));
  detail::name_people(db, plan);
  detail::compose_posts(plan, r);
  return plan;
}

}  // namespace paxstats::reports
