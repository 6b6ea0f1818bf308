// "/paxstats me" in a community region: the member's own activity chart.
#include <map>

#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/community.hpp"
#include "plan/words.hpp"
#include "templates.hpp"

namespace paxstats::reports {

std::optional<PlannedDelivery> personal_community_stats(db::Database& db, std::string_view region,
                                                        std::string_view user_id, date::year_month through_month) {
  const auto r = db::get_region(db, region);
  const auto last = through_month;
  const auto first = last.year() / date::January;
  const db::community::Window w{calendar::format(calendar::first_day(first)),
                                calendar::format(calendar::last_day(last) + date::days{1})};
  const auto s = db::community::member_summary(db, region, r.tz, w, user_id);
  if (s.messages == 0) return std::nullopt;
  render::Chart c;
  c.kind = render::Kind::stacked_bar;
  c.title = "Your messages in " + calendar::year_of(last);
  c.subtitle = r.name + " · by month and channel";
  const auto months = calendar::months_between(first, last);
  for (const auto m : months) c.categories.push_back(calendar::abbr(m));
  std::map<std::string, render::Series> series;
  std::map<std::string, std::int64_t> per_channel;
  for (const auto& m : s.by_month) {
    auto& x = series[m.channel_id];
    x.key = m.channel_id;
    x.label = "#" + m.name;
    x.values.resize(months.size());
    const auto at = std::find(months.begin(), months.end(), m.month);
    if (at != months.end()) x.values[static_cast<size_t>(at - months.begin())] += static_cast<double>(m.messages);
    per_channel[m.channel_id] += m.messages;
  }
  for (auto& [k, x] : series) c.series.push_back(x);
  c.max_series = 8;
  std::string busiest;
  std::int64_t most = -1;
  for (const auto& [id, n] : per_channel)
    if (n > most) most = n, busiest = id;
  kainjow::mustache::data d;
  d.set("region", r.name);
  d.set("year", calendar::year_of(last));
  d.set("user", "<@" + std::string(user_id) + ">");
  d.set("messages", detail::plural(static_cast<long>(s.messages), "message", "messages"));
  d.set("replies", std::to_string(s.replies));
  d.set("reactions", std::to_string(s.reactions_received));
  d.set("days", detail::plural(static_cast<long>(s.active_days), "day", "days"));
  d.set("busiest", "<#" + busiest + ">");
  const std::string comment = detail::render_template(detail::template_text(r.templates_dir, "community_me"), d);
  return PlannedDelivery{"community_me",
                         std::string(user_id),
                         true,
                         "community-me-" + detail::file_safe(std::string(user_id)) + ".png",
                         "Your messages in " + calendar::year_of(last),
                         comment,
                         c};
}

}  // namespace paxstats::reports
