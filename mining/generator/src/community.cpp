// paxstats generate --community: a fictional non-F3 community workspace, simulated day by day
// and written as a Slack export, with the truth of the community counting rules (README
// "Community analytics") counted as each message is written.
//
// What it holds, so every rule has something to decide: threads with replies from others and
// from their author, thread broadcasts, reactions (some with Slack's `count` above the length of
// a cut-short `users` list, some by a bot), mentions (with and without a |label, of oneself, of a
// bot, of one person twice), file shares, /me messages, edits, deleted thread parents
// (tombstones), thread parents without a reply_count, joins and leaves, a bot posting bot_message, an app user,
// Slackbot reminders, deleted users, hostile names, and members who go quiet, who come back, and who join late.
#include <date/tz.h>

#include <map>
#include <set>

#include "paxstats/mining/generator.hpp"
#include "simulation.hpp"

namespace paxstats::mining {
namespace gen {
namespace {

enum class Persona { core, regular, lurker, fader, returner, newcomer };

struct Member {
  std::string id, handle, display, real;
  Persona persona = Persona::regular;
  double rate = 0;  // top-level posts a weekday while active
  Day join{}, quiet_from = Day::max(), back_from = Day::max();
  bool deleted = false;
  std::vector<size_t> circle;  // the people they answer, mention and react to most
};

// The truth of one member under the counting rules.
struct Truth {
  long messages = 0, replies = 0, threads = 0, reactions_received = 0, reactions_given = 0, files = 0,
       mentions_given = 0, mentions_received = 0;
  long replies_to_others = 0, help_answers = 0;  // the engagement score's parts
  std::set<long> days, weeks;                    // local days (and their Mondays) as days since the epoch
  std::string first_ts, last_ts;
};

const std::vector<std::string> kChannels = {"general", "help", "random", "show-and-tell", "jobs", "events"};
const std::vector<double> kChannelWeight = {0.30, 0.22, 0.20, 0.12, 0.08, 0.08};
// Message texts as Slack stores them (&amp; escaped, links in <…|…>).
const std::vector<std::string> kLines = {
    "Has anyone tried the new release?",
    "Here's what I built this weekend",
    "Quick question about deploying this",
    "Thanks for the help yesterday!",
    "Does anyone know a good tutorial on this?",
    "Meetup next Thursday, who's coming?",
    "I wrote up my notes from the talk",
    "We're hiring a data engineer, DM me",
    "Morning all :wave:",
    "This chart took me all night &amp; it shows",
    "Is the <https://example.org/docs|docs page> out of date?",
    "Any tips for cleaning messy CSVs?",
    "Finally fixed that bug",
    "Slides from today are up",
};
const std::vector<std::string> kReplies = {
    "+1, same here", "Try restarting it first",      "That worked, thanks!", "I can help with that",
    "Following",     "Here's a link that helped me", "Nice work!",           "Which version are you on?",
    "Good question"};
const std::vector<std::string> kEmojiNames = {"+1", "heart", "tada", "eyes", "raised_hands", "joy", "100", "rocket"};

class Community {
 public:
  Community(const CommunityOptions& o, const std::filesystem::path& dir)
      : opt_(o), rng_(o.seed), ids_(rng_.fork(1)), out_(dir), zone_(date::locate_zone(o.tz)) {
    end_ = parse_day(o.end);
    const auto ym = date::year_month_day{end_}.year() / date::year_month_day{end_}.month();
    start_ = date::sys_days{(ym - date::months{o.months - 1}) / 1};
  }

  GeneratorSummary run() {
    build();
    for (Day d = start_; d <= end_; d += date::days{1}) {
      simulate_day(d);
      out_.flush_before(d - date::days{8});  // replies come at most 6 days after their parent
    }
    out_.flush_all();
    write_metadata();
    GeneratorSummary s;
    s.users = static_cast<int>(members_.size() + 3);
    s.channels = static_cast<int>(channel_ids_.size() + 1);  // and the archived one
    s.messages = out_.messages();
    s.first_date = date::format("%F", start_);
    s.last_date = date::format("%F", end_);
    return s;
  }

