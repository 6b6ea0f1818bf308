// Posts for the region's admin log channel.
#include "paxstats/reports/admin_log.hpp"

#include <algorithm>

#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/client.hpp"
#include "templates.hpp"

namespace paxstats::reports {

std::string log_parse_message(db::Database& db, std::string_view region, std::string_view poster,
                              std::string_view channel, const std::vector<ParseIssue>& problems,
                              std::string_view permalink) {
  const auto r = db::get_region(db, region);
  auto d = detail::parse_problem_values(poster, channel, problems, permalink);
  d.set("dm", r.flags.send_feedback_dms);
  return detail::render_template(detail::template_text(r.templates_dir, "log_parse"), d);
}

std::string quality_line(db::Database& db, std::string_view region, date::year_month month) {
  const auto q = db::dashboard::data_quality(db, region, month);
  if (q.months.empty()) return "";
  auto pct = [](double share) { return std::to_string(static_cast<int>(share * 100 + 0.5)) + "%"; };
  const auto& m = q.months.back();
  double low = 1.0;
  for (const auto& x : q.months)
    if (x.beatdowns > 0) low = std::min(low, x.clean_share());
  const auto first = std::find_if(q.months.begin(), q.months.end(), [](const auto& x) { return x.beatdowns > 0; });
  if (m.beatdowns == 0 && m.unread == 0) return "";  // nothing was posted that month
  std::string line = pct(m.clean_share()) + " of " + calendar::format(month) + "'s " + std::to_string(m.beatdowns) +
                     " beatdowns read without a warning";
  if (first != q.months.end() && &*first != &m)
    line += " (since " + calendar::format(first->month) + ": " + pct(first->clean_share()) + " → " +
            pct(m.clean_share()) + ", low " + pct(low) + ")";
  if (m.unread > 0) line += "; " + std::to_string(m.unread) + " backblast" + (m.unread == 1 ? "" : "s") + " unreadable";
  return line + "; " + std::to_string(q.open_issues) + " parse issue" + (q.open_issues == 1 ? "" : "s") +
         " open (the admin page lists them)";
}

std::string log_run_message(db::Database& db, std::string_view region, std::string_view what,
                            const DeliverReport& report, const std::vector<std::string>& notes,
                            std::optional<date::year_month> month) {
  const auto r = db::get_region(db, region);
  kainjow::mustache::data d;
  d.set("region", r.name);
  d.set("what", std::string(what));
  d.set("sent", std::to_string(report.sent));
  d.set("skipped", std::to_string(report.skipped));
  d.set("failed", std::to_string(report.failed));
  d.set("in_doubt", std::to_string(report.in_doubt));
  if (report.failed > 0 || report.in_doubt > 0) d.set("trouble", true);
  kainjow::mustache::data reasons{kainjow::mustache::data::type::list}, note_list{kainjow::mustache::data::type::list};
  for (size_t i = 0; i < report.reasons.size() && i < 10; ++i)
    reasons.push_back(kainjow::mustache::data(report.reasons[i]));
  if (report.reasons.size() > 10) d.set("more_reasons", std::to_string(report.reasons.size() - 10));
  for (const auto& n : notes) note_list.push_back(kainjow::mustache::data(n));
  d.set("reasons", reasons);
  d.set("notes", note_list);
  // The log never fails a run that was delivered: a quality line that cannot be made is left out.
  if (month) {
    try {
      d.set("quality", quality_line(db, region, *month));
    } catch (const std::exception& e) {
      log::warn("log channel of " + std::string(region) + ": no data-quality line for " + calendar::format(*month) +
                " (" + log::redact(e.what()) + ")");
    }
  }
  return detail::render_template(detail::template_text(r.templates_dir, "log_run"), d);
}

bool post_to_log(db::Database& db, std::string_view region, slack::Client& client, const std::string& text) {
  try {
    const auto r = db::get_region(db, region);
    if (!r.log_channel) return false;
    client.post_message(*r.log_channel, text);
    return true;
  } catch (const std::exception& e) {
    log::warn("log channel of " + std::string(region) + ": could not post (" + log::redact(e.what()) + ")");
    return false;
  }
}

}  // namespace paxstats::reports
