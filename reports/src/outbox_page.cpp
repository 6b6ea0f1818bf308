// The outbox folder's index.html: what a run would post, as a document to read before sending.
#include "outbox_page.hpp"

#include <algorithm>
#include <map>

#include "paxstats/reports/slack_html.hpp"

namespace paxstats::reports::detail {
namespace {

// A report's name for people, by the first part of its delivery key ("q_counts.ao" → q_counts).
std::string report_title(const std::string& kind) {
  static const std::map<std::string, std::string> titles = {{"pax_monthly", "Personal charts"},
                                                            {"q_counts", "Q counts"},
                                                            {"ao_trend", "AO trends"},
                                                            {"ao_summary", "AO summary"},
                                                            {"fng_counts", "FNGs"},
                                                            {"leaderboards", "Leaderboards"},
                                                            {"awards", "Awards and achievements"},
                                                            {"kotter", "Kotter"},
                                                            {"year_glance", "The year at a glance"},
                                                            {"weekly", "Weekly report"}};
  const auto it = titles.find(kind);
  return it != titles.end() ? it->second : kind;
}

std::string kind_of(const std::string& report) { return report.substr(0, report.find('.')); }

std::string anchor(const std::string& part, const std::string& kind) { return part + "-" + kind; }

constexpr const char* kStyle =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu "
    "Sans',sans-serif;margin:0;background:#f6f8fa;"
    "color:#1f2328}header{background:#1f2328;color:#fff;padding:1.2em 2em}header h1{margin:0;font-size:1.5em}"
    "header p{margin:.3em 0 0;color:#c9d1d9}main{display:flex;gap:2em;padding:1.5em 2em;align-items:flex-start}"
    "nav{position:sticky;top:1em;min-width:15em;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1em}"
    "nav h2{font-size:1em;margin:.2em 0 .5em}nav ol{margin:0 0 .8em;padding-left:1.2em}nav a{color:#0969da}"
    ".content{flex:1;min-width:0}h2.part{margin:.2em 0 .6em;font-size:1.35em}section{margin-bottom:2em}"
    "section h3{font-size:1.1em;margin:.4em 0;border-bottom:1px solid #d0d7de;padding-bottom:.3em}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1em}"
    "figure{margin:0;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8em;overflow:hidden}"
    "figure img{width:100%;height:auto;display:block;border-radius:4px;background:#fff}"
    "figcaption{margin-top:.6em}.to{font-weight:600}.dm{color:#57606a;font-weight:400}.title{color:#57606a;font-size:."
    "9em}"
    ".message{margin-top:.4em;padding:.5em .7em;background:#f6f8fa;border-left:3px solid #d0d7de;border-radius:4px}"
    ".mention{color:#0969da;background:#ddf4ff;border-radius:3px;padding:0 .15em}code{background:#eaeef2;padding:0 "
    ".2em;"
    "border-radius:3px}.notes{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.6em "
    "1em;margin-bottom:1.5em}";

}  // namespace

std::string outbox_page(const MonthlyPlan& plan, const std::vector<PageChart>& charts) {
  auto name = [&](const std::string& id) {
    const auto it = plan.names.find(id);
    return it != plan.names.end() ? it->second : id;
  };
  // Two parts, channels then DMs; in each, the reports in plan order, each with its deliveries.
  struct Group {
    std::string kind;
    std::vector<size_t> items;
  };
  std::vector<Group> parts[2];
  for (size_t i = 0; i < plan.deliveries.size(); ++i) {
    const auto& d = plan.deliveries[i];
    auto& groups = parts[d.to_user ? 1 : 0];
    const std::string kind = kind_of(d.report);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.kind == kind; });
    if (it == groups.end()) it = groups.insert(groups.end(), Group{kind, {}});
    it->items.push_back(i);
  }
  // In each report, the region-wide charts (1st-F) before those of each AO channel.
  for (auto& groups : parts)
    for (auto& g : groups)
      std::stable_sort(g.items.begin(), g.items.end(), [&](size_t a, size_t b) {
        return !plan.deliveries[a].report.ends_with(".ao") && plan.deliveries[b].report.ends_with(".ao");
      });
  size_t to_channels = 0;
  for (const auto& g : parts[0]) to_channels += g.items.size();
  const std::string region = plan.region_name.empty() ? plan.region : plan.region_name;
  const char* part_titles[] = {"To channels", "By DM"};
  const char* part_ids[] = {"channels", "dms"};

  std::string page =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>paxstats — " +
      html_escape(region) + ", " + html_escape(plan.month) + "</title><style>" + kStyle +
      "</style></head><body>\n<header><h1>" + html_escape(region) + ": the " + html_escape(plan.month) +
      " run</h1><p>" + std::to_string(plan.deliveries.size()) +
      (plan.deliveries.size() == 1 ? " delivery" : " deliveries") + " planned, " + std::to_string(to_channels) +
      " to channels and " + std::to_string(plan.deliveries.size() - to_channels) +
      " by DM. Nothing was sent: this is what would be.</p></header>\n<main><nav aria-label=\"Contents\">";
  for (int p = 0; p < 2; ++p) {
    if (parts[p].empty()) continue;
    page += "<h2><a href=\"#" + std::string(part_ids[p]) + "\">" + part_titles[p] + "</a></h2><ol>";
    for (const auto& g : parts[p])
      page += "<li><a href=\"#" + anchor(part_ids[p], g.kind) + "\">" + html_escape(report_title(g.kind)) + "</a> (" +
              std::to_string(g.items.size()) + ")</li>";
    page += "</ol>";
  }
  if (!plan.notes.empty()) page += "<h2><a href=\"#notes\">Notes</a></h2>";
  page += "</nav>\n<div class=\"content\">";
  if (!plan.notes.empty()) {
    page += "<div class=\"notes\" id=\"notes\"><b>Notes</b><ul>";
    for (const auto& n : plan.notes) page += "<li>" + html_escape(n) + "</li>";
    page += "</ul></div>";
  }
  for (int p = 0; p < 2; ++p) {
    if (parts[p].empty()) continue;
    page += "\n<h2 class=\"part\" id=\"" + std::string(part_ids[p]) + "\">" + part_titles[p] + "</h2>";
    for (const auto& g : parts[p]) {
      page += "\n<section id=\"" + anchor(part_ids[p], g.kind) + "\"><h3>" + html_escape(report_title(g.kind)) +
              "</h3><div class=\"cards\">";
      for (size_t i : g.items) {
        const auto& d = plan.deliveries[i];
        const auto& c = charts[i];
        std::string to = name(d.recipient);
        if (d.to_user) to = "@" + to;
        page += "\n<figure data-report=\"" + html_escape(d.report) + "\"><img loading=\"lazy\" src=\"" +
                html_escape(d.file) + "\" width=\"" + std::to_string(c.width) + "\" height=\"" +
                std::to_string(c.height) + "\" alt=\"" + html_escape(c.alt) + "\"><figcaption><div class=\"to\">" +
                html_escape(to) + (d.to_user ? " <span class=\"dm\">(DM)</span>" : "") + "</div><div class=\"title\">" +
                html_escape(d.title) + "</div><div class=\"message\">" + slack_to_html(d.comment, plan.names) +
                "</div></figcaption></figure>";
      }
      page += "</div></section>";
    }
  }
  page += "\n</div></main></body></html>\n";
  return page;
}

}  // namespace paxstats::reports::detail