 private:
  // ---------------------------------------------------------------- the people
  void build() {
    Rng r = rng_.fork(2);
    team_ = ids_.make('T', 9);
    for (size_t i = 0; i < kChannels.size(); ++i) channel_ids_.push_back(ids_.make('C'));
    archived_ = ids_.make('C');
    const int span = static_cast<int>((end_ - start_).count());
    std::set<std::string> taken;
    for (int i = 0; i < opt_.members; ++i) {
      Member m;
      m.id = ids_.make('U');
      m.real = r.pick(kRealFirst) + " " + r.pick(kRealLast);
      if (i < static_cast<int>(kHostileNames.size()) && i < opt_.members / 20)
        m.display = kHostileNames[static_cast<size_t>(i)];
      else if (r.chance(0.3))
        m.display = "";  // many people never set a display name
      else
        m.display = m.real.substr(0, m.real.find(' ')) + std::to_string(i + 1);
      m.handle = "member" + std::to_string(i + 1);
      const uint64_t p = r.below(100);
      m.persona = p < 8    ? Persona::core
                  : p < 38 ? Persona::regular
                  : p < 70 ? Persona::lurker
                  : p < 80 ? Persona::fader
                  : p < 88 ? Persona::returner
                           : Persona::newcomer;
      const double base = opt_.posts_per_member_day;
      switch (m.persona) {
        case Persona::core: m.rate = base * 6; break;
        case Persona::regular: m.rate = base * 1.2; break;
        case Persona::lurker: m.rate = base * 0.08; break;
        case Persona::fader: m.rate = base * 2; break;
        case Persona::returner: m.rate = base * 1.6; break;
        case Persona::newcomer: m.rate = base * 1.2; break;
      }
      m.join = start_ - date::days{r.between(30, 900)};
      if (m.persona == Persona::newcomer) m.join = start_ + date::days{r.between(0, span)};
      if (m.persona == Persona::fader) m.quiet_from = start_ + date::days{r.between(span / 4, span)};
      if (m.persona == Persona::returner) {
        m.quiet_from = start_ + date::days{r.between(0, span * 2 / 3)};
        m.back_from = m.quiet_from + date::days{r.between(20, 80)};
      }
      m.deleted = m.persona == Persona::fader && r.chance(0.2);
      members_.push_back(m);
    }
    bot_user_ = ids_.make('U');
    bot_id_ = "B" + ids_.make('X', 9).substr(1);
    app_user_ = ids_.make('U');
    app_bot_id_ = "B" + ids_.make('X', 9).substr(1);
    // Communities are clustered: most of anyone's interactions are with a circle of a few dozen.
    for (size_t i = 0; i < members_.size(); ++i) {
      const int n = std::min<int>(r.between(15, 40), static_cast<int>(members_.size()) - 1);
      for (int k = 0; k < n; ++k) {
        const size_t j = r.below(members_.size());
        if (j != i) members_[i].circle.push_back(j);
      }
    }
    truth_.resize(members_.size());
    for (size_t i = 0; i < members_.size(); ++i) index_[members_[i].id] = i;
  }

  // Someone active today for `who` to interact with: mostly from their circle.
  size_t partner(Rng& r, size_t who, Day d, const std::vector<size_t>& pool) const {
    const auto& circle = members_[who].circle;
    if (!circle.empty() && r.chance(0.8))
      for (int tries = 0; tries < 3; ++tries) {
        const size_t j = circle[r.below(circle.size())];
        if (active(members_[j], d)) return j;
      }
    return pool[r.below(pool.size())];
  }

  bool active(const Member& m, Day d) const {
    return d >= m.join && !(d >= m.quiet_from && d < m.back_from) && !(m.deleted && d >= m.quiet_from);
  }

  // ---------------------------------------------------------------- messages
  std::string next_ts(date::sys_seconds t) {
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06u", static_cast<unsigned>(serial_++ % 1000000));
    return std::to_string(t.time_since_epoch().count()) + "." + frac;
  }

  date::sys_seconds at_local(Day d, int hour, int minute, int second) const {
    const auto local = date::local_days{d.time_since_epoch()} + std::chrono::hours{hour} +
                       std::chrono::minutes{minute} + std::chrono::seconds{second};
    return date::floor<std::chrono::seconds>(zone_->to_sys(local, date::choose::earliest));
  }

  Day local_day(date::sys_seconds t) const {
    return Day{date::floor<date::days>(zone_->to_local(t)).time_since_epoch()};
  }

  // Counts a member message for its author (the rules' messages, replies, days, first and last).
  void count_message(size_t author, const std::string& ts, date::sys_seconds t, bool reply) {
    auto& tr = truth_[author];
    tr.messages++;
    if (reply) tr.replies++;
    const Day day = local_day(t);
    tr.days.insert(day.time_since_epoch().count());
    tr.weeks.insert((day - (date::weekday{day} - date::Monday)).time_since_epoch().count());
    if (tr.first_ts.empty() || ts < tr.first_ts) tr.first_ts = ts;
    if (ts > tr.last_ts) tr.last_ts = ts;
  }

