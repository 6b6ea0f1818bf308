#pragma once
// Internal to the generator: the simulation of a fictional F3 region, day by day. Its larger
// steps are in world.cpp, backblast_post.cpp and metadata.cpp.
#include "paxstats/mining/generator.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "export_writer.hpp"
#include "model.hpp"
#include "names.hpp"
#include "ids.hpp"
#include "paxstats/error.hpp"

namespace paxstats::mining::gen {

inline std::string uuid(Rng& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += hex[rng.below(16)];
  }
  return s;
}

inline std::string handle_of(const std::string& display, int n) {
  std::string h;
  for (unsigned char c : display) {
    if (std::isalnum(c))
      h += static_cast<char>(std::tolower(c));
    else if (!h.empty() && h.back() != '.')
      h += '.';
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  return (h.empty() ? "pax" : h) + std::to_string(n);
}

inline std::string slug_of(const std::string& place) {
  std::string s;
  for (unsigned char c : place) {
    if (std::isalnum(c))
      s += static_cast<char>(std::tolower(c));
    else if (!s.empty() && s.back() != '-')
      s += '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

inline Day parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      !date::year_month_day{date::year{y}, date::month{m}, date::day{d}}.ok())
    throw UserError("--end must be a date like 2026-10-31, not \"" + text + "\"");
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

struct Channel {
  std::string id, name;
  bool is_general = false, is_private = false, archived = false;
  Day created{};
};

class Simulation {
 public:
  Simulation(const GeneratorOptions& o, const std::filesystem::path& dir)
      : opt_(o), rng_(o.seed), ids_(rng_.fork(1)), out_(dir), zone_(date::locate_zone(o.tz)) {
    end_ = parse_day(o.end);
    const auto ym = date::year_month_day{end_}.year() / date::year_month_day{end_}.month();
    const int months = o.months > 0 ? o.months : 12 * o.years;
    start_ = date::sys_days{(ym - date::months{months - 1}) / 1};
  }

  GeneratorSummary run() {
    build_world();
    for (Day d = start_; d <= end_; d += date::days{1}) {
      simulate_day(d);
      out_.flush_before(d - date::days{3});
    }
    out_.flush_all();
    GeneratorSummary s;
    s.beatdowns = static_cast<int>(truth_.size());
    s.not_beatdowns = static_cast<int>(not_beatdowns_.size());
    write_metadata();
    s.users = static_cast<int>(world_.users.size());
    s.channels = static_cast<int>(channels_.size());
    s.messages = out_.messages();
    s.first_date = date::format("%F", start_);
    s.last_date = date::format("%F", end_);
    return s;
  }

 private:
  // ---------------------------------------------------------------- the world
  void build_world();

  // A name no one in the region has yet: the bank first (shuffled), then built ones.
  std::string next_name() {
    while (!name_bank_.empty()) {
      std::string n = name_bank_.back();
      name_bank_.pop_back();
      if (names_taken_.insert(n).second) return n;
    }
    for (;;) {
      std::string n = name_rng_.pick(kFirstParts) + " " + name_rng_.pick(kSecondParts);
      if (names_taken_.insert(n).second) return n;
      n += " " + std::to_string(name_rng_.between(2, 99));
      if (names_taken_.insert(n).second) return n;
    }
  }

  bool attends_today(const User& u, Day d) const { return !u.is_bot && d >= u.join && d <= u.leave; }

  // ---------------------------------------------------------------- one day
  void simulate_day(Day d) {
    Rng r = rng_.fork(static_cast<uint64_t>(d.time_since_epoch().count()) + 1000);
    const int wd = static_cast<int>(date::weekday{d}.c_encoding());
    std::vector<size_t> order(world_.aos.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    r.shuffle(order);
    std::vector<bool> busy(world_.users.size(), false), outsider_busy(outsiders_.size(), false);
    for (size_t a : order) {
      const Ao& ao = world_.aos[a];
      if (!ao.days[wd] || d < ao.start || d > ao.end) continue;
      if (r.chance(0.03)) continue;  // weather, holiday: no beatdown
      auto plan = plan_beatdown(static_cast<int>(a), d, r, busy, outsider_busy);
      if (!plan || r.chance(0.02)) continue;  // no one to lead; or it happened but nobody posted
      post_backblast(*plan, r);
    }
    chatter(d, r);
  }

  std::optional<Plan> plan_beatdown(int a, Day d, Rng& r, std::vector<bool>& busy, std::vector<bool>& outsider_busy) {
    std::vector<Person> people;
    for (size_t i = 0; i < world_.users.size(); ++i) {
      User& u = world_.users[i];
      if (busy[i] || !attends_today(u, d)) continue;
      double p = u.home_ao == a ? u.p_home : u.p_visit;
      if (u.habit == Habit::fng && !u.fng_done) p = u.home_ao == a ? 0.35 : 0.0;
      if (!r.chance(p)) continue;
      busy[i] = true;
      Person p2{static_cast<int>(i), u.display, u.habit == Habit::fng && !u.fng_done, u.safe_name};
      if (p2.fng) u.fng_done = true;
      people.push_back(p2);
    }
    // At least three Slack members show up (the Q and two).
    for (int tries = 0;
         tries < 200 && std::count_if(people.begin(), people.end(), [](auto& p) { return p.user >= 0 && !p.fng; }) < 3;
         ++tries) {
      size_t i = r.below(world_.users.size());
      User& u = world_.users[i];
      if (busy[i] || !attends_today(u, d) || (u.habit == Habit::fng && !u.fng_done)) continue;
      busy[i] = true;
      people.push_back({static_cast<int>(i), u.display, false, u.safe_name});
    }
    for (size_t k = 0; k < outsiders_.size(); ++k) {
      if (outsider_busy[k] || outsiders_[k].home_ao != a || !r.chance(outsiders_[k].p)) continue;
      outsider_busy[k] = true;
      people.push_back({-1, outsiders_[k].name, false, true});
    }
    // Most FNGs come once, never join Slack, and are known only by the name the PAX gave them.
    if (r.chance(0.06)) people.push_back({-1, next_name(), true, true});
    r.shuffle(people);

    // The Q: usually whoever has gone longest without leading here (rotation), sometimes anyone.
    std::vector<size_t> candidates;
    for (size_t k = 0; k < people.size(); ++k)
      if (people[k].user >= 0 && !people[k].fng) candidates.push_back(k);
    if (candidates.empty()) return std::nullopt;
    size_t qk = candidates.front();
    const int today = static_cast<int>(d.time_since_epoch().count());
    if (r.chance(0.75)) {
      for (size_t k : candidates)
        if (last_q_[a][people[k].user] < last_q_[a][people[qk].user]) qk = k;
    } else {
      qk = candidates[r.below(candidates.size())];
    }
    Plan plan;
    plan.ao = a;
    plan.day = d;
    plan.q = people[qk];
    last_q_[a][plan.q.user] = today;
    std::vector<Person> rest;
    for (size_t k = 0; k < people.size(); ++k)
      if (k != qk) rest.push_back(people[k]);
    if (r.chance(0.12)) {
      for (size_t k = 0; k < rest.size(); ++k)
        if (rest[k].user >= 0 && !rest[k].fng) {
          plan.coqs.push_back(rest[k]);
          last_q_[a][rest[k].user] = today;
          rest.erase(rest.begin() + static_cast<long>(k));
          break;
        }
    }
    plan.pax = rest;
    plan.title = r.pick(kTitles);
    int lines = r.between(2, 4);
    for (int i = 0; i < lines; ++i) plan.moleskin.push_back(escape_text(r.pick(kMoleskin)));
    // Traps a correct parser must not fall into: a later "Q:" line, a mention outside PAX.
    if (r.chance(0.08))
      plan.moleskin.push_back("Q: <@" + world_.users[r.below(static_cast<uint64_t>(opt_.pax))].id +
                              "> has it next week");
    if (r.chance(0.08))
      plan.moleskin.push_back("Shout out to <@" + world_.users[r.below(static_cast<uint64_t>(opt_.pax))].id +
                              "> for the EH");
    return plan;
  }

  // ---------------------------------------------------------------- messages
  std::string make_ts(const std::string& channel_id, date::local_seconds local) {
    const auto sys = zone_->to_sys(local, date::choose::earliest);
    for (;;) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%lld.%06d", static_cast<long long>(sys.time_since_epoch().count()),
                    static_cast<int>(rng_.between(1, 999999)));
      if (ts_used_[channel_id].insert(buf).second) return buf;
    }
  }

  date::local_seconds local_time(Day d, int h0, int h1, Rng& r) {
    const auto secs = r.between(h0 * 3600, h1 * 3600 - 1);
    return date::local_seconds{d.time_since_epoch()} + std::chrono::seconds{secs};
  }

  std::string ts_plus(const std::string& ts, int seconds) {
    long long s = std::stoll(ts.substr(0, ts.find('.'))) + seconds;
    return std::to_string(s) + ts.substr(ts.find('.'));
  }

  json user_message(const User& u, const std::string& text, const std::string& ts, Rng& r) {
    json m;
    m["client_msg_id"] = uuid(r);
    m["type"] = "message";
    m["text"] = text;
    m["user"] = u.id;
    m["ts"] = ts;
    m["team"] = team_;
    m["user_team"] = team_;
    m["source_team"] = team_;
    m["user_profile"] = json{{"avatar_hash", "g" + u.id.substr(1, 6)},
                             {"first_name", u.real.substr(0, u.real.find(' '))},
                             {"real_name", u.real},
                             {"display_name", u.display},
                             {"team", team_},
                             {"name", u.handle},
                             {"is_restricted", false},
                             {"is_ultra_restricted", false}};
    return m;
  }

  void post_backblast(Plan& plan, Rng& r);

  void add_replies(json& parent, const std::string& channel_name, const std::string& channel_id, const Plan& plan,
                   Rng& r) {
    const std::string pts = parent["ts"];
    int n = r.between(1, 3);
    json replies = json::array(), users = json::array();
    std::string latest;
    for (int i = 0; i < n; ++i) {
      const User& u = world_.users[r.below(static_cast<uint64_t>(opt_.pax))];
      std::string rts = ts_plus(pts, 600 * (i + 1) + r.between(0, 500));
      if (!ts_used_[channel_id].insert(rts).second) continue;
      std::string text =
          plan.q.user >= 0 ? "Great work <@" + world_.user(plan.q.user).id + ">! :muscle:" : "Great work men! :muscle:";
      if (r.chance(0.1)) text = "Who is Q next week?\nQ: TBD";
      json reply = user_message(u, text, rts, r);
      reply["thread_ts"] = pts;
      reply["parent_user_id"] = parent.contains("user") ? parent["user"] : json("");
      out_.add(channel_name, reply);
      replies.push_back(json{{"user", u.id}, {"ts", rts}});
      users.push_back(u.id);
      latest = rts;
    }
    if (replies.empty()) return;
    parent["thread_ts"] = pts;
    parent["reply_count"] = replies.size();
    parent["reply_users_count"] = users.size();
    parent["latest_reply"] = latest;
    parent["reply_users"] = users;
    parent["replies"] = replies;
  }

  void add_reactions(json& msg, Rng& r) {
    json reactions = json::array();
    int n = r.between(1, 3);
    std::set<std::string> names;
    for (int i = 0; i < n; ++i) {
      const std::string name = r.pick(kEmoji);
      if (!names.insert(name).second) continue;
      json users = json::array();
      std::set<std::string> seen;
      for (int k = r.between(1, 5); k > 0; --k) {
        const std::string id = world_.users[r.below(static_cast<uint64_t>(opt_.pax))].id;
        if (seen.insert(id).second) users.push_back(id);
      }
      reactions.push_back(json{{"name", name}, {"users", users}, {"count", users.size()}});
    }
    msg["reactions"] = reactions;
  }

  void chatter(Day d, Rng& r) {
    // Members joining the workspace say so in #general.
    for (const auto& u : world_.users)
      if (!u.is_bot && u.habit == Habit::fng && u.join == d) {
        const Channel& g = channels_[chatter_[0]];
        json m = {{"type", "message"},
                  {"subtype", "channel_join"},
                  {"ts", make_ts(g.id, local_time(d, 5, 22, r))},
                  {"user", u.id},
                  {"text", "<@" + u.id + "> has joined the channel"}};
        out_.add(g.name, m);
      }
    const double expected = opt_.pax * opt_.chatter_per_pax_day;
    int n = static_cast<int>(expected) + (r.chance(expected - static_cast<int>(expected)) ? 1 : 0);
    for (int i = 0; i < n; ++i) {
      const User& u = world_.users[r.below(static_cast<uint64_t>(opt_.pax))];
      if (!attends_today(u, d)) continue;
      int roll = static_cast<int>(r.below(100));
      const Channel& c = roll < 5 ? channels_[site_qs_] : channels_[chatter_[static_cast<size_t>(roll % 4)]];
      std::string text = r.pick(kChatter);
      if (r.chance(0.02)) {
        // Backblast-looking chatter: a header with no fields is not a beatdown.
        const Ao& ao = world_.aos[r.below(world_.aos.size())];
        if (d >= ao.start && d <= ao.end) {
          json m =
              user_message(u, "Backblast? Anyone? Who had the Q today?", make_ts(ao.id, local_time(d, 9, 20, r)), r);
          not_beatdowns_.push_back(json{{"channel", ao.id}, {"ts", m["ts"]}, {"why", "no fields"}});
          out_.add(ao.channel, m);
          continue;
        }
      }
      json m = user_message(u, text, make_ts(c.id, local_time(d, 5, 22, r)), r);
      if (r.chance(0.1)) add_replies(m, c.name, c.id, Plan{}, r);
      if (r.chance(0.15)) add_reactions(m, r);
      out_.add(c.name, m);
    }
  }

  // ---------------------------------------------------------------- metadata files
  void write_metadata();

  struct Outsider {
    std::string name;
    int home_ao;
    double p;
  };

  GeneratorOptions opt_;
  Rng rng_;
  Ids ids_;
  ExportWriter out_;
  const date::time_zone* zone_;
  Day start_{}, end_{};
  World world_;
  std::vector<Channel> channels_;
  std::vector<size_t> chatter_;
  size_t site_qs_ = 0;
  std::vector<Outsider> outsiders_;
  std::vector<std::string> name_bank_;
  std::set<std::string> names_taken_;
  Rng name_rng_{0x5EED};
  std::string team_, slackblast_bot_, f3nation_bot_;
  std::vector<std::vector<int>> last_q_;
  std::unordered_map<std::string, std::unordered_set<std::string>> ts_used_;
  json truth_ = json::array();
  json not_beatdowns_ = json::array();
};

}  // namespace paxstats::mining::gen
