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
    "1em;margin-bottom:1.5em}"
    ".post{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:.8em;margin-bottom:1em}"
    ".post>.message{margin:0 0 .8em}.post figure{border:none;padding:0}"
    ".thread{margin:-.4em 0 1.5em 2em;padding-left:1em;border-left:3px solid #d0d7de}"
    ".replies{color:#57606a;margin:.2em 0 .6em}"
    "a.file{display:block;padding:.8em;border:1px solid #d0d7de;border-radius:6px;color:#0969da;word-break:break-all}"
    // A phone: the contents above, one column of charts, nothing wider than the screen.
    "@media (max-width:720px){main{flex-direction:column;padding:1em;gap:1em}nav{position:static;min-width:0;"
    "align-self:stretch}.cards{grid-template-columns:1fr}.thread{margin-left:.6em}header{padding:1em}}";

}  // namespace

std::string outbox_page(const MonthlyPlan& plan, const std::vector<PageChart>& charts) {
  auto name = [&](const std::string& id) {
    const auto it = plan.names.find(id);
    return it != plan.names.end() ? it->second : id;
  };
  auto figure = [&](size_t i, bool with_text) {
    const auto& d = plan.deliveries[i];
    const auto& c = charts[i];
    std::string to = name(d.recipient);
    if (d.to_user) to = "@" + to;
    // A file that is no chart (the Kotter CSV): a link to it, as Slack shows a file.
    const std::string shown =
        d.is_chart() ? "<img loading=\"lazy\" src=\"" + html_escape(d.file) + "\" width=\"" + std::to_string(c.width) +
                           "\" height=\"" + std::to_string(c.height) + "\" alt=\"" + html_escape(c.alt) + "\">"
                     : "<a class=\"file\" href=\"" + html_escape(d.file) + "\">" + html_escape(d.file) + "</a>";
    return "\n<figure data-report=\"" + html_escape(d.report) + "\">" + shown + "<figcaption>" +
           (with_text ? "<div class=\"to\">" + html_escape(to) + (d.to_user ? " <span class=\"dm\">(DM)</span>" : "") +
                            "</div>"
                      : std::string()) +
           "<div class=\"title\">" + html_escape(d.title) + "</div>" +
           (with_text ? "<div class=\"message\">" + slack_to_html(d.text(), plan.names) + "</div>" : std::string()) +
           "</figcaption></figure>";
  };
  // To channels: each channel's messages as Slack will show them, a message's files together and
  // replies in its thread. By DM: the reports in plan order, each with its deliveries.
  struct Message {
    std::string post;
    std::vector<size_t> files;
    std::vector<size_t> replies;  // messages (indexes into the channel's list) in its thread
    bool reply = false;
  };
  struct Channel {
    std::string id;
    std::vector<Message> messages;
  };
  std::vector<Channel> channels;
  struct Group {
    std::string kind;
    std::vector<size_t> items;
  };
  std::vector<Group> dms;
  size_t to_channels = 0;
  for (size_t i = 0; i < plan.deliveries.size(); ++i) {
    const auto& d = plan.deliveries[i];
    if (d.to_user) {
      const std::string kind = kind_of(d.report);
      auto it = std::find_if(dms.begin(), dms.end(), [&](const Group& g) { return g.kind == kind; });
      if (it == dms.end()) it = dms.insert(dms.end(), Group{kind, {}});
      it->items.push_back(i);
      continue;
    }
    ++to_channels;
    auto ch = std::find_if(channels.begin(), channels.end(), [&](const Channel& c) { return c.id == d.recipient; });
    if (ch == channels.end()) ch = channels.insert(channels.end(), Channel{d.recipient, {}});
    auto m = d.post.empty() ? ch->messages.end()
                            : std::find_if(ch->messages.begin(), ch->messages.end(),
                                           [&](const Message& x) { return x.post == d.post; });
    if (m == ch->messages.end()) {
      ch->messages.push_back({d.post, {}, {}, !d.thread_of.empty()});
      m = std::prev(ch->messages.end());
      if (!d.thread_of.empty())
        for (auto& parent : ch->messages)
          if (parent.post == d.thread_of) parent.replies.push_back(ch->messages.size() - 1);
    }
    m->files.push_back(i);
  }
  // The region-wide channels (1st-F, awards, Kotter) before the AO channels.
  auto region_wide = [&](const Channel& c) {
    for (const auto& m : c.messages)
      for (size_t i : m.files)
        if (!plan.deliveries[i].report.ends_with(".ao")) return true;
    return false;
  };
  std::stable_sort(channels.begin(), channels.end(),
                   [&](const Channel& a, const Channel& b) { return region_wide(a) && !region_wide(b); });
  const std::string region = plan.region_name.empty() ? plan.region : plan.region_name;
  auto channel_anchor = [](const std::string& id) { return "channel-" + id; };

  std::string page =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>paxstats — " +
      html_escape(region) + ", " + html_escape(plan.period.name) + "</title><style>" + kStyle +
      "</style></head><body>\n<header><h1>" + html_escape(region) + ": the " + html_escape(plan.period.name) +
      " run</h1><p>" + std::to_string(plan.deliveries.size()) + (plan.deliveries.size() == 1 ? " file" : " files") +
      " planned, " + std::to_string(to_channels) + " to channels and " +
      std::to_string(plan.deliveries.size() - to_channels) +
      " by DM. Nothing was sent: this is what would be.</p></header>\n<main><nav aria-label=\"Contents\">";
  if (!channels.empty()) {
    page += "<h2><a href=\"#channels\">To channels</a></h2><ol>";
    for (const auto& c : channels) {
      size_t top = 0;
      for (const auto& m : c.messages) top += !m.reply;
      page += "<li><a href=\"#" + html_escape(channel_anchor(c.id)) + "\">" + html_escape(name(c.id)) + "</a> (" +
              std::to_string(top) + (top == 1 ? " message" : " messages") + ")</li>";
    }
    page += "</ol>";
  }
  if (!dms.empty()) {
    page += "<h2><a href=\"#dms\">By DM</a></h2><ol>";
    for (const auto& g : dms)
      page += "<li><a href=\"#" + anchor("dms", g.kind) + "\">" + html_escape(report_title(g.kind)) + "</a> (" +
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
  if (!channels.empty()) page += "\n<h2 class=\"part\" id=\"channels\">To channels</h2>";
  for (const auto& c : channels) {
    page += "\n<section id=\"" + html_escape(channel_anchor(c.id)) + "\"><h3>" + html_escape(name(c.id)) + "</h3>";
    auto message = [&](const Message& m) {
      std::string out = "\n<article class=\"post\"><div class=\"message\">" +
                        slack_to_html(plan.deliveries[m.files.front()].text(), plan.names) +
                        "</div><div class=\"cards\">";
      for (size_t i : m.files) out += figure(i, false);
      return out + "</div></article>";
    };
    for (const auto& m : c.messages) {
      if (m.reply) continue;
      page += message(m);
      if (m.replies.empty()) continue;
      page += "<div class=\"thread\"><p class=\"replies\">" + std::to_string(m.replies.size()) +
              (m.replies.size() == 1 ? " reply" : " replies") + " in its thread</p>";
      for (size_t r : m.replies) page += message(c.messages[r]);
      page += "</div>";
    }
    page += "</section>";
  }
  if (!dms.empty()) page += "\n<h2 class=\"part\" id=\"dms\">By DM</h2>";
  for (const auto& g : dms) {
    page += "\n<section id=\"" + anchor("dms", g.kind) + "\"><h3>" + html_escape(report_title(g.kind)) +
            "</h3><div class=\"cards\">";
    for (size_t i : g.items) page += figure(i, true);
    page += "</div></section>";
  }
  page += "\n</div></main></body></html>\n";
  return page;
}

}  // namespace paxstats::reports::detail