  // Some text, maybe mentioning people; counts the mentions that the rules count.
  std::string text_with_mentions(Rng& r, size_t author, Day d, const std::vector<size_t>& pool,
                                 const std::string& base) {
    std::string text = base;
    if (!r.chance(0.18) || pool.empty()) return text;
    std::set<size_t> tagged;
    const int n = r.between(1, 2);
    for (int k = 0; k < n; ++k) {
      const size_t who = partner(r, author, d, pool);
      const bool labelled = r.chance(0.3);
      text = "<@" + members_[who].id + (labelled ? "|" + members_[who].handle : "") + "> " + text;
      if (r.chance(0.1)) text += " (cc <@" + members_[who].id + ">)";  // the same person twice: once
      if (who != author) tagged.insert(who);
    }
    if (r.chance(0.05)) text += " — <@" + members_[author].id + ">";  // oneself: no mention
    if (r.chance(0.05)) text += " <@" + bot_user_ + "> help";         // a bot: no mention
    truth_[author].mentions_given += static_cast<long>(tagged.size());
    for (size_t who : tagged) truth_[who].mentions_received++;
    return text;
  }

  // Reactions on a message; counts what the rules count (received only when `author` is a member
  // message's author; given for members on any message that is not deleted).
  json reactions(Rng& r, Day d, size_t poster, const std::vector<size_t>& pool, std::optional<size_t> author,
                 bool deleted) {
    json out = json::array();
    if (!r.chance(0.35) || pool.empty()) return out;
    const int kinds = r.between(1, 3);
    std::set<std::string> used;
    for (int k = 0; k < kinds; ++k) {
      const std::string name = r.pick(kEmojiNames);
      if (!used.insert(name).second) continue;
      std::set<size_t> who;
      const int n = r.between(1, 5);
      for (int i = 0; i < n; ++i) who.insert(partner(r, poster, d, pool));
      json users = json::array();
      for (size_t w : who) users.push_back(members_[w].id);
      long count = static_cast<long>(who.size());
      const bool by_bot = r.chance(0.05);
      if (by_bot) users.push_back(bot_user_), ++count;
      long hidden = 0;
      if (r.chance(0.03)) hidden = r.between(1, 40);  // Slack's count beyond a cut-short users list
      count += hidden;
      out.push_back(json{{"name", name}, {"users", users}, {"count", count}});
      if (author && !deleted) truth_[*author].reactions_received += count;
      if (!deleted)
        for (size_t w : who) truth_[w].reactions_given++;
    }
    return out;
  }

  json files(Rng& r, size_t author) {
    json out = json::array();
    const int n = r.between(1, 2);
    for (int i = 0; i < n; ++i) {
      const std::string id = "F" + ids_.make('X', 10).substr(1);
      out.push_back(json{{"id", id},
                         {"name", "chart-" + std::to_string(i + 1) + ".png"},
                         {"title", "chart " + std::to_string(i + 1)},
                         {"mimetype", "image/png"},
                         {"filetype", "png"},
                         {"size", r.between(1000, 900000)},
                         {"user", members_[author].id},
                         {"url_private", "https://files.slack.com/files-pri/" + team_ + "-" + id + "/chart.png"}});
    }
    truth_[author].files += n;
    return out;
  }

  json base_message(const std::string& ts, const std::string& user, const std::string& text) {
    return json{{"type", "message"}, {"user", user}, {"text", text}, {"ts", ts}, {"team", team_}};
  }

  void simulate_day(Day d) {
    Rng r = rng_.fork(static_cast<uint64_t>(d.time_since_epoch().count()) + 7000);
    const auto wd = date::weekday{d};
    const bool weekend = wd == date::Saturday || wd == date::Sunday;
    std::vector<size_t> pool;
    for (size_t i = 0; i < members_.size(); ++i)
      if (active(members_[i], d)) pool.push_back(i);

    // Joins and leaves (not member messages).
    for (size_t i = 0; i < members_.size(); ++i) {
      const Member& m = members_[i];
      if (m.join == d) {
        const auto t = at_local(d, 10, r.between(0, 59), r.between(0, 59));
        json j = base_message(next_ts(t), m.id, "<@" + m.id + "> has joined the channel");
        j["subtype"] = "channel_join";
        out_.add(kChannels[0], j);
      }
      if (m.persona == Persona::fader && m.quiet_from == d && r.chance(0.5)) {
        const auto t = at_local(d, 11, r.between(0, 59), r.between(0, 59));
        json j = base_message(next_ts(t), m.id, "<@" + m.id + "> has left the channel");
        j["subtype"] = "channel_leave";
        out_.add(kChannels[2], j);
      }
    }
    // The standup bot, the app user and Slackbot (none are members).
    if (!weekend) {
      json b = base_message(next_ts(at_local(d, 9, 0, 0)), bot_user_, "Daily standup: what are you working on?");
      b["subtype"] = "bot_message";
      b["bot_id"] = bot_id_;
      b["username"] = "standup";
      b.erase("user");
      out_.add(kChannels[0], b);
    }
    if (r.chance(0.3)) {
      json a = base_message(next_ts(at_local(d, 12, 0, 0)), app_user_, "Poll: lunch talk topic? Vote below");
      a["bot_id"] = app_bot_id_;
      a["app_id"] = "A0POLLY01";
      out_.add(kChannels[2], a);
    }
    if (wd == date::Monday)
      out_.add(kChannels[4], base_message(next_ts(at_local(d, 8, 30, 0)), "USLACKBOT",
                                          "Reminder: post new openings in this channel."));

    for (size_t i : pool) {
      const Member& m = members_[i];
      double rate = m.rate * (weekend ? 0.35 : 1.0);
      int posts = static_cast<int>(rate);
      if (r.chance(rate - posts)) ++posts;
      for (int p = 0; p < posts; ++p) post(r, d, i, pool);
    }
  }

