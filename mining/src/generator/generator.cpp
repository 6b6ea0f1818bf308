// paxstats generate: a fictional F3 region, simulated day by day and written as a Slack export.
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
#include "paxstats/error.hpp"

namespace paxstats::mining {
namespace gen {
namespace {

constexpr const char* kIdChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

class Ids {
 public:
  explicit Ids(Rng rng) : rng_(rng) {}
  std::string make(char prefix, int length = 10) {
    for (;;) {
      std::string id(1, prefix);
      for (int i = 0; i < length; ++i) id += kIdChars[rng_.below(34)];
      if (used_.insert(id).second) return id;
    }
  }

 private:
  Rng rng_;
  std::unordered_set<std::string> used_;
};

std::string uuid(Rng& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += hex[rng.below(16)];
  }
  return s;
}

std::string handle_of(const std::string& display, int n) {
  std::string h;
  for (unsigned char c : display) {
    if (std::isalnum(c)) h += static_cast<char>(std::tolower(c));
    else if (!h.empty() && h.back() != '.') h += '.';
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  return (h.empty() ? "pax" : h) + std::to_string(n);
}

std::string slug_of(const std::string& place) {
  std::string s;
  for (unsigned char c : place) {
    if (std::isalnum(c)) s += static_cast<char>(std::tolower(c));
    else if (!s.empty() && s.back() != '-') s += '-';
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

Day parse_day(const std::string& text) {
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
  void build_world() {
    Rng r = rng_.fork(2);
    team_ = ids_.make('T', 9);
    const int n_aos = opt_.aos > 0 ? opt_.aos : std::max(15, opt_.pax / 12);
    const int span = static_cast<int>((end_ - start_).count());

    // AOs, each with 2-3 weekdays, most from the start, some opened later, one closed.
    for (int i = 0; i < n_aos; ++i) {
      Ao ao;
      ao.place = i < static_cast<int>(kAoPlaces.size()) ? kAoPlaces[static_cast<size_t>(i)]
                                                        : "Site " + std::to_string(i + 1);
      ao.channel = "ao-" + slug_of(ao.place);
      ao.id = ids_.make('C');
      std::vector<int> weekdays = {1, 2, 3, 4, 5};
      r.shuffle(weekdays);
      for (int k = 0; k < r.between(2, 3); ++k) ao.days[weekdays[static_cast<size_t>(k)]] = true;
      if (r.chance(0.4)) ao.days[6] = true;
      ao.start = r.chance(0.8) ? start_ : start_ + date::days{r.between(0, span * 2 / 3)};
      ao.end = end_;
      if (i == 1 && n_aos >= 5) {
        ao.end = start_ + date::days{span * 7 / 10};
        ao.archived = true;
      }
      world_.aos.push_back(ao);
      channels_.push_back({ao.id, ao.channel, false, false, ao.archived, ao.start - date::days{30}});
    }
    for (const char* name : {"general", "random", "1st-f", "prayer-requests"}) {
      Channel c{ids_.make('C'), name, std::string(name) == "general", false, false, start_ - date::days{400}};
      if (c.name == "1st-f") world_.firstf_id = c.id;
      chatter_.push_back(channels_.size());
      channels_.push_back(c);
    }
    site_qs_ = channels_.size();
    channels_.push_back({ids_.make('C'), "site-qs", false, true, false, start_ - date::days{200}});

    // Weekly beatdowns region-wide, to turn "visits a week" into a chance per beatdown.
    double weekly = 0;
    for (const auto& ao : world_.aos)
      weekly += std::count(std::begin(ao.days), std::end(ao.days), true);

    name_bank_ = kSafeNames;
    r.shuffle(name_bank_);
    auto next_safe = [this] { return next_name(); };
    const int hostile = std::min<int>(static_cast<int>(kHostileNames.size()), opt_.pax / 40);
    for (int i = 0; i < opt_.pax; ++i) {
      User u;
      u.id = ids_.make('U');
      if (i < hostile) {
        u.display = kHostileNames[static_cast<size_t>(i)];
        u.safe_name = false;
      } else {
        u.display = next_safe();
        u.safe_name = true;
      }
      u.handle = handle_of(u.display, i + 1);
      u.real = r.pick(kRealFirst) + " " + r.pick(kRealLast);
      u.home_ao = static_cast<int>(r.below(world_.aos.size()));
      u.join = start_ - date::days{365};
      u.leave = end_;
      int kind = static_cast<int>(r.below(100));
      double visits_per_week;
      if (kind < 45) {
        u.habit = Habit::regular;
        u.p_home = 0.65 + 0.3 * (static_cast<double>(r.below(100)) / 100.0);
        visits_per_week = 0.8;
      } else if (kind < 70) {
        u.habit = Habit::occasional;
        u.p_home = 0.2 + 0.2 * (static_cast<double>(r.below(100)) / 100.0);
        visits_per_week = 0.15;
      } else if (kind < 85) {
        u.habit = Habit::dropout;  // a regular who stops coming: the Kotter list's people
        u.p_home = 0.7;
        visits_per_week = 0.3;
        u.leave = start_ + date::days{r.between(span / 4, span - 21)};
        u.deleted = r.chance(0.2);
      } else {
        u.habit = Habit::fng;  // joins during the period; first beatdown as an FNG; stays
        u.p_home = 0.6;
        visits_per_week = 0.3;
        u.join = start_ + date::days{r.between(7, std::max(8, span - 7))};
      }
      u.p_visit = weekly > 0 ? visits_per_week / weekly : 0;
      world_.users.push_back(u);
    }
    // Regulars who are not on Slack: always written as typed names.
    const int outsiders = std::max(3, opt_.pax / 30);
    for (int i = 0; i < outsiders; ++i)
      outsiders_.push_back({next_safe(), static_cast<int>(r.below(world_.aos.size())), 0.3});

    auto add_bot = [&](const std::string& display, const std::string& handle) {
      User b;
      b.id = ids_.make('U');
      b.bot_id = ids_.make('B');
      b.display = display;
      b.handle = handle;
      b.real = display;
      b.is_bot = true;
      b.join = start_;
      b.leave = start_ - date::days{1};  // never attends
      world_.users.push_back(b);
      return b.bot_id;
    };
    slackblast_bot_ = add_bot("Slackblast", "slackblast");
    f3nation_bot_ = add_bot("F3 Nation", "f3nation");
    last_q_.assign(world_.aos.size(), std::vector<int>(world_.users.size(), -100000));
  }

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
    for (int tries = 0; tries < 200 && std::count_if(people.begin(), people.end(), [](auto& p) { return p.user >= 0 && !p.fng; }) < 3; ++tries) {
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
    if (r.chance(0.08)) plan.moleskin.push_back("Q: <@" + world_.users[r.below(static_cast<uint64_t>(opt_.pax))].id + "> has it next week");
    if (r.chance(0.08)) plan.moleskin.push_back("Shout out to <@" + world_.users[r.below(static_cast<uint64_t>(opt_.pax))].id + "> for the EH");
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
    m["user_profile"] = json{{"avatar_hash", "g" + u.id.substr(1, 6)}, {"first_name", u.real.substr(0, u.real.find(' '))},
                             {"real_name", u.real}, {"display_name", u.display}, {"team", team_}, {"name", u.handle},
                             {"is_restricted", false}, {"is_ultra_restricted", false}};
    return m;
  }

  void post_backblast(Plan& plan, Rng& r) {
    const Ao& ao = world_.aos[static_cast<size_t>(plan.ao)];
    Rendered rendered = render_backblast(world_, plan, r, slackblast_bot_, f3nation_bot_);
    const User& q = world_.user(plan.q.user >= 0 ? plan.q.user : 0);
    const std::string channel_name = rendered.in_ao_channel ? ao.channel : "1st-f";
    const std::string channel_id = rendered.in_ao_channel ? ao.id : world_.firstf_id;

    Day post_day = plan.day;
    if (rendered.has_date) {
      if (r.chance(0.10)) post_day += date::days{1};
      else if (r.chance(0.02)) post_day += date::days{2};
    }
    const bool same_day = post_day == plan.day;
    const std::string ts = make_ts(channel_id, local_time(post_day, same_day ? 6 : 7, same_day ? 12 : 21, r));

    // A preblast the day before; sometimes the backblast is posted as a reply in its thread.
    std::optional<json> preblast;
    if (rendered.in_ao_channel && !rendered.by_bot && r.chance(0.06)) {
      const std::string pts = make_ts(channel_id, local_time(plan.day - date::days{1}, 17, 21, r));
      std::string text = "*Preblast: " + plan.title + "*\n*Date*: " + date::format("%F", plan.day) +
                         "\n*Time*: 0530 - 0615\n*Where*: <#" + ao.id + ">\n*Q*: <@" + q.id +
                         ">\n*Why*: Because we need it\n*Coupons*: Yes\n*FNGs*: Always welcome";
      preblast = user_message(q, text, pts, r);
      not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", pts}, {"why", "preblast"}});
    }
    if (r.chance(0.02) && rendered.in_ao_channel) {
      const std::string sts = make_ts(channel_id, local_time(plan.day, 6, 7, r));
      out_.add(channel_name, user_message(q, "Backblast coming soon", sts, r));
      not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", sts}, {"why", "no fields"}});
    }
    // A first attempt deleted after someone replied to it leaves a tombstone behind.
    if (r.chance(0.01) && rendered.in_ao_channel) {
      const std::string tts = ts_plus(ts, -300);
      if (ts_used_[channel_id].insert(tts).second) {
        const User& replier = world_.users[r.below(static_cast<uint64_t>(opt_.pax))];
        const std::string rts = ts_plus(ts, -200);
        ts_used_[channel_id].insert(rts);
        json tomb = {{"type", "message"}, {"subtype", "tombstone"}, {"text", "This message was deleted."},
                     {"user", "USLACKBOT"}, {"hidden", true}, {"ts", tts}, {"thread_ts", tts},
                     {"reply_count", 1}, {"reply_users_count", 1}, {"latest_reply", rts},
                     {"reply_users", json::array({replier.id})}};
        out_.add(channel_name, tomb);
        json reply = user_message(replier, "Looks like this got posted twice, deleting the first one", rts, r);
        reply["thread_ts"] = tts;
        reply["parent_user_id"] = "USLACKBOT";
        out_.add(channel_name, reply);
        not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", tts}, {"why", "deleted"}});
      }
    }

    json msg;
    if (rendered.by_bot) {
      msg["type"] = "message";
      msg["text"] = rendered.text;
      msg["ts"] = ts;
      for (auto& [k, v] : rendered.extra.items()) msg[k] = v;
    } else {
      msg = user_message(q, rendered.text, ts, r);
      for (auto& [k, v] : rendered.extra.items()) msg[k] = v;
      if (r.chance(0.10)) msg["edited"] = json{{"user", q.id}, {"ts", ts_plus(ts, r.between(60, 3600))}};
      if (r.chance(0.08)) {
        const std::string fid = ids_.make('F');
        msg["files"] = json::array({json{{"id", fid}, {"created", std::stoll(ts)}, {"timestamp", std::stoll(ts)},
                                         {"name", "IMG_" + std::to_string(r.between(1000, 9999)) + ".jpg"},
                                         {"title", "COT"}, {"mimetype", "image/jpeg"}, {"filetype", "jpg"},
                                         {"pretty_type", "JPEG"}, {"user", q.id}, {"size", r.between(200000, 4000000)},
                                         {"url_private", "https://files.slack.com/files-pri/" + team_ + "-" + fid + "/img.jpg"}}});
        msg["upload"] = false;
      }
    }
    if (preblast && r.chance(0.5)) {
      // Posted as a reply in the preblast's thread: it counts all the same.
      const std::string pts = (*preblast)["ts"];
      msg["thread_ts"] = pts;
      msg["parent_user_id"] = q.id;
      (*preblast)["thread_ts"] = pts;
      (*preblast)["reply_count"] = 1;
      (*preblast)["reply_users_count"] = 1;
      (*preblast)["latest_reply"] = ts;
      (*preblast)["reply_users"] = json::array({q.id});
      (*preblast)["replies"] = json::array({json{{"user", q.id}, {"ts", ts}}});
      rendered.format += "+thread_reply";
    } else if (r.chance(0.2)) {
      add_replies(msg, channel_name, channel_id, plan, r);
    }
    if (r.chance(0.4)) add_reactions(msg, r);
    if (preblast) out_.add(channel_name, *preblast);
    out_.add(channel_name, msg);

    json t;
    t["channel"] = channel_id;
    t["ts"] = ts;
    for (auto& [k, v] : rendered.truth.items()) t[k] = v;
    t["format"] = rendered.format;
    truth_.push_back(std::move(t));
  }

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
      std::string text = plan.q.user >= 0 ? "Great work <@" + world_.user(plan.q.user).id + ">! :muscle:"
                                          : "Great work men! :muscle:";
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
        json m = {{"type", "message"}, {"subtype", "channel_join"}, {"ts", make_ts(g.id, local_time(d, 5, 22, r))},
                  {"user", u.id}, {"text", "<@" + u.id + "> has joined the channel"}};
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
          json m = user_message(u, "Backblast? Anyone? Who had the Q today?", make_ts(ao.id, local_time(d, 9, 20, r)), r);
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
  void write_metadata() {
    const auto epoch = [](Day d) { return static_cast<long long>(date::sys_seconds{d}.time_since_epoch().count()); };
    const auto info = zone_->get_info(date::sys_seconds{end_});  // offset on the last day, as Slack reports "now"
    json users = json::array();
    for (const auto& u : world_.users) {
      json p;
      p["title"] = "";
      p["phone"] = "";
      p["real_name"] = u.real;
      p["real_name_normalized"] = u.real;
      p["display_name"] = u.display;
      p["display_name_normalized"] = u.display;
      p["status_text"] = "";
      p["status_emoji"] = "";
      p["avatar_hash"] = "g" + u.id.substr(1, 6);
      if (!u.is_bot) p["email"] = u.handle + "@example.org";
      if (u.is_bot) p["bot_id"] = u.bot_id;
      p["first_name"] = u.real.substr(0, u.real.find(' '));
      p["team"] = team_;
      json j;
      j["id"] = u.id;
      j["team_id"] = team_;
      j["name"] = u.handle;
      j["deleted"] = u.deleted;
      j["real_name"] = u.real;
      j["tz"] = opt_.tz;
      j["tz_label"] = info.abbrev;
      j["tz_offset"] = info.offset.count();
      j["profile"] = p;
      j["is_admin"] = false;
      j["is_owner"] = false;
      j["is_bot"] = u.is_bot;
      j["is_app_user"] = false;
      j["updated"] = epoch(u.join < start_ ? start_ : u.join);
      users.push_back(j);
    }
    out_.write_document("users.json", users);

    std::vector<std::vector<std::string>> members(world_.aos.size());
    for (const auto& u : world_.users)
      if (!u.is_bot) members[static_cast<size_t>(u.home_ao)].push_back(u.id);
    json pub = json::array(), priv = json::array();
    for (size_t i = 0; i < channels_.size(); ++i) {
      const Channel& c = channels_[i];
      json j;
      j["id"] = c.id;
      j["name"] = c.name;
      j["created"] = epoch(c.created);
      j["creator"] = world_.users.front().id;
      j["is_archived"] = c.archived;
      j["is_general"] = c.is_general;
      json m = json::array();
      if (i < world_.aos.size()) {
        for (const auto& id : members[i]) m.push_back(id);
      } else {
        for (const auto& u : world_.users) m.push_back(u.id);
      }
      j["members"] = m;
      j["topic"] = json{{"value", ""}, {"creator", ""}, {"last_set", 0}};
      j["purpose"] = json{{"value", i < world_.aos.size() ? "Backblasts for " + world_.aos[i].place : ""},
                          {"creator", ""}, {"last_set", 0}};
      (c.is_private ? priv : pub).push_back(j);
    }
    out_.write_document("channels.json", pub);
    out_.write_document("groups.json", priv);

    json logs = json::array();
    for (const auto& u : world_.users)
      if (u.is_bot)
        logs.push_back(json{{"user_id", world_.users.front().id}, {"user_name", world_.users.front().handle},
                            {"date", std::to_string(epoch(start_ - date::days{30}))}, {"change_type", "added"},
                            {"app_id", "A" + u.bot_id.substr(1)}, {"app_type", "app"}, {"scope", "chat:write"}});
    out_.write_document("integration_logs.json", json{{"logs", logs}});

    std::stable_sort(truth_.begin(), truth_.end(), [](const json& a, const json& b) {
      return std::tie(a["date"].get_ref<const std::string&>(), a["channel"].get_ref<const std::string&>(), a["ts"].get_ref<const std::string&>()) <
             std::tie(b["date"].get_ref<const std::string&>(), b["channel"].get_ref<const std::string&>(), b["ts"].get_ref<const std::string&>());
    });
    json truth;
    truth["about"] =
        "Ground truth written by paxstats generate: every beatdown reported in this export, as a correct "
        "parser must read it. pax lists every attendee (Q, Co-Qs, PAX, FNGs); people are {user_id} when "
        "mentioned, {name} when typed. count is COUNT as written, else the number of attendees.";
    truth["generator"] = json{{"seed", opt_.seed}, {"pax", opt_.pax}, {"years", opt_.years}, {"months", opt_.months}, {"end", opt_.end},
                              {"tz", opt_.tz}, {"aos", world_.aos.size()}};
    truth["region"] = json{{"team_id", team_}, {"tz", opt_.tz}, {"firstf_channel", world_.firstf_id},
                           {"first_date", date::format("%F", start_)}, {"last_date", date::format("%F", end_)}};
    truth["beatdowns"] = std::move(truth_);
    truth["not_beatdowns"] = std::move(not_beatdowns_);
    out_.write_document("truth.json", truth);
    truth_ = json::array();
  }

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

}  // namespace
}  // namespace gen

GeneratorSummary generate_workspace(const GeneratorOptions& o, const std::filesystem::path& dir) {
  if (o.pax < 5 || o.pax > 200000) throw UserError("--pax must be between 5 and 200000");
  if (o.years < 1 || o.years > 20) throw UserError("--years must be between 1 and 20");
  if (o.months < 0 || o.months > 240) throw UserError("--months must be between 1 and 240");
  if (o.aos < 0 || o.aos > 500) throw UserError("--aos must be between 0 (automatic) and 500");
  if (o.chatter_per_pax_day < 0 || o.chatter_per_pax_day > 50) throw UserError("--chatter must be between 0 and 50");
  try {
    (void)date::locate_zone(o.tz);
  } catch (const std::exception&) {
    throw UserError("unknown time zone \"" + o.tz + "\": use an IANA name such as America/Chicago");
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
    // Replace an earlier generated export (it has truth.json); never touch anything else.
    if (!fs::exists(dir / "truth.json"))
      throw UserError(dir.string() + " is not empty and holds no earlier generated export (truth.json). "
                      "Choose an empty or new folder.");
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto& p = entry.path();
      if (entry.is_regular_file() && p.extension() == ".json") fs::remove(p);
      else if (entry.is_directory()) {
        bool only_days = true;
        for (const auto& f : fs::directory_iterator(p)) only_days &= f.is_regular_file() && f.path().extension() == ".json";
        if (only_days) fs::remove_all(p);
      }
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create " + dir.string() + ": " + ec.message());
  return gen::Simulation(o, dir).run();
}

}  // namespace paxstats::mining
