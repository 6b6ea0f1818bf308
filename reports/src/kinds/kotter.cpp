// Kotter, as PAX Vault (F3 Nation's dashboard) classes it: PAX gone quiet, in four classes
// (new PAX drop, veteran drift, seasonal, soft drift), each with where and when they were last
// seen and their three "besties" (who they posted with most: who to ask to reach out); then the
// regulars who have never led. To each site Q (the PAX last seen at their AOs, the regulars by
// the AO of most posts) and the whole list to the kotter channel.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "paxstats/csv.hpp"
#include "plan/context.hpp"
#include "paxstats/slack/text.hpp"
#include "plan/words.hpp"
#include <date/date.h>

namespace paxstats::reports::kinds::kotter {

using namespace detail;

namespace {

constexpr const char* kNewDrop = "New PAX drop";
constexpr const char* kVeteran = "Veteran drift";
constexpr const char* kSeasonal = "Seasonal";
constexpr const char* kSoft = "Soft drift";
constexpr const char* kNeverLed = "Regulars who have never Q'd";

std::string section_hint(const Context& cx, const std::string& section) {
  const auto& k = cx.region.kotter;
  if (section == kNewDrop)
    return "new this season (" + std::to_string(k.new_max_posts) + " posts or fewer), not seen for " +
           std::to_string(k.min_days) + "+ days: a call now keeps them";
  if (section == kVeteran)
    return std::to_string(k.veteran_min_posts) + "+ posts, " + std::to_string(k.veteran_per_month) +
           "+ a month, quiet " + std::to_string(k.veteran_quiet_days) + "+ days";
  if (section == kSeasonal)
    return "come and go with the seasons: " + std::to_string(k.seasonal_min_posts) + "+ posts, quiet " +
           std::to_string(k.seasonal_quiet_days) + "–" + std::to_string(k.seasonal_max_days) + " days";
  if (section == kSoft)
    return std::to_string(k.soft_min_posts) + "–" + std::to_string(k.soft_max_posts) + " posts, quiet " +
           std::to_string(k.soft_quiet_days) + "–" + std::to_string(k.soft_max_days) + " days";
  return std::to_string(cx.region.kotter_min_posts) + "+ posts in the last " +
         std::to_string(cx.region.kotter_window_weeks + cx.region.kotter_quiet_weeks) + " weeks: ask them to lead one";
}

std::string fixed1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// Every name, in full: "A, B and C".
std::string join_all(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

// The list as a spreadsheet reads it: a row a person, every bestie named.
std::string list_csv(const FullList& list) {
  std::string out;
  auto row = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      append_csv_field(out, fields[i]);
    }
    out += "\r\n";
  };
  std::vector<std::string> head = {"Class", "PAX", "Slack user id"};
  head.insert(head.end(), list.columns.begin(), list.columns.end());
  row(head);
  for (const auto& r : list.rows) {
    std::vector<std::string> fields = {r.section, r.name, r.user_id};
    fields.insert(fields.end(), r.values.begin(), r.values.end());
    row(fields);
  }
  return out;
}

}  // namespace