  void post(Rng& r, Day d, size_t author, const std::vector<size_t>& pool) {
    size_t channel = 0;
    {
      const double x = static_cast<double>(r.below(1000000)) / 1e6;
      double acc = 0;
      for (size_t c = 0; c < kChannels.size(); ++c)
        if (x < (acc += kChannelWeight[c]) || c + 1 == kChannels.size()) {
          channel = c;
          break;
        }
    }
    // Working hours mostly, evenings some.
    const int hour = r.chance(0.75) ? r.between(8, 17) : r.between(18, 23);
    const auto t = at_local(d, hour, r.between(0, 59), r.between(0, 59));
    const std::string ts = next_ts(t);
    const Member& m = members_[author];

    // A thread: replies planned now, so the parent carries reply_count when it is written.
    const bool thread = r.chance(kChannels[channel] == "help" ? 0.7 : 0.25);
    const bool tombstone = thread && r.chance(0.03);  // the parent is deleted later; the replies stay
    std::vector<std::pair<size_t, date::sys_seconds>> replies;
    if (thread) {
      const int n = r.between(1, 6);
      auto when = t;
      for (int k = 0; k < n; ++k) {
        when += std::chrono::seconds{r.chance(0.6) ? r.between(30, 3600) : r.between(3600, 86400)};
        const size_t who = r.chance(0.2) ? author : partner(r, author, d, pool);
        replies.emplace_back(who, when);
      }
    }

    json msg;
    if (tombstone) {
      msg = base_message(ts, "USLACKBOT", "This message was deleted.");
      msg["subtype"] = "tombstone";
      msg["hidden"] = true;
    } else {
      const uint64_t kind = r.below(100);
      std::string text = text_with_mentions(r, author, d, pool, r.pick(kLines));
      msg = base_message(ts, m.id, text);
      if (kind < 6) {
        msg["subtype"] = "file_share";
        msg["files"] = files(r, author);
        msg["upload"] = true;
      } else if (kind < 8) {
        msg["subtype"] = "me_message";
      }
      if (r.chance(0.03)) msg["edited"] = json{{"user", m.id}, {"ts", next_ts(t + std::chrono::seconds{90})}};
      count_message(author, ts, t, false);
      if (!replies.empty()) truth_[author].threads++;
    }
    const json rx = reactions(r, d, author, pool, tombstone ? std::nullopt : std::optional<size_t>(author), tombstone);
    if (!rx.empty()) msg["reactions"] = rx;
    // Some parents were stored before their replies came (as an event delivers them): no
    // reply_count, so only the stored replies tell it is a thread.
    const bool counted = !r.chance(0.1);
    if (!replies.empty() && !counted) msg["thread_ts"] = ts;
    if (!replies.empty() && counted) {
      msg["thread_ts"] = ts;
      msg["reply_count"] = replies.size();
      json users = json::array();
      std::set<std::string> seen;
      for (const auto& [who, when] : replies)
        if (seen.insert(members_[who].id).second) users.push_back(members_[who].id);
      msg["reply_users"] = users;
      msg["reply_users_count"] = users.size();
    }
    out_.add(kChannels[channel], msg);

    for (const auto& [who, when] : replies) {
      const std::string rts = next_ts(when);
      json reply = base_message(rts, members_[who].id, text_with_mentions(r, who, d, pool, r.pick(kReplies)));
      reply["thread_ts"] = ts;
      reply["parent_user_id"] = tombstone ? "USLACKBOT" : m.id;
      if (r.chance(0.1)) reply["subtype"] = "thread_broadcast";
      const json rrx = reactions(r, d, who, pool, who, false);
      if (!rrx.empty()) reply["reactions"] = rrx;
      count_message(who, rts, when, true);
      if (tombstone || who != author) {  // the parent is someone else's (a deleted one is nobody's)
        truth_[who].replies_to_others++;
        if (kChannels[channel] == "help") truth_[who].help_answers++;
      }
      out_.add(kChannels[channel], reply);
    }
  }

