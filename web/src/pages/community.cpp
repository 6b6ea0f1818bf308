// /r/SLUG/community: the community metrics (README "Community analytics") of a month, quarter
// or year — the community reports' charts, then members and channels as tables.
#include <date/date.h>

#include <algorithm>

#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/engagement.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

Page community_page(PageContext& cx) {
  const auto today = cx.today;
  const std::string asked = cx.param("period");
  const auto data = db::community::message_span(cx.db, cx.region.slug, cx.region.tz);
  // The day the page looks back from: today, or the last day with messages when the data ends
  // earlier (an export of 2015–2016 opens on its own last quarter, not on an empty one).
  const auto anchor =
      !data.last.empty() && calendar::parse_day(data.last) < today ? calendar::parse_day(data.last) : today;
  // By default the last whole quarter: the one under way would chart its weeks still to come;
  // the data's own last quarter when the data ends before that one began.
  const auto current_quarter = calendar::period_of(calendar::Period::Kind::quarter, today);
  const auto last_whole = calendar::period_of(calendar::Period::Kind::quarter, current_quarter.first - date::days{1});
  calendar::Period span = !asked.empty()              ? calendar::parse_period(asked, false)
                          : anchor < last_whole.first ? calendar::period_of(calendar::Period::Kind::quarter, anchor)
                                                      : last_whole;
  // A period under way is counted and charted up to today, never into the days to come.
  const bool under_way = span.last > today && span.first <= today;
  if (under_way) span.last = today;
  Page page;
  page.title = "Community";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  if (!cx.links.static_site()) {
    // This month, this and last quarter, this year, then every year the messages cover.
    std::vector<calendar::Period> choices;
    const auto month = calendar::period_of(calendar::Period::Kind::month, today);
    const auto quarter = calendar::period_of(calendar::Period::Kind::quarter, today);
    const auto last_quarter = calendar::period_of(calendar::Period::Kind::quarter, quarter.first - date::days{1});
    const auto year = calendar::period_of(calendar::Period::Kind::year, today);
    const bool recent = anchor >= last_whole.first;
    if (recent) choices = {month, quarter, last_quarter, year};
    if (!recent) {  // the data's own last quarters
      const auto q = calendar::period_of(calendar::Period::Kind::quarter, anchor);
      choices = {calendar::period_of(calendar::Period::Kind::quarter, q.first - date::days{1}), q};
    }
    if (!data.first.empty()) {
      const auto first_year = calendar::period_of(calendar::Period::Kind::year, calendar::parse_day(data.first));
      for (auto y = calendar::period_of(calendar::Period::Kind::year, anchor);
           y.first >= first_year.first && choices.size() < 40;
           y = calendar::period_of(calendar::Period::Kind::year, y.first - date::days{1}))
        if (std::none_of(choices.begin(), choices.end(), [&](const auto& c) { return c.name == y.name; }))
          choices.push_back(y);
    }
    page.add("<nav class=\"periods\" aria-label=\"Period\">");
    for (const auto& s : choices)
      page.add("<a href=\"?period=" + esc(s.name) + "\"" + (s.name == span.name ? " class=\"on\"" : "") + ">" +
               esc(s.title()) + "</a>");
    page.add("</nav>");
  }
  page.add("<h2>" + esc(span.title()) +
           (under_way ? ", so far (to " + date::format("%B", span.last) + " " +
                            std::to_string(static_cast<unsigned>(date::year_month_day(span.last).day())) + ")"
                      : std::string()) +
           "</h2>");
  const auto window = reports::window_of(span);
  const auto members = db::community::member_activity(cx.db, cx.region.slug, cx.region.tz, window);
  const auto channels = db::community::channel_activity(cx.db, cx.region.slug, cx.region.tz, window);
  long long messages = 0, active = 0, threads = 0, answered = 0;
  for (const auto& m : members) {
    messages += m.messages;
    active += m.messages > 0;
  }
  for (const auto& c : channels) {
    threads += c.threads;
    answered += c.answered_threads;
  }
  page.stats({{"Member messages", num(messages)},
              {"Active members", num(active)},
              {"Members", num(static_cast<long long>(members.size()))},
              {"Threads", num(threads)},
              {"Threads answered", num(answered)},
              {"Channels", num(static_cast<long long>(channels.size()))}});

  const auto plan = reports::plan_community(cx.db, cx.region.slug, span, {}, true);
  page.add("<div class=\"charts\">");
  for (const auto& d : plan.deliveries) page.chart(cx, d.chart, d.title);
  page.add("</div>");

  Table mt{"members",
           "Members",
           {"Member", "Messages", "Replies", "Threads started", "Reactions received", "Files", "Mentioned",
            "Active days", "Active weeks"},
           {},
           "No member wrote in this period."};
  for (const auto& m : members) {
    if (m.messages == 0 && m.reactions_received == 0) continue;
    mt.rows.push_back({{m.user_name, cx.links.pax(m.user_id)},
                       Cell::n(m.messages),
                       Cell::n(m.replies),
                       Cell::n(m.threads_started),
                       Cell::n(m.reactions_received),
                       Cell::n(m.files),
                       Cell::n(m.mentions_received),
                       Cell::n(m.active_days),
                       Cell::n(m.active_weeks)});
  }
  page.table(cx, std::move(mt));
  Table ct{"channels",
           "Channels",
           {"Channel", "Messages", "Active members", "Threads", "Answered", "Median first answer (min)", "Reactions"},
           {},
           "No channel had a message in this period."};
  for (const auto& c : channels) {
    if (c.messages == 0) continue;
    ct.rows.push_back({{"#" + c.name},
                       Cell::n(c.messages),
                       Cell::n(c.active_members),
                       Cell::n(c.threads),
                       Cell::n(c.answered_threads),
                       c.median_first_reply_s ? Cell::n(*c.median_first_reply_s / 60.0, 1) : Cell{"–", "", true},
                       Cell::n(c.reactions)});
  }
  page.table(cx, std::move(ct));
  return page;
}

}  // namespace paxstats::web::detail