void plan(Context& cx) {
  const auto& k = cx.region.kotter;
  const auto as_of = cx.period.last;
  struct Person {
    std::string section, person, user_id, name, route_ao, last_ao_name, last_post;
    int posts = 0, days = 0, led = 0;
    double per_month = 0;
    std::vector<rq::Bestie> besties;
  };
  std::vector<Person> people;
  std::set<std::string> listed;
  const int reach = std::max({k.max_days, k.seasonal_max_days, k.soft_max_days});
  for (auto& r : cx.read.drift_candidates(cx.period.last, k.min_days, reach)) {
    if (!r.user_id.empty() && cx.gone.count(r.user_id)) continue;  // deactivated: nobody to reach
    const int days = static_cast<int>((as_of - calendar::parse_day(r.last_post)).count());
    const int age = static_cast<int>((as_of - calendar::parse_day(r.first_post)).count());
    const double per_month = r.posts / std::max(1.0, age / 30.4375);
    std::string section;
    if (r.posts <= k.new_max_posts && days <= k.max_days && age <= k.new_first_days)
      section = kNewDrop;
    else if (r.posts >= k.veteran_min_posts && per_month >= k.veteran_per_month && days >= k.veteran_quiet_days &&
             days <= k.max_days)
      section = kVeteran;
    else if (r.posts >= k.seasonal_min_posts && per_month >= k.seasonal_per_month &&
             r.recent_posts <= k.seasonal_recent_posts && days >= k.seasonal_quiet_days &&
             days <= k.seasonal_max_days && r.aos <= k.seasonal_max_aos)
      section = kSeasonal;
    else if (r.posts >= k.soft_min_posts && r.posts <= k.soft_max_posts && days >= k.soft_quiet_days &&
             days <= k.soft_max_days)
      section = kSoft;
    else
      continue;
    listed.insert(r.person);
    people.push_back({section, r.person, r.user_id, cx.label(r.person, r.name), r.last_ao, r.last_ao_name, r.last_post,
                      r.posts, days, r.led_ever, per_month, std::move(r.besties)});
  }
  // The regulars who have never led (posting now, or gone quiet and listed above already).
  for (auto& r : cx.read.kotter_candidates(cx.period.last, cx.region.kotter_min_posts, cx.region.kotter_window_weeks,
                                           cx.region.kotter_quiet_weeks)) {
    if ((!r.user_id.empty() && cx.gone.count(r.user_id)) || r.led_ever > 0 || listed.count(r.person)) continue;
    Person p{kNeverLed,
             r.person,
             r.user_id,
             cx.label(r.person, r.name),
             r.home_ao,
             cx.ao_names().count(r.home_ao) ? cx.ao_name(r.home_ao) : "",
             r.last_post,
             r.window_posts + r.quiet_posts,
             static_cast<int>((as_of - calendar::parse_day(r.last_post)).count()),
             0,
             0,
             {}};
    people.push_back(std::move(p));
  }
  std::vector<std::pair<std::string, std::string>> site_qs = cx.read.site_qs();
  if (!cx.region.kotter_channel && site_qs.empty() && !cx.for_page) {
    cx.note("kotter: no site Qs (paxstats region site-q " + cx.region.slug +
            " CHANNEL USER) and no kotter_channel: nobody to send it to");
    return;
  }
  if (people.empty()) {
    cx.note("kotter: nobody has drifted, and every regular has led");
    return;
  }
  const std::vector<std::string> order = {kNewDrop, kVeteran, kSeasonal, kSoft, kNeverLed};
  std::stable_sort(people.begin(), people.end(), [&](const Person& a, const Person& b) {
    const auto ia = std::find(order.begin(), order.end(), a.section),
               ib = std::find(order.begin(), order.end(), b.section);
    // What a site Q acts on first: the most recently seen (the easiest to bring back), then the
    // most posts.
    return std::tie(ia, a.days, b.posts, a.name) < std::tie(ib, b.days, a.posts, b.name);
  });
  auto send = [&](const std::string& report, const std::string& recipient, bool to_user, const std::string& where,
                  const std::vector<const Person*>& list) {
    kainjow::mustache::data sections{kainjow::mustache::data::type::list};
    std::string current;
    kainjow::mustache::data entries{kainjow::mustache::data::type::list};
    // The message names the first of each section (the chart has everyone): 18 lines shared
    // by the sections fit Slack's length, and one long section cannot crowd out the others.
    std::map<std::string, int> titles;  // section → people in it
    for (const auto* p : list) ++titles[p->section];
    // Everyone listed is in the charts, in pages a Slack image can show.
    constexpr size_t kRowsPerPage = 40;
    std::vector<render::Chart> pages;
    auto page = [&]() -> render::Chart& {
      if (pages.empty() || pages.back().rows.size() >= kRowsPerPage) {
        auto c = cx.chart(render::Kind::table, "Kotter — " + where,
                          "As of " + date::format("%b %d, %Y", as_of) +
                              ": PAX who have drifted, by PAX Vault's classes; in each, the most recently seen first");
        c.columns = {"Posts", "Per month", "Days quiet"};
        c.text_columns = {"Last seen", "Besties"};
        c.width = 1100;  // the besties in full
        // A class that goes on from the page before says so.
        if (!current.empty() && !pages.empty()) {
          c.rows.emplace_back(current + " · " + std::to_string(titles[current]) + " (continued)",
                              std::vector<double>{});
          c.row_texts.emplace_back();
        }
        pages.push_back(std::move(c));
      }
      return pages.back();
    };
    const int kPerSection = std::max(2, 18 / static_cast<int>(std::max<size_t>(titles.size(), 1)));
    int in_section = 0;
    FullList everyone;
    everyone.columns = {"Posts", "Per month", "Days quiet", "Last seen", "Besties"};
    auto close_section = [&] {
      if (current.empty()) return;
      kainjow::mustache::data sec;
      sec.set("title", current);
      sec.set("hint", section_hint(cx, current));
      sec.set("people", entries);
      if (in_section > kPerSection) sec.set("more", std::to_string(in_section - kPerSection));
      sections.push_back(sec);
      entries = kainjow::mustache::data{kainjow::mustache::data::type::list};
      in_section = 0;
    };
    for (const auto* p : list) {
      if (p->section != current) {
        close_section();
        current = p->section;
        auto& c = page();
        c.rows.emplace_back(current + " · " + std::to_string(titles[current]),
                            std::vector<double>{});  // a section heading
        c.row_texts.emplace_back();
      }
      const std::string seen = (p->last_ao_name.empty() ? "" : p->last_ao_name + ", ") +
                               date::format("%b %d", calendar::parse_day(p->last_post));
      std::vector<std::string> bestie_names, bestie_mentions;
      for (const auto& b : p->besties) {
        bestie_names.push_back(cx.label(b.person, b.name));
        bestie_mentions.push_back(mention(b.user_id, b.name));
      }
      ++in_section;
      everyone.rows.push_back(
          {p->section,
           p->person,
           p->user_id,
           p->name,
           {std::to_string(p->posts), p->section == kNeverLed ? "" : fixed1(std::round(p->per_month * 10) / 10),
            std::to_string(p->days), seen, join_all(bestie_names)}});
      {
        auto& c = page();
        const double per_month = p->section == kNeverLed ? NAN : std::round(p->per_month * 10) / 10;
        c.rows.emplace_back(p->name, std::vector<double>{double(p->posts), per_month, double(p->days)});
        c.row_texts.push_back({seen, join_all(bestie_names)});
      }
      if (in_section > kPerSection) continue;  // in the chart only
      kainjow::mustache::data item;
      item.set("who", mention(p->user_id, p->name));
      item.set("posts", std::to_string(p->posts));
      item.set("posts_text", plural(p->posts, "post", "posts"));
      item.set("last_post", date::format("%b %d", calendar::parse_day(p->last_post)));
      if (!p->last_ao_name.empty()) item.set("last_ao", p->last_ao_name);
      item.set("days", plural(p->days, "day", "days"));
      if (!bestie_mentions.empty()) item.set("besties", join_names(bestie_mentions, 3));
      entries.push_back(item);
    }
    close_section();
    auto d = cx.base();
    if (to_user) d.set("site_q", "<@" + recipient + ">");
    d.set("where", where);
    d.set("as_of", date::format("%b %d, %Y", as_of));
    d.set("sections", sections);
    // Everyone in full: the chart pages, a CSV in the same message, and the dashboard's page.
    const bool csv = !cx.for_page;
    const std::string charts =
        pages.size() > 1 ? "the " + std::to_string(pages.size()) + " charts" : std::string("the chart");
    d.set("charts", csv ? charts + " and the CSV" : charts);
    if (!cx.dashboard.empty()) d.set("kotter_url", cx.dashboard + "/kotter");
    const std::string text = cx.fill("kotter", d);
    const std::string csv_bytes = csv ? list_csv(everyone) : std::string();
    // The CSV goes in the list's first message (ten files a message): after the ninth page at most.
    const size_t csv_after = std::min<size_t>(pages.size(), 9);
    for (size_t n = 0; n < pages.size(); ++n) {
      auto& c = pages[n];
      fit_rows(c);
      const std::string part =
          pages.size() > 1 ? " (" + std::to_string(n + 1) + " of " + std::to_string(pages.size()) + ")" : "";
      c.title += part;
      const std::string suffix = n ? "-" + std::to_string(n + 1) : "";
      cx.deliver(report + (n ? "." + std::to_string(n + 1) : ""), recipient, to_user,
                 "kotter-" + file_safe(recipient) + suffix + ".png", "Kotter — " + where + part,
                 n ? "Kotter — " + slack::escape_text(where) + part : text, std::move(c), n ? FullList{} : everyone);
      if (csv && n + 1 == csv_after)
        cx.attach(report + ".csv", recipient, to_user, "kotter-" + file_safe(recipient) + ".csv",
                  "Kotter — " + where + ": everyone listed (CSV)", csv_bytes);
    }
  };
  if (cx.region.kotter_channel || cx.for_page) {
    std::vector<const Person*> all;
    for (const auto& p : people) all.push_back(&p);
    send("kotter.region", cx.region.kotter_channel.value_or(""), false, cx.region.name, all);
    if (cx.for_page) return;  // a page shows the region's list once
  }
  std::map<std::string, std::vector<std::string>> aos_of;  // site Q → their AOs
  for (const auto& [ao, user] : site_qs) aos_of[user].push_back(ao);
  for (const auto& [user, aos] : aos_of) {
    std::vector<const Person*> theirs;
    std::vector<std::string> names;
    for (const auto& ao : aos) names.push_back(cx.ao_name(ao));
    for (const auto& p : people)
      if (std::find(aos.begin(), aos.end(), p.route_ao) != aos.end()) theirs.push_back(&p);
    if (!theirs.empty()) send("kotter.site_q", user, true, join_names(names, 10), theirs);
  }
}

}  // namespace paxstats::reports::kinds::kotter
