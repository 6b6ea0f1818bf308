// /r/SLUG/admin (admins): parse issues with their line and message, aliases to confirm, DM
// opt-outs, runs and deliveries, what admins did here, and the buttons (forms with the session's
// CSRF token) that change things through db/'s functions, as the CLI does.
#include <map>
#include <optional>
#include <tuple>
#include <set>

#include "paxstats/db/aliases.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/installs.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/db/report_queries.hpp"
#include "../site.hpp"

namespace paxstats::web::detail {

namespace dash = db::dashboard;

namespace {

std::string button(const PageContext& cx, const std::vector<std::pair<std::string, std::string>>& fields,
                   const std::string& label) {
  std::string h = "<form class=\"inline\" method=\"post\" action=\"" + esc(cx.links.admin()) +
                  "\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(cx.viewer.csrf) + "\">";
  for (const auto& [k, v] : fields) h += "<input type=\"hidden\" name=\"" + esc(k) + "\" value=\"" + esc(v) + "\">";
  return h + "<button type=\"submit\">" + esc(label) + "</button></form>";
}

}  // namespace

Page admin_page(PageContext& cx, const std::string& notice) {
  const auto& slug = cx.region.slug;
  Page page;
  page.title = "Admin";
  page.crumbs = {{cx.region.name, cx.links.region()}};
  if (!notice.empty()) page.add("<p class=\"ok\" role=\"status\">" + esc(notice) + "</p>");

  // Slack: how paxstats is in the workspace, and the channels its reports go to, chosen from the
  // workspace's channels (read by the sync).
  page.add("<h2>Slack</h2>");
  if (const auto install = db::install_of(cx.db, slug)) {
    std::string by;
    if (!install->installer.empty()) {
      const auto named = cx.read().names_of({install->installer});
      by = " by " + esc(named.empty() ? install->installer : named.front().second);
    }
    if (install->state == db::InstallState::installed)
      page.add("<p>Installed from Slack on " + esc(install->installed_at) + " UTC" + by + ".</p>");
    else
      page.add("<p class=\"notice\" role=\"status\">" +
               esc(install->state == db::InstallState::uninstalled ? "paxstats was uninstalled from Slack"
                                                                   : "Slack revoked paxstats's tokens") +
               " on " + esc(install->changed_at) +
               " UTC. Nothing is sent meanwhile: deliveries and nudges wait, and the data is kept. "
               "<a href=\"/slack/install\">Install paxstats again</a> to resume.</p>");
  } else
    page.add(std::string("<p>Set up from the command line, not installed from Slack: its bot token ") +
             (db::sealed_secret(cx.db, slug, db::SecretName::bot_token) ? "is stored sealed"
                                                                        : "comes from $" + esc(cx.region.token_env)) +
             ". Installing paxstats from Slack (/slack/install) links this region and stores its token.</p>");
  const auto channels = dash::channel_choices(cx.db, slug);
  if (channels.empty()) {
    page.add(
        "<p>paxstats has not read this workspace's channels yet (its first sync does, within minutes of "
        "the install). Reload this page to choose 1st-F and the other channels.</p>");
  } else {
    std::string form = "<form class=\"settings\" method=\"post\" action=\"" + esc(cx.links.admin()) +
                       "\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(cx.viewer.csrf) +
                       "\"><input type=\"hidden\" name=\"action\" value=\"set_channels\">";
    const std::vector<std::tuple<const char*, const char*, std::optional<std::string>>> fields = {
        {"firstf_channel", "1st-F (the month's charts and awards)", cx.region.firstf_channel},
        {"awards_channel", "Awards (1st-F when none)", cx.region.awards_channel},
        {"kotter_channel", "Kotter list (site Qs' DMs only when none)", cx.region.kotter_channel},
        {"log_channel", "Admins' log (unreadable backblasts, run summaries)", cx.region.log_channel}};
    for (const auto& [key, label, current] : fields) {
      form += "<p><label for=\"" + std::string(key) + "\">" + esc(label) + "</label><br><select id=\"" + key +
              "\" name=\"" + key + "\"><option value=\"\">(none)</option>";
      for (const auto& c : channels)
        form += "<option value=\"" + esc(c.id) + "\"" + (current == c.id ? " selected" : "") + ">" +
                (c.is_private ? "🔒 " : "#") + esc(c.name) + "</option>";
      form += "</select></p>";
    }
    page.add(form + "<p><button type=\"submit\">Save the channels</button></p></form>");
  }

  // Data quality: how much of each month paxstats read cleanly, over a year, and what is open.
  {
    auto q = dash::data_quality(cx.db, slug, cx.this_month());
    // The trend starts at the region's first month with a beatdown in the window.
    while (!q.months.empty() && q.months.front().beatdowns == 0 && q.months.front().unread == 0)
      q.months.erase(q.months.begin());
    auto pct = [](double share) { return std::to_string(static_cast<int>(share * 100 + 0.5)) + "%"; };
    page.add("<h2>Data quality</h2>");
    // The latest month with beatdowns (early in a month, the one before), against the one before it.
    std::vector<const dash::QualityMonth*> with;
    for (const auto& m : q.months)
      if (m.beatdowns > 0) with.push_back(&m);
    if (!with.empty()) {
      const auto& now = *with.back();
      std::string line = "<p><b>" + pct(now.clean_share()) + "</b> of " + esc(calendar::format(now.month)) + "'s " +
                         num(now.beatdowns) + " beatdowns were read without a warning";
      if (with.size() > 1)
        line += " (" + pct(with[with.size() - 2]->clean_share()) + " of " + num(with[with.size() - 2]->beatdowns) +
                " in " + esc(calendar::format(with[with.size() - 2]->month)) + ")";
      page.add(line + "; " + num(q.open_issues) + " parse issue" + (q.open_issues == 1 ? " is" : "s are") +
               " open (listed below; most are warnings, such as a name typed without an @-mention).</p>");
    }
    Table qt{"quality",
             "Read without a warning, by month",
             {"Month", "Beatdowns", "Read cleanly", "Share", "Unreadable backblasts"},
             {},
             "No beatdowns in the last 12 months."};
    for (auto it = q.months.rbegin(); it != q.months.rend(); ++it) {
      const int width = static_cast<int>(it->clean_share() * 100 + 0.5);
      qt.rows.push_back({{calendar::format(it->month)},
                         Cell::n(static_cast<long long>(it->beatdowns)),
                         Cell::n(static_cast<long long>(it->clean)),
                         it->beatdowns == 0
                             ? Cell{"—"}
                             : Cell{pct(it->clean_share()), "", true,
                                    "<span class=\"share\"><span style=\"width:" + std::to_string(width) +
                                        "%\"></span></span> " + pct(it->clean_share())},
                         Cell::n(static_cast<long long>(it->unread))});
    }
    page.table(cx, std::move(qt));
  }

  // Runs: ask for last month's (or a recent month's) report, see every run.
  page.add("<h2>Reports</h2><p>");
  for (int back = 1; back <= 3; ++back) {
    const std::string month = calendar::format(cx.this_month() - date::months{back});
    page.add(button(cx, {{"action", "run"}, {"month", month}}, "Run the " + month + " report") + " ");
  }
  page.add("</p>");
  Table runs{
      "runs",
      "Runs",
      {"Run", "Kind", "Period", "Status", "Started", "Finished", "Sent", "Failed or in doubt", "Waiting", "Error"},
      {},
      "No runs yet."};
  for (const auto& r : dash::runs(cx.db, slug))
    runs.rows.push_back({Cell::n(r.id),
                         {std::string(db::jobs::to_string(r.kind))},
                         {r.period},
                         {std::string(db::jobs::to_string(r.status))},
                         {r.started_at},
                         {r.finished_at},
                         Cell::n(r.delivered),
                         Cell::n(r.failed),
                         Cell::n(r.pending),
                         {r.error}});
  page.table(cx, std::move(runs));
  Table dl{"deliveries",
           "Deliveries not sent",
           {"Report", "Period", "Recipient", "Status", "Updated", "Error"},
           {},
           "Every delivery went out."};
  std::set<std::string> failed, in_doubt;
  std::vector<std::string> ids;
  const auto open = dash::open_deliveries(cx.db, slug);
  for (const auto& d : open) ids.push_back(d.recipient);
  std::map<std::string, std::string> names;
  for (auto& [id, name] : cx.read().names_of(ids)) names[id] = std::move(name);
  for (const auto& d : open) {
    if (d.status == db::outbox::Status::failed) failed.insert(d.period);
    if (d.status == db::outbox::Status::in_doubt) in_doubt.insert(d.period);
    const auto n = names.find(d.recipient);
    dl.rows.push_back({{d.report},
                       {d.period},
                       {n == names.end() ? d.recipient : n->second + " (" + d.recipient + ")"},
                       {nlohmann::json(d.status).get<std::string>()},
                       {d.updated_at},
                       {d.error}});
  }
  page.table(cx, std::move(dl));
  // Failed deliveries are tried again by a run; one in doubt may have arrived, so it is sent again
  // only by its own button, for its own month, which says so.
  for (const auto& period : failed)
    page.add("<p>" + button(cx, {{"action", "retry"}, {"month", period}}, "Retry " + period + "'s failed deliveries") +
             "</p>");
  for (const auto& period : in_doubt)
    page.add("<p>" +
             button(cx, {{"action", "resend_in_doubt"}, {"month", period}},
                    "Send " + period + "'s deliveries in doubt again") +
             " Only after looking in Slack: a delivery in doubt may have arrived, and this sends it a second "
             "time.</p>");

  // Aliases: typed names paxstats matched to a user (confirm or remove), and names that fit
  // several users (one button per candidate).
  page.add("<h2>Names to confirm</h2>");
  Table at{"aliases", "Typed names", {"Typed", "Posts", "Is", "How", "Confirm"}, {}, "No typed names to look at."};
  std::vector<std::string> user_ids;
  const auto aliases = db::list_aliases(cx.db, slug);
  for (const auto& a : aliases)
    for (const auto& c : a.candidates) user_ids.push_back(c);
  std::map<std::string, std::string> who;
  for (auto& [id, name] : cx.read().names_of(user_ids)) who[id] = std::move(name);
  std::string html_rows;
  for (const auto& a : aliases) {
    if (a.rule == db::AliasRule::confirmed || a.rule == db::AliasRule::removed) continue;
    std::string buttons;
    if (a.rule == db::AliasRule::ambiguous)
      for (const auto& c : a.candidates) {
        const auto n = who.find(c);
        buttons += button(cx, {{"action", "confirm_alias"}, {"typed", a.typed}, {"user", c}},
                          "It is " + (n == who.end() ? c : n->second)) +
                   " ";
      }
    else
      buttons = button(cx, {{"action", "confirm_alias"}, {"typed", a.typed}, {"user", a.user_id}}, "Confirm") + " " +
                button(cx, {{"action", "remove_alias"}, {"typed", a.typed}}, "Not them");
    at.rows.push_back({{a.typed},
                       Cell::n(a.posts),
                       {a.user_name.empty() ? "(several)" : a.user_name},
                       {db::to_string(a.rule)},
                       Cell{"", "", false, buttons}});
  }
  page.table(cx, std::move(at));

  Table issues{"issues",
               "Parse issues",
               {"Posted", "Channel", "Severity", "Field", "Line", "Reason", "Message"},
               {},
               "The parser read every backblast."};
  for (const auto& i : dash::parse_issue_list(cx.db, slug))
    issues.rows.push_back({{i.posted_at},
                           {"#" + i.channel_name},
                           {i.severity},
                           {i.field},
                           {i.line > 0 ? std::to_string(i.line) + ": " + i.line_text : ""},
                           {i.reason},
                           {"In Slack", Links::message(i.channel_id, i.ts)}});
  page.table(cx, std::move(issues));

  Table oo{"opt_outs", "DM opt-outs", {"User", "User id"}, {}, "Nobody opted out of DMs."};
  const auto outs = db::opt_outs(cx.db, slug);
  std::map<std::string, std::string> out_names;
  for (auto& [id, name] : cx.read().names_of(outs)) out_names[id] = std::move(name);
  for (const auto& u : outs) oo.rows.push_back({{out_names.count(u) ? out_names[u] : u, cx.links.pax(u)}, {u}});
  page.table(cx, std::move(oo));

  Table log{"actions", "What admins did", {"When", "Who", "Where", "Action", "Detail"}, {}, "Nothing yet."};
  for (const auto& a : dash::actions(cx.db, slug))
    log.rows.push_back({{a.at}, {a.user_id}, {a.via}, {a.action}, {a.detail}});
  page.table(cx, std::move(log));
  return page;
}

}  // namespace paxstats::web::detail
