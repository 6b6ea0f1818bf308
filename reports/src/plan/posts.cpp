#include "posts.hpp"

#include <map>
#include <regex>
#include <vector>

#include "paxstats/calendar.hpp"
#include "paxstats/slack/text.hpp"
#include "templates.hpp"
#include "words.hpp"

namespace paxstats::reports::detail {

namespace {

const std::regex& mention_re() {
  static const std::regex re(R"(<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>)");
  return re;
}

enum class Part { charts, awards, milestones, own };  // which post of a channel a file goes in

Part part_of(const PlannedDelivery& d) {
  if (d.report.starts_with("kotter")) return Part::own;
  if (d.report.starts_with("awards.milestone")) return Part::milestones;
  if (d.report.starts_with("awards")) return Part::awards;
  return Part::charts;
}

}  // namespace

// Past the budget, a mention becomes the person's name in plain text.
std::string spend_mentions(const std::string& text, int& left, const std::map<std::string, std::string>& names) {
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), mention_re()), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    last = (*it)[0].second;
    if (left > 0) {
      --left;
      out += it->str();
      continue;
    }
    auto name = names.find((*it)[1]);
    out += slack::escape_text(name != names.end() ? name->second : std::string((*it)[1]));
  }
  out.append(last, text.cend());
  return out;
}

int count_mentions(const std::string& text) {
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), mention_re()), std::sregex_iterator()));
}

void compose_posts(MonthlyPlan& plan, const db::Region& region) {
  // Each channel's deliveries, in plan order, by part.
  std::vector<std::string> channels;
  std::map<std::string, std::map<Part, std::vector<size_t>>> parts;
  std::vector<std::string> dm_users;
  std::map<std::string, std::vector<size_t>> lists_by_dm;  // a Kotter list's pages, by DM
  for (size_t i = 0; i < plan.deliveries.size(); ++i) {
    const auto& d = plan.deliveries[i];
    if (d.to_user) {
      if (part_of(d) != Part::own) continue;
      if (!lists_by_dm.count(d.recipient)) dm_users.push_back(d.recipient);
      lists_by_dm[d.recipient].push_back(i);
      continue;
    }
    if (!parts.count(d.recipient)) channels.push_back(d.recipient);
    parts[d.recipient][part_of(d)].push_back(i);
  }
  // A list of several pages (Kotter) goes as one message of its pages, its text the first page's;
  // pages past ten reply in its thread, each reply's text its first page's title.
  auto list_post = [&](const std::vector<size_t>& files, std::vector<size_t>& order) {
    std::string first;
    for (size_t at = 0; at < files.size(); at += kFilesPerMessage) {
      const std::string key = "list-" + std::to_string(at / kFilesPerMessage + 1);
      for (size_t k = at; k < std::min(files.size(), at + kFilesPerMessage); ++k) {
        auto& d = plan.deliveries[files[k]];
        d.post = key;
        d.thread_of = first;
      }
      if (first.empty()) first = key;
      plan.deliveries[files[at]].message = plan.deliveries[files[at]].comment;
      order.push_back(files[at]);
    }
  };
  std::vector<size_t> dm_order;  // DMs do not count against the budget
  for (const auto& user : dm_users) list_post(lists_by_dm[user], dm_order);
  const std::string charts_header = template_text(region.templates_dir, "channel_post");
  const std::string milestones_header = template_text(region.templates_dir, "milestones_post");
  std::vector<size_t> order;  // the first file of each post, in the order the posts go out
  for (const auto& channel : channels) {
    auto& by = parts[channel];
    std::string first;  // the channel's first post: the others are replies in its thread
    int n = 0;
    // header: the template that opens the message (its lines follow), or none.
    auto post = [&](const std::vector<size_t>& files, const std::string* header) {
      const bool headed = header == &charts_header;  // each chart's text a bullet
      for (size_t at = 0; at < files.size(); at += kFilesPerMessage) {
        const std::string key = "post-" + std::to_string(++n);
        std::string text;
        const size_t end = std::min(files.size(), at + kFilesPerMessage);
        if (header) {
          kainjow::mustache::data d;
          d.set("region", plan.region_name);
          auto name = plan.names.find(channel);
          d.set("where",
                channel == region.firstf_channel || name == plan.names.end() ? plan.region_name : name->second);
          d.set("month_name", calendar::month_name(plan.period.month()));
          d.set("charts", plural(static_cast<long>(end - at), "chart", "charts"));
          text = render_template(*header, d);
        }
        for (size_t k = at; k < end; ++k) {
          auto& d = plan.deliveries[files[k]];
          if (!d.comment.empty()) text += (text.empty() ? "" : headed ? "\n• " : "\n") + d.comment;
          d.post = key;
          d.thread_of = first.empty() || first == key ? "" : first;
          if (first.empty()) first = key;
        }
        // Under Slack's 4,000 characters, cut at a line: the charts hold the rest.
        if (text.size() > 3900) text = text.substr(0, text.rfind('\n', 3800)) + "\n…";
        plan.deliveries[files[at]].message = std::move(text);
        order.push_back(files[at]);
      }
    };
    post(by[Part::charts], &charts_header);
    post(by[Part::awards], nullptr);
    post(by[Part::milestones], &milestones_header);
    list_post(by[Part::own], order);
  }
  int left = region.mention_budget;
  for (size_t i : order) {
    auto& d = plan.deliveries[i];
    (d.post.empty() ? d.comment : d.message) = spend_mentions(d.text(), left, plan.names);
  }
}

}  // namespace paxstats::reports::detail
