#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/parse_issue.hpp"
#include "paxstats/render/chart.hpp"

namespace paxstats::reports {

// The report kinds of a monthly run, in the order they are planned.
const std::vector<std::string>& report_names();

// One chart to one recipient. The key (region, report, period, recipient) is unique in a run.
// Everyone behind a chart that shows only some (the Kotter list's full roll): a row a person,
// with their Slack user id (empty for a name typed without a mention), for pages and CSVs.
struct FullList {
  std::vector<std::string> columns;  // after "Class" and "PAX"
  struct Row {
    std::string section, person, user_id, name;
    std::vector<std::string> values;  // one a column
  };
  std::vector<Row> rows;
};

struct PlannedDelivery {
  std::string report;     // e.g. "pax_monthly", "q_counts"
  std::string recipient;  // a channel id, or a user id (sent by DM)
  bool to_user = false;
  std::string file;            // file name of the chart, e.g. "pax_monthly-U0123.png"
  std::string title, comment;  // the file's title and the message posted with it
  render::Chart chart;
  FullList everyone = {};  // when the chart shows only some: all of them
  // Not a chart: a file of these bytes (the Kotter list as CSV) goes instead, in the same
  // message as the charts beside it. `chart` is unused then.
  std::string attachment = {};
  // How it goes out (a monthly run's channel posts): the files of one recipient with the same
  // `post` go as one message, whose text is the first file's `message` (its own comment is one
  // line of it; the others' messages are empty); a post with `thread_of` goes as a reply in that
  // post's thread. post empty: a message of its own, with the comment as its text.
  std::string post = {}, thread_of = {}, message = {};
  // What Slack shows with this file: the message's text, or "" for a later file of a message.
  const std::string& text() const { return post.empty() ? comment : message; }
  bool is_chart() const { return attachment.empty(); }
};

struct MonthlyPlan {
  std::string region;
  calendar::Period period;  // a month; the weekly report's ISO week; the community's month, quarter or year
  std::string region_name;  // as people know it ("F3 St. Louis")
  std::vector<PlannedDelivery> deliveries;
  std::vector<std::string> notes;  // reports skipped and why (a flag off, no 1st-F channel, …)
  int beatdowns = 0;               // counted beatdowns in the month (0: nothing happened, or no data yet)
  // Recipients and the people and channels the messages mention: id → name ("#name" for a
  // channel), for pages that show the plan to people (the outbox folder).
  std::map<std::string, std::string> names;
};

// Plans the monthly run of a region for `month` (local to the region): every chart,
// its recipient and its text. `only` limits the run to some report names (empty: all the
// region's enabled reports). Throws UserError for an unknown report name.
// `public_url`: the dashboard's address (serve --public-url), for links in the messages ("" when
// there is none; the region's dashboard may be off too).
MonthlyPlan plan_monthly(db::Database& db, std::string_view region, date::year_month month,
                         const std::vector<std::string>& only = {}, std::string_view public_url = {});

// "Send me my stats": one user's chart as pax_monthly draws it, for their year up to the month
// `through_month` (the current month, to date, or December of a past year), whatever the region's
// flags. nullopt when they have no post that year (or opted out of DMs, or are deactivated).
// `past_year`: a year that is over, whose text speaks of no streak to keep alive.
std::optional<PlannedDelivery> personal_stats(db::Database& db, std::string_view region, std::string_view user_id,
                                              date::year_month through_month, bool past_year = false);

// The charts of a page (the dashboard), read through `read` (its posts cache): the monthly
// run's charts of `month` for the reports `only`, planned whatever the region's flags, with no recipient left out
// (opted out of DMs, deactivated) and region-wide charts addressed to "" when there is no 1st-F channel; `person`
// limits pax_monthly to that user's chart of the year; without `real_names` (a page anyone sees)
// people who share a name are told apart by their user id's end, never their real names.
// Throws UserError for an unknown report.
MonthlyPlan page_charts(const db::report::Reader& read, date::year_month month, const std::vector<std::string>& only,
                        const std::optional<std::string>& person = std::nullopt, bool real_names = true);

// The DM that tells a poster their backblast could not be read (template "feedback", the
// region's own when its templates_dir has one).
std::string feedback_message(db::Database& db, std::string_view region, std::string_view poster_id,
                             std::string_view channel_id, const std::vector<ParseIssue>& problems,
                             std::string_view permalink);

// The month it is at business time `now` in the region's time zone.
date::year_month current_month(db::Database& db, std::string_view region, BusinessTime now);

// Refuses (UserError) a month that cannot be reported at business time `now`: one that has not
// begun ("2999-01 has not happened yet"), or the month under way unless allow_partial.
void check_month_is_over(db::Database& db, std::string_view region, date::year_month month, BusinessTime now,
                         bool allow_partial);

// The month a personal chart of `year` runs to: the current one for this year (or ""), else
// that year's December. Throws UserError for a year that is not YYYY.
date::year_month through_month(date::year_month current_month, std::string_view year);

// Progress of a long step: phase ("render", "deliver"), items done, items in all. Called from
// one thread at a time, possibly not the caller's.
using Progress = std::function<void(std::string_view phase, size_t done, size_t total)>;

// Every chart of a plan rendered, on all cores: PNG bytes and alt text, in plan order (a file
// that is no chart: its bytes, no alt text). Throws UserError naming the chart when one cannot be
// drawn.
struct RenderedChart {
  std::string png, alt_txt;
  std::vector<std::string> layout_problems;  // with check_layout (render::layout_problems)
};
std::vector<RenderedChart> render_plan(const MonthlyPlan& plan, const Progress& progress = {},
                                       bool check_layout = false);

// Writes a plan into a folder instead of sending it: every chart as PNG (rendered on all cores),
// deliveries.json ([{report, recipient, file, title, comment, alt_txt}]) and an index.html that
// shows each chart with its recipient and text. Every chart's layout is checked too: a problem
// (a mark at the edge, overlapping text) is listed on the page and in `problems` when given.
// Returns the path of index.html.
std::filesystem::path write_outbox_folder(const MonthlyPlan& plan, const std::filesystem::path& dir,
                                          const Progress& progress = {}, std::vector<std::string>* problems = nullptr);

}  // namespace paxstats::reports
