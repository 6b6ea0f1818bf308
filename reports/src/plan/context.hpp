#pragma once
// Internal to reports/: what every report kind plans with. One Context is one region's run for
// one month: the figures read once and shared (AO names, labels, streaks, the year's posts), the
// message templates, and the plan the kinds add their deliveries to.
#include <kainjow/mustache.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "labels.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

namespace rq = db::report;

class Context {
 public:
  // Reads through `read` (a snapshot's, a posts cache's or the views), which outlives the context.
  Context(const rq::Reader& read, const db::Region& region, date::year_month month, std::optional<std::string> person);

  const rq::Reader& read;
  db::Database& db;
  const db::Region& region;
  const date::year_month ym;                // the month
  const std::optional<std::string> person;  // on demand: only this user's personal chart
  const rq::Period period, ytd;             // the month; January 1st to the month's end
  std::set<std::string> gone;               // deactivated users, archived channels
  // Planned for a page (the dashboard), not for Slack: every report whatever its flag, no
  // recipient left out, and region-wide charts addressed to the region ("") without a 1st-F.
  bool for_page = false;
  // Whether charts may tell people apart by their real names (false: a page anyone can see).
  bool real_names = true;
  // On demand, a year that is over: nothing in it is "now" (no streak to keep alive).
  bool past_year = false;
  // The region's dashboard ("https://host/r/slug"), for links in messages; empty: none.
  std::string dashboard;

  std::string month_name() const { return calendar::month_name(ym); }  // "October 2026"
  std::string year() const { return calendar::year_of(ym); }           // "2026"
  // January to this month.
  std::vector<date::year_month> months_of_year() const;

  // The AOs of the region: channel id → name (the id when it has none).
  const std::map<std::string, std::string>& ao_names() const { return ao_names_; }
  std::string ao_name(const std::string& id) const;
  // How charts name a person: their name, told apart from anyone else's of the same name.
  std::string label(const std::string& person, const std::string& name);

  // Everyone's current weekly streak at the month's end (read once).
  const std::vector<rq::Streak>& streaks();
  // Everyone's posts this year by month and AO (read once).
  const std::vector<rq::PersonMonthAo>& year_posts();
  // Every AO's figures by month over whole months up to this one: the twelve months to this one
  // and the year to date are read once and sliced (three kinds asked for the same rows).
  std::vector<rq::AoMonth> ao_months(const rq::Period& months);

  // A template filled in (read once per run; the region's own when it has one).
  std::string fill(const std::string& name, const kainjow::mustache::data& values);
  // The values every template has: region, month_name, year.
  kainjow::mustache::data base() const;

  // A chart of the run: its kind, title and subtitle, the region's AO colours.
  render::Chart chart(render::Kind kind, std::string title, std::string subtitle = {});
  // Each AO's colour in every chart of the run (plan/colors.hpp), chosen once.
  const std::map<std::string, int>& ao_colors();
  // How many AOs a person's chart draws before the rest fold into "Other".
  static constexpr size_t kAosShown = 10;
  // The 1st-F channel, or nullopt with a note saying how to set it.
  std::optional<std::string> firstf(const std::string& report);
  // Adds a delivery, unless its recipient is gone or (a DM) opted out: those are counted, and
  // the plan's notes say how many.
  void deliver(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
               std::string comment, render::Chart chart, FullList everyone = {});
  // Adds a file that is no chart (bytes, e.g. a CSV) to the same recipient, with deliver's rules.
  void attach(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
              std::string bytes);
  void note(std::string text) { plan_.notes.push_back(std::move(text)); }
  // How many deliveries are planned so far; text added to the comment of the n-th.
  size_t planned() const { return plan_.deliveries.size(); }
  void append_to(size_t n, const std::string& text) { plan_.deliveries.at(n).comment += text; }

  // Whether a report kind is planned: asked for (or all are), and not turned off by its flag.
  bool wanted(const std::string& report, bool db::RegionFlags::*flag, const std::set<std::string>& only);
  // The plan, with the notes of recipients left out.
  MonthlyPlan finish();

 private:
  std::map<std::string, std::string> ao_names_;
  std::optional<std::map<std::string, int>> ao_colors_;
  std::map<std::string, int> gone_skipped_;
  std::set<std::string> opted_out_;  // users who asked for no DMs
  std::map<std::string, int> opted_out_skipped_;
  std::map<std::string, std::string> templates_;  // name → text
  std::optional<std::vector<rq::PersonMonthAo>> year_posts_;
  std::optional<std::vector<rq::AoMonth>> ao_months_;  // from the earlier of Jan 1 and 11 months back
  std::optional<std::vector<rq::Streak>> streaks_;
  std::optional<Labels> labels_;
  MonthlyPlan plan_;
};

// The names of everyone a plan sends to or mentions (plan.names), read once.
void name_people(db::Database& db, MonthlyPlan& plan);

// A table of many rows grows taller rather than squeezing its rows.
void fit_rows(render::Chart& c);

// One bar a row (an AO), the year so far: the month's part in colour at its end, the months
// before in grey, each row's total after it. For many rows, where a stack by row would be mostly
// "Other" (the FNGs of 82 AOs; a PAX who posted at 30 AOs).
struct MonthBar {
  std::string label;
  int month = 0, year = 0;  // the month's count; the year's, the month's included
};
void month_bars(Context& cx, render::Chart& c, const std::vector<MonthBar>& rows);

}  // namespace paxstats::reports::detail