  // ---------------------------------------------------------------- metadata and truth
  void write_metadata() {
    const auto epoch = [](Day d) { return static_cast<long long>(date::sys_seconds{d}.time_since_epoch().count()); };
    json users = json::array();
    auto user = [&](const std::string& id, const std::string& handle, const std::string& real,
                    const std::string& display, bool is_bot, bool is_app, bool deleted) {
      json p = {{"real_name", real}, {"display_name", display}, {"team", team_}};
      if (!is_bot && !is_app) p["email"] = handle + "@example.org";
      users.push_back(json{{"id", id},
                           {"team_id", team_},
                           {"name", handle},
                           {"deleted", deleted},
                           {"real_name", real},
                           {"tz", opt_.tz},
                           {"profile", p},
                           {"is_bot", is_bot},
                           {"is_app_user", is_app}});
    };
    for (const auto& m : members_) user(m.id, m.handle, m.real, m.display, false, false, m.deleted);
    user(bot_user_, "standup", "Standup Bot", "", true, false, false);
    user(app_user_, "polly", "Polly", "", false, true, false);
    user("USLACKBOT", "slackbot", "Slackbot", "", false, false, false);
    out_.write_document("users.json", users);

    json channels = json::array();
    for (size_t c = 0; c < kChannels.size(); ++c)
      channels.push_back(json{{"id", channel_ids_[c]},
                              {"name", kChannels[c]},
                              {"created", epoch(start_ - date::days{1000})},
                              {"is_archived", false},
                              {"is_general", c == 0},
                              {"purpose", json{{"value", "The " + kChannels[c] + " channel"}}}});
    channels.push_back(json{{"id", archived_},
                            {"name", "old-projects"},
                            {"created", epoch(start_ - date::days{1200})},
                            {"is_archived", true},
                            {"is_general", false}});
    out_.write_document("channels.json", channels);

    json members = json::array();
    long member_messages = 0;
    for (size_t i = 0; i < members_.size(); ++i) {
      const auto& t = truth_[i];
      member_messages += t.messages;
      members.push_back(json{{"user_id", members_[i].id},
                             {"messages", t.messages},
                             {"replies", t.replies},
                             {"threads_started", t.threads},
                             {"reactions_received", t.reactions_received},
                             {"reactions_given", t.reactions_given},
                             {"files", t.files},
                             {"mentions_given", t.mentions_given},
                             {"mentions_received", t.mentions_received},
                             {"active_days", t.days.size()},
                             {"active_weeks", t.weeks.size()},
                             {"replies_to_others", t.replies_to_others},
                             {"help_answers", t.help_answers},
                             {"first_ts", t.first_ts},
                             {"last_ts", t.last_ts}});
    }
    out_.write_document("truth.json", json{{"community", true},
                                           {"tz", opt_.tz},
                                           {"first_date", date::format("%F", start_)},
                                           {"last_date", date::format("%F", end_)},
                                           {"messages", out_.messages()},
                                           {"member_messages", member_messages},
                                           {"member_activity", members}});
  }

  CommunityOptions opt_;
  Rng rng_;
  Ids ids_;
  ExportWriter out_;
  const date::time_zone* zone_;
  Day start_{}, end_{};
  std::string team_, archived_, bot_user_, bot_id_, app_user_, app_bot_id_;
  std::vector<std::string> channel_ids_;
  std::vector<Member> members_;
  std::vector<Truth> truth_;
  std::map<std::string, size_t> index_;
  uint64_t serial_ = 0;
};

}  // namespace
}  // namespace gen

GeneratorSummary generate_community(const CommunityOptions& o, const std::filesystem::path& dir) {
  if (o.members < 5 || o.members > 200000) throw UserError("--members must be between 5 and 200000");
  if (o.months < 1 || o.months > 240) throw UserError("--months must be between 1 and 240");
  if (!(o.posts_per_member_day >= 0 && o.posts_per_member_day <= 50))
    throw UserError("--posts must be between 0 and 50");
  gen::check_time_zone(o.tz);
  gen::prepare_export_dir(dir);
  return gen::Community(o, dir).run();
}

}  // namespace paxstats::mining
