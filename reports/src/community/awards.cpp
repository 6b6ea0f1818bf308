// The community awards ceremony: one card per award of the period (setting community_awards),
// ties sharing a card, to the community channel.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/engagement.hpp"
#include "paxstats/slack/text.hpp"
#include "plan/words.hpp"
#include "run.hpp"

namespace paxstats::reports::detail::community_awards {
namespace dbc = db::community;
namespace {

struct Award {
  std::string key, title, emblem, unit;
};

const std::vector<Award>& awards() {
  static const std::vector<Award> list = {
      {"most_messages", "Most messages", "trophy", "messages"},
      {"most_threads", "Conversation starter", "star", "threads started"},
      {"most_replies", "Most helpful replies", "medal", "replies to others"},
      {"most_reactions", "Crowd favourite", "flame", "reactions received"},
      {"fastest_helper", "Fastest helper", "flame", ""},
      {"most_consistent", "Most consistent", "medal", "active weeks"},
      {"rising_star", "Rising star", "star", "messages"},
  };
  return list;
}

struct Entry {
  std::string user_id, name;
  double value = 0;  // higher wins, except the fastest helper's time
};

std::string figure(double v, const std::string& unit) {
  const long n = std::lround(v);
  return std::to_string(n) + " " + unit;
}

std::string duration(double seconds) {
  if (seconds < 90) return std::to_string(std::lround(seconds)) + " seconds";
  if (seconds < 5400) return std::to_string(std::lround(seconds / 60)) + " minutes";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f hours", seconds / 3600);
  return buf;
}

// The reads the awards need besides the people's parts.
auto reads(CommunityRun& run) {
  const std::string slug = run.region.slug, tz = run.region.tz;
  const dbc::Window w = run.window;
  const int min_replies = run.region.helper_min_replies;
  struct {
    std::shared_future<std::vector<std::string>> newcomers;
    std::shared_future<std::vector<dbc::Helper>> helpers;
  } r;
  r.newcomers = run.later("newcomers", [=](db::Database& d) { return dbc::newcomers(d, slug, tz, w); });
  r.helpers =
      run.later("fastest_helpers", [=](db::Database& d) { return dbc::fastest_helpers(d, slug, tz, w, min_replies); });
  return r;
}

}  // namespace

void prefetch(CommunityRun& run) { reads(run); }

void plan(CommunityRun& run) {
  const auto& chosen = run.region.community_awards;
  auto wanted = [&](const std::string& k) {
    return chosen.empty() || std::find(chosen.begin(), chosen.end(), k) != chosen.end();
  };
  const auto& activity = run.activity();
  const auto& parts = run.parts();
  std::map<std::string, std::int64_t> replies_to_others;
  for (const auto& p : parts) replies_to_others[p.user_id] = p.replies_to_others;
  std::set<std::string> newcomers;
  const auto rows = reads(run);
  for (const auto& id : rows.newcomers.get()) newcomers.insert(id);

  // The cards, sent once all are known: the first one's message also says which awards were not
  // given and why (one line each).
  struct Card {
    std::string report, file, title;
    kainjow::mustache::data words;
    render::Chart chart;
  };
  std::vector<Card> cards;
  std::vector<std::string> withheld;  // the lines of the awards not given
  const int max_winners = run.region.award_max_winners;

  for (const auto& a : awards()) {
    if (!wanted(a.key)) continue;
    std::vector<Entry> entries;
    bool lower_wins = false;
    std::string rule;
    if (a.key == "fastest_helper") {
      lower_wins = true;
      for (const auto& h : rows.helpers.get()) entries.push_back({h.user_id, h.user_name, h.median_s});
      rule = "median time to a first reply on others' threads, at least " +
             plural(run.region.helper_min_replies, "thread", "threads") + " answered";
    } else {
      for (const auto& m : activity) {
        double v = 0;
        if (a.key == "most_messages")
          v = static_cast<double>(m.messages);
        else if (a.key == "most_threads")
          v = static_cast<double>(m.threads_started);
        else if (a.key == "most_replies")
          v = static_cast<double>(replies_to_others[m.user_id]);
        else if (a.key == "most_reactions")
          v = static_cast<double>(m.reactions_received);
        else if (a.key == "most_consistent")
          v = static_cast<double>(m.active_weeks);
        else if (a.key == "rising_star")
          v = newcomers.count(m.user_id) ? static_cast<double>(m.messages) : 0;
        if (v > 0) entries.push_back({m.user_id, m.user_name, v});
      }
      if (a.key == "rising_star") rule = "most messages from a member who joined in " + run.period.title();
    }
    if (entries.empty()) {
      run.note("awards: no one for " + a.title + " in " + run.period.title());
      continue;
    }
    const double best = lower_wins
                            ? std::min_element(entries.begin(), entries.end(),
                                               [](const Entry& x, const Entry& y) { return x.value < y.value; })
                                  ->value
                            : std::max_element(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
                                return x.value < y.value;
                              })->value;
    std::vector<std::string> names, mentions;
    for (const auto& e : entries)
      if (e.value == best) {
        names.push_back(run.label(e.user_id, e.name));
        mentions.push_back("<@" + e.user_id + ">");
      }
    const std::string fig = a.key == "fastest_helper" ? duration(best) + " to answer" : figure(best, a.unit);
    // Ties share the award, every winner named; an award more people share than award_max_winners
    // honours nobody in particular, and is not given.
    if (static_cast<int>(names.size()) > max_winners) {
      const std::string why = not_given(a.title, run.period.title(), names.size(), "members", fig, max_winners);
      withheld.push_back(why);
      run.note("awards: " + why);
      continue;
    }
    auto c = run.chart(render::Kind::award, a.title);
    c.award = a.title;
    c.width = 720;
    c.height = 300;
    render::set_award_names(c, names);  // every name, taller when many
    c.figure = fig + (rule.empty() ? "" : " (" + rule + ")");
    c.period = run.region.name + " · " + run.period.title();
    c.emblem = a.emblem;
    kainjow::mustache::data d;
    d.set("award", a.title);
    d.set("winners", join_names(mentions, mentions.size()));
    d.set("figure", fig);
    cards.push_back({"community_awards." + a.key, "award-" + a.key + "-" + run.period.name + ".png",
                     a.title + ", " + run.period.title(), std::move(d), std::move(c)});
  }
  for (size_t i = 0; i < cards.size(); ++i) {
    std::string comment = run.fill("community_award", cards[i].words);
    if (i == 0)
      for (const auto& line : withheld) comment += "\n" + line;
    run.deliver(cards[i].report, cards[i].file, cards[i].title, comment, std::move(cards[i].chart));
  }
}

}  // namespace paxstats::reports::detail::community_awards
