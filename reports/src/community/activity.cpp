// The community activity report: six charts of a period, to the community channel.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "paxstats/slack/text.hpp"
#include "plan/context.hpp"
#include "plan/words.hpp"
#include "run.hpp"

namespace paxstats::reports::detail::community_activity {
namespace dbc = db::community;
namespace {

// "Oct 5".
std::string short_day(date::sys_days d) {
  const date::year_month_day ymd{d};
  return calendar::abbr(ymd.year() / ymd.month()) + " " + std::to_string(static_cast<unsigned>(ymd.day()));
}

// The six charts' reads, each on the run's read lanes.
auto reads(CommunityRun& run) {
  const std::string slug = run.region.slug, tz = run.region.tz;
  const dbc::Window w = run.window;
  // Retention looks at the year to the period's end.
  const date::year_month_day last{run.period.last};
  const auto year_before = calendar::first_day(last.year() / last.month() - date::months{11});
  const dbc::Window twelve{calendar::format(std::min(year_before, run.period.first)), w.until};
  struct {
    std::shared_future<std::vector<dbc::ChannelWeek>> weeks;
    std::shared_future<std::vector<dbc::ActiveMembers>> active;
    std::shared_future<std::vector<dbc::HourCount>> hours;
    std::shared_future<std::vector<dbc::MonthMembers>> members;
    std::shared_future<std::vector<dbc::ChannelActivity>> channels;
    std::shared_future<std::vector<dbc::Cohort>> cohorts;
  } r;
  // The longest first.
  r.members = run.later("members_by_month", [=](db::Database& d) { return dbc::members_by_month(d, slug, tz, w); });
  r.channels = run.later("channel_activity", [=](db::Database& d) { return dbc::channel_activity(d, slug, tz, w); });
  r.active = run.later("active_members", [=](db::Database& d) { return dbc::active_members(d, slug, tz, w); });
  r.cohorts = run.later("retention", [=](db::Database& d) { return dbc::retention_cohorts(d, slug, tz, twelve); });
  r.weeks = run.later("messages_by_week", [=](db::Database& d) { return dbc::messages_by_week(d, slug, tz, w); });
  r.hours = run.later("messages_by_hour", [=](db::Database& d) { return dbc::messages_by_hour(d, slug, tz, w); });
  return r;
}

}  // namespace

void prefetch(CommunityRun& run) { reads(run); }

void plan(CommunityRun& run) {
  const auto& tz = run.region.tz;
  const std::string when = run.period.title();
  const auto rows = reads(run);
  kainjow::mustache::data values;

  // 1. Messages a week, by channel (the eight busiest, the rest as Other).
  {
    std::vector<date::sys_days> mondays;
    for (auto d = calendar::monday_of(run.period.first); d <= run.period.last; d += date::days{7}) mondays.push_back(d);
    auto c = run.chart(render::Kind::stacked_bar, "Messages a week, by channel");
    for (const auto d : mondays) c.categories.push_back(short_day(d));
    std::map<std::string, render::Series> series;
    std::map<std::string, std::int64_t> totals;
    std::int64_t total = 0;
    for (const auto& w : rows.weeks.get()) {
      auto& s = series[w.channel_id];
      s.key = w.channel_id;
      s.label = "#" + w.name;
      s.values.resize(mondays.size());
      const auto at = std::find(mondays.begin(), mondays.end(), calendar::parse_day(w.week));
      if (at != mondays.end()) s.values[static_cast<size_t>(at - mondays.begin())] += static_cast<double>(w.messages);
      totals[w.channel_id] += w.messages;
      total += w.messages;
    }
    for (auto& [k, s] : series) c.series.push_back(s);
    c.max_series = 8;
    c.x_title = "Week of";
    std::string busiest;
    std::int64_t most = -1;
    for (const auto& [id, n] : totals)
      if (n > most) most = n, busiest = id;
    values.set("messages", std::to_string(total));
    values.set("busiest", busiest.empty() ? std::string("none") : "<#" + busiest + ">");
    values.set("busiest_messages", std::to_string(std::max<std::int64_t>(most, 0)));
    run.deliver("community_activity.channels", "activity-channels-" + run.period.name + ".png",
                "Messages a week by channel, " + when, "", std::move(c));
  }

  // 2. Weekly and monthly active members.
  {
    auto c = run.chart(render::Kind::line, "Active members", "Posting in the last 7 days (WAU) and 28 days (MAU)");
    render::Series wau("wau", "Weekly active", {}), mau("mau", "Monthly active", {});
    std::int64_t last_mau = 0, last_wau = 0;
    for (const auto& a : rows.active.get()) {
      c.categories.push_back(short_day(calendar::parse_day(a.day)));
      wau.values.push_back(static_cast<double>(a.wau));
      mau.values.push_back(static_cast<double>(a.mau));
      last_mau = a.mau, last_wau = a.wau;
    }
    c.series = {mau, wau};
    values.set("mau", std::to_string(last_mau));
    values.set("wau", std::to_string(last_wau));
    run.deliver("community_activity.active", "activity-active-" + run.period.name + ".png", "Active members, " + when,
                "", std::move(c));
  }

  // 3. When people post: weekday × hour, local.
  {
    auto c =
        run.chart(render::Kind::table, "When people post", "Member messages by weekday and hour (" + tz + "), " + when);
    static const char* const kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    for (int h = 0; h < 24; ++h) c.columns.push_back(std::to_string(h));
    std::vector<std::vector<double>> grid(7, std::vector<double>(24, 0.0));
    for (const auto& h : rows.hours.get())
      if (h.weekday >= 1 && h.weekday <= 7 && h.hour >= 0 && h.hour < 24)
        grid[static_cast<size_t>(h.weekday - 1)][static_cast<size_t>(h.hour)] = static_cast<double>(h.messages);
    for (size_t d = 0; d < 7; ++d) c.rows.emplace_back(kDays[d], grid[d]);
    c.one_scale = true;
    c.width = 960;
    run.deliver("community_activity.hours", "activity-hours-" + run.period.name + ".png", "When people post, " + when,
                "", std::move(c));
  }

  // 4. New, returning and gone-quiet members by month.
  {
    auto c = run.chart(render::Kind::grouped_bar, "Members coming and going",
                       "New members, members back after a month away, and regulars gone quiet, " + when);
    render::Series fresh("new", "New", {}), back("returning", "Returning", {}), quiet("quiet", "Gone quiet", {});
    std::int64_t news = 0, returns = 0, quiets = 0;
    for (const auto& m : rows.members.get()) {
      c.categories.push_back(calendar::abbr(m.month));
      fresh.values.push_back(static_cast<double>(m.fresh));
      back.values.push_back(static_cast<double>(m.returning));
      quiet.values.push_back(static_cast<double>(m.gone_quiet));
      news += m.fresh, returns += m.returning, quiets += m.gone_quiet;  // the chart's months, summed
    }
    c.series = {fresh, back, quiet};
    values.set("new_members", std::to_string(news));
    values.set("returning", std::to_string(returns));
    values.set("gone_quiet", std::to_string(quiets));
    // The same, worded for their number ("1 regular has", "6 regulars have").
    values.set("new_members_text", plural(news, "new member", "new members"));
    values.set("gone_quiet_text", plural(quiets, "regular has", "regulars have"));
    run.deliver("community_activity.members", "activity-members-" + run.period.name + ".png",
                "Members coming and going, " + when, "", std::move(c));
  }

  // 5. How soon a thread is answered, by channel.
  {
    auto c = run.chart(render::Kind::horizontal_bar, "Time to a first answer");
    render::Series s("median", "Median", {});
    std::int64_t threads = 0, answered = 0;
    // The channels with the most answered threads (a large region has dozens of channels with a
    // thread or two; their medians say little): the top 15.
    constexpr size_t kShown = 15;
    std::vector<dbc::ChannelActivity> timed;
    for (const auto& ch : rows.channels.get()) {
      threads += ch.threads, answered += ch.answered_threads;
      if (ch.median_first_reply_s) timed.push_back(ch);
    }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const auto& a, const auto& b) { return a.answered_threads > b.answered_threads; });
    // Minutes while every median is under two hours, else hours.
    double slowest = 0;
    for (size_t i = 0; i < timed.size() && i < kShown; ++i) slowest = std::max(slowest, *timed[i].median_first_reply_s);
    const bool minutes = slowest < 7200;
    c.subtitle =
        std::string("Median ") + (minutes ? "minutes" : "hours") + " to the first reply by someone else, " + when;
    for (size_t i = 0; i < timed.size() && i < kShown; ++i) {
      c.categories.push_back("#" + timed[i].name);
      const double v = *timed[i].median_first_reply_s;
      s.values.push_back(minutes ? std::round(v / 60.0) : std::round(v / 360.0) / 10.0);
    }
    if (timed.size() > kShown) {
      c.cut_of = static_cast<int>(timed.size());
      c.cut_noun = "channels";
    }
    c.series = {s};
    c.integer_axis = false;
    c.show_total = false;
    c.empty_message = "No thread was answered in " + when;
    values.set("threads", std::to_string(threads));
    values.set("answered", std::to_string(answered));
    if (c.categories.empty())
      run.note("activity: no thread was answered in " + when + "; no time-to-answer chart");
    else
      run.deliver("community_activity.first_reply", "activity-first-reply-" + run.period.name + ".png",
                  "Time to a first answer, " + when, "", std::move(c));
  }

  // 6. Retention: of each month's newcomers over the year to the period's end, the share still
  // posting months later.
  {
    auto c = run.chart(render::Kind::table, "Who stays",
                       "Of the members whose first message was in a month, the % posting each month after");
    const auto& cohorts = rows.cohorts.get();
    // Every month from a cohort's first to the period's last is measured: one nobody of them
    // posted in is 0%, not "–" (which is kept for months that have not come yet).
    const auto last = calendar::month_of(run.period.last);
    auto measured = [&](const dbc::Cohort& k) {
      return std::max(k.months_later.size(), calendar::months_between(k.month, last).size());
    };
    size_t width = 0;
    for (const auto& k : cohorts) width = std::max(width, measured(k));
    for (size_t k = 0; k < width; ++k) c.columns.push_back(k == 0 ? "First" : "+" + std::to_string(k));
    for (const auto& k : cohorts) {
      std::vector<double> row(width, NAN);
      for (size_t i = 0; i < measured(k); ++i)
        row[i] = k.size > 0
                     ? std::round(100.0 * static_cast<double>(i < k.months_later.size() ? k.months_later[i] : 0) /
                                  static_cast<double>(k.size))
                     : NAN;
      c.rows.emplace_back(
          calendar::abbr(k.month) + " " + calendar::year_of(k.month) + " (" + std::to_string(k.size) + ")", row);
    }
    c.one_scale = true;
    fit_rows(c);
    if (cohorts.empty()) {
      run.note("activity: no new members in the year to " + calendar::format(run.period.last) + "; no retention chart");
      return run.set_first_comment("community_activity.", run.fill("community_activity", values));
    }
    run.deliver("community_activity.retention", "activity-retention-" + run.period.name + ".png", "Who stays, " + when,
                "", std::move(c));
  }

  // The text goes with the first chart; the others carry their title.
  run.set_first_comment("community_activity.", run.fill("community_activity", values));
}

}  // namespace paxstats::reports::detail::community_activity
