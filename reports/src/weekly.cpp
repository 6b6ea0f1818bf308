// The weekly region report: the week (Monday to Sunday, local to the region) against the week
// before, as one table card to the 1st-F channel and one message, in the sections a region picks.
#include "paxstats/reports/weekly.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "paxstats/calendar.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/slack/text.hpp"
#include "plan/context.hpp"
#include "plan/labels.hpp"
#include "plan/milestones.hpp"
#include "plan/posts.hpp"
#include "plan/words.hpp"
#include "templates.hpp"

namespace paxstats::reports {

namespace {

namespace rq = db::report;

// "+3", "−2", "same"
std::string change(int now, int before) {
  if (now == before) return "same";
  return (now > before ? "+" : "−") + std::to_string(std::abs(now - before));
}

std::string day_name(const std::string& iso) {
  const auto d = calendar::parse_day(iso);
  const date::year_month_day ymd{d};
  return date::format("%a", date::weekday{d}) + " " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         calendar::abbr(ymd.year() / ymd.month());
}

}  // namespace

const std::vector<std::string>& weekly_sections() {
  static const std::vector<std::string> names = {"summary",     "fngs_by_ao", "top_workout",
                                                 "top_posters", "top_qs",     "trophies"};
  return names;
}

calendar::Period current_week(db::Database& db, std::string_view region, BusinessTime now) {
  const auto tz = db::get_region(db, region).tz;
  const auto local = date::floor<date::days>(date::make_zoned(tz, now).get_local_time());
  return calendar::period_of(calendar::Period::Kind::week, date::sys_days{local.time_since_epoch()});
}

void check_week_is_over(db::Database& db, std::string_view region, const calendar::Period& week, BusinessTime now,
                        bool allow_partial) {
  const std::string& w = week.name;
  const calendar::Period current = current_week(db, region, now);
  if (week.first > current.first)
    throw UserError(w + " has not happened yet (it is " + current.name + " in region " + std::string(region) +
                    "'s time zone): report a week that has ended.");
  if (week.first == current.first && !allow_partial)
    throw UserError(w + " is still under way in region " + std::string(region) +
                    ": its report would be partial. Report last week, or pass --allow-partial for the week so far.");
}

MonthlyPlan plan_weekly(db::Database& db, std::string_view region, const calendar::Period& week,
                        const std::vector<std::string>& only) {
  if (week.kind != calendar::Period::Kind::week)
    throw UserError("the weekly report covers an ISO week (2026-W48), not " + week.name);
  const date::sys_days monday = week.first;
  for (const auto& o : only)
    if (std::find(weekly_sections().begin(), weekly_sections().end(), o) == weekly_sections().end()) {
      std::string all;
      for (const auto& n : weekly_sections()) all += (all.empty() ? "" : ", ") + n;
      throw UserError("unknown weekly section \"" + o + "\": sections are " + all);
    }
  const auto r = db::get_region(db, region);
  // Asked for; else the region's setting; else all.
  const std::vector<std::string>& chosen = only.empty() ? r.weekly_sections : only;
  auto wanted = [&](const std::string& s) {
    return chosen.empty() || std::find(chosen.begin(), chosen.end(), s) != chosen.end();
  };
  db::refresh_aliases(db, region);
  const rq::Reader read(db, region);
  const rq::Period period = week, before{monday - date::days{7}, monday - date::days{1}};
  const std::string& name = week.name;
  const detail::Labels labels(read.people());
  auto ao_name_escaped = [](const std::string& n) { return slack::escape_text(n); };

  MonthlyPlan plan;
  plan.region = r.slug;
  plan.period = week;
  plan.region_name = r.name;
  plan.beatdowns = read.beatdown_count(period);
  // To whom: the weekly_to list (channels, and users by DM), else the 1st-F channel.
  std::vector<std::string> to = r.weekly_to;
  if (to.empty() && r.firstf_channel) to.push_back(*r.firstf_channel);
  if (to.empty()) {
    plan.notes.push_back("weekly: no 1st-F channel set (paxstats region set " + r.slug +
                         " firstf_channel=C…), and no weekly_to");
    return plan;
  }
  const auto gone = read.gone_recipients();
  std::vector<std::string> recipients;
  for (const auto& id : to)
    if (std::find(gone.begin(), gone.end(), id) != gone.end())
      plan.notes.push_back("weekly: " + id + " is archived or deactivated; left out");
    else if ((id[0] == 'U' || id[0] == 'W') && db::is_opted_out(db, region, id))
      plan.notes.push_back("weekly: " + id + " opted out of DMs; left out");
    else
      recipients.push_back(id);
  if (recipients.empty()) return plan;

  render::Chart c;
  c.kind = render::Kind::table;
  c.title = r.name + " — week " + name.substr(6) + ", " + week.title();
  c.subtitle = "This week against the week before";
  c.columns = {"This week", "Week before"};
  c.text_columns = {"Change"};
  auto heading = [&](const std::string& h) {
    c.rows.emplace_back(h, std::vector<double>{});
    c.row_texts.emplace_back();
  };
  auto row = [&](const std::string& label, double now, double then, std::string text) {
    c.rows.emplace_back(label, std::vector<double>{now, then});
    c.row_texts.push_back({std::move(text)});
  };

  kainjow::mustache::data d;
  d.set("region", r.name);
  d.set("week", name);
  d.set("week_name", week.title());

  if (wanted("summary")) {
    const auto a = read.period_totals(period), b = read.period_totals(before);
    heading("Summary");
    row("Beatdowns", a.beatdowns, b.beatdowns, change(a.beatdowns, b.beatdowns));
    row("Posts", a.posts, b.posts, change(a.posts, b.posts));
    row("Unique PAX", a.unique_pax, b.unique_pax, change(a.unique_pax, b.unique_pax));
    row("FNGs", a.fngs, b.fngs, change(a.fngs, b.fngs));
    d.set("summary", "*Summary*: " + detail::plural(a.beatdowns, "beatdown", "beatdowns") + " (" +
                         change(a.beatdowns, b.beatdowns) + "), " + detail::plural(a.posts, "post", "posts") + " (" +
                         change(a.posts, b.posts) + "), " + std::to_string(a.unique_pax) + " unique PAX (" +
                         change(a.unique_pax, b.unique_pax) + "), " + detail::plural(a.fngs, "FNG", "FNGs") + " (" +
                         change(a.fngs, b.fngs) + ") against the week before");
  }
  if (wanted("fngs_by_ao")) {
    std::map<std::string, std::pair<int, int>> fngs;  // AO name → (this week, before)
    for (const auto& m : read.ao_months(period)) fngs[m.ao_name].first += m.fngs;
    for (const auto& m : read.ao_months(before)) fngs[m.ao_name].second += m.fngs;
    std::vector<std::pair<std::string, std::pair<int, int>>> rows;
    for (const auto& [ao, n] : fngs)
      if (n.first > 0) rows.emplace_back(ao, n);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& x, const auto& y) { return x.second.first > y.second.first; });
    std::vector<std::string> words;
    if (!rows.empty()) heading("FNGs by AO");
    for (const auto& [ao, n] : rows) {
      row(ao, n.first, n.second, change(n.first, n.second));
      words.push_back(ao_name_escaped(ao) + " " + std::to_string(n.first));
    }
    d.set("fngs_by_ao",
          "*FNGs by AO*: " + (words.empty() ? std::string("none this week") : detail::join_names(words, words.size())));
  }
  if (wanted("top_workout")) {
    const auto top = read.top_beatdowns(period, 1);
    if (!top.empty()) {
      const auto& t = top.front();
      heading("Best attended");
      row(t.ao_name, t.posts, NAN, day_name(t.date) + (t.q_name.empty() ? "" : ", Q " + t.q_name));
      d.set("top_workout", "*Best attended*: " + ao_name_escaped(t.ao_name) + " on " + day_name(t.date) + ", " +
                               std::to_string(t.posts) + " PAX" +
                               (t.q_name.empty() ? "" : ", Q " + slack::escape_text(t.q_name)));
    }
  }
  if (wanted("top_posters")) {
    // The top five, and a cut inside a tie says how many more share the fifth place.
    constexpr int kEveryone = 1000000;
    auto top = read.leaderboard(period, std::nullopt, kEveryone);
    std::vector<int> posts_of;
    for (const auto& p : top) posts_of.push_back(p.posts);
    const std::string tied = detail::tied_past_cut(posts_of, 5, "post", "posts");
    if (top.size() > 5) top.resize(5);
    std::map<std::string, int> then;
    for (const auto& p : read.leaderboard(before, std::nullopt, kEveryone)) then[p.person] = p.posts;
    std::vector<std::string> words;
    if (!top.empty()) heading("Top posters" + std::string(tied.empty() ? "" : " (ties by AOs, then name)"));
    for (const auto& p : top) {
      const std::string label = labels(p.person, p.name);
      row(label, p.posts, then[p.person], change(p.posts, then[p.person]));
      words.push_back(detail::mention(p.user_id, label) + " " + std::to_string(p.posts));
    }
    if (!tied.empty()) row("… and " + tied, NAN, NAN, "");
    if (!words.empty())
      d.set("top_posters", "*Top posters*: " + detail::join_names(words, words.size()) +
                               (tied.empty() ? std::string() : ", and " + tied));
  }
  if (wanted("top_qs")) {
    std::map<std::string, std::pair<int, int>> qs;  // person → (this week, before)
    std::map<std::string, rq::QCount> who;
    for (const auto& q : read.q_counts(period)) {
      qs[q.person].first += q.qs + q.coqs;
      who[q.person] = q;
    }
    for (const auto& q : read.q_counts(before))
      if (qs.count(q.person)) qs[q.person].second += q.qs + q.coqs;
    std::vector<std::pair<std::string, std::pair<int, int>>> rows(qs.begin(), qs.end());
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& x, const auto& y) {
      return x.second.first != y.second.first ? x.second.first > y.second.first : who[x.first].name < who[y.first].name;
    });
    std::vector<int> totals;
    for (const auto& [person, n] : rows) totals.push_back(n.first);
    const std::string tied = detail::tied_past_cut(totals, 5, "Q", "Qs");
    if (rows.size() > 5) rows.resize(5);
    std::vector<std::string> words;
    if (!rows.empty()) heading("Top Qs (led or co-led)" + std::string(tied.empty() ? "" : ", ties by name"));
    for (const auto& [person, n] : rows) {
      const std::string label = labels(person, who[person].name);
      row(label, n.first, n.second, change(n.first, n.second));
      words.push_back(detail::mention(who[person].user_id, label) + " " + std::to_string(n.first));
    }
    if (!tied.empty()) row("… and " + tied, NAN, NAN, "");
    if (!words.empty())
      d.set("top_qs",
            "*Top Qs*: " + detail::join_names(words, words.size()) + (tied.empty() ? std::string() : ", and " + tied));
  }
  if (wanted("trophies")) {
    const auto trophies = detail::week_trophies(read, monday);
    std::string text;
    if (!trophies.empty()) heading("Trophies");
    for (const auto& t : trophies) {
      std::vector<std::string> names, mentions;
      for (const auto& p : t.people) {
        names.push_back(labels(p.person, p.name));
        mentions.push_back(detail::mention(p.user_id, names.back()));
      }
      c.rows.emplace_back(t.name, std::vector<double>{NAN, NAN});
      c.row_texts.push_back({t.rule + ": " + detail::join_names(names, 2)});
      text += "\n• *" + t.name + "* (" + t.rule + "): " + detail::join_names(mentions, mentions.size());
    }
    if (!text.empty()) d.set("trophies", "*Trophies*:" + text);
  }
  detail::fit_rows(c);
  d.set("header", detail::render_template(detail::template_text(r.templates_dir, "weekly_header"), d));
  const std::string comment = detail::render_template(detail::template_text(r.templates_dir, "weekly"), d);
  c.empty_message = "No beatdowns this week";
  for (const auto& id : recipients)
    plan.deliveries.push_back(PlannedDelivery{"weekly", id, id[0] == 'U' || id[0] == 'W', "weekly-" + name + ".png",
                                              r.name + " — the week of " + week.title(), comment, c});
  detail::name_people(db, plan);
  // The week's message mentions at most the region's mention_budget people (trophies name dozens).
  for (auto& delivery : plan.deliveries) {
    if (delivery.to_user) continue;
    int left = r.mention_budget;
    delivery.comment = detail::spend_mentions(delivery.comment, left, plan.names);
  }
  return plan;
}

}  // namespace paxstats::reports
