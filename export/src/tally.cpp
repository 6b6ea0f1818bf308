// The export's counts of a window — member_activity, channel_activity and the interaction
// network — in one pass over every stored message. The server sends each message's facts (view
// message_facts, which says which are member messages; db's DatasetReader::facts) and each
// reaction in binary, about 2.3 s
// of its time at 1M messages; the joins and groupings that cost the SQL functions 18 s (a thread
// and its replies, a reaction and its message, a member's days) are hash lookups here. The rules
// are those of the functions member_activity, channel_activity and interaction_edges (region
// migration 0008), written beside each step; a test holds the two equal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "cells.hpp"
#include "paxstats/export/tally.hpp"
#include "paxstats/step_timer.hpp"

namespace paxstats::dataset {

using db::CopyRows;
using db::community::ChannelActivity;
using db::community::DatasetReader;
using db::community::MemberActivity;
using Fact = db::community::DatasetReader::Fact;

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;

// Strings kept for the tally's life, in blocks that never move.
class Arena {
 public:
  std::string_view keep(std::string_view s) {
    if (s.size() > left_) {
      const size_t n = std::max<size_t>(1 << 20, s.size());
      blocks_.push_back(std::make_unique<char[]>(n));
      next_ = blocks_.back().get();
      left_ = n;
    }
    if (!s.empty()) std::memcpy(next_, s.data(), s.size());
    const std::string_view out(next_, s.size());
    next_ += s.size();
    left_ -= s.size();
    return out;
  }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Ids (users, channels) by a small number.
class Names {
 public:
  std::uint32_t intern(std::string_view id) {
    if (auto it = index_.find(id); it != index_.end()) return it->second;
    const auto n = static_cast<std::uint32_t>(ids_.size());
    ids_.emplace_back(id);
    index_.emplace(ids_.back(), n);
    return n;
  }
  std::uint32_t find(std::string_view id) const {
    auto it = index_.find(id);
    return it == index_.end() ? kNone : it->second;
  }
  const std::string& id(std::uint32_t n) const { return ids_[n]; }
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> index_;
  std::vector<std::string> ids_;
};

struct Msg {
  std::string_view ts, thread_ts;
  std::int64_t posted = 0;  // microseconds since 2000-01-01 UTC
  std::int32_t day = 0;     // local date (member messages)
  std::uint32_t channel = 0, user = kNone, first_reply = kNone;
  std::int32_t reply_count = 0, reaction_count = 0, files = 0;
  std::uint32_t mentions_at = 0, mentions_n = 0;
  bool member = false, deleted = false, has_thread = false, is_reply = false;
  bool answered_any = false;    // a stored reply (member_threads)
  bool answered_since = false;  // a stored reply posted at or after the window's start (member_activity)
  // A thread's parent: thread_ts absent or its own ts.
  bool parent_shaped() const { return !has_thread || thread_ts == ts; }
};

// The messages by key (channel, ts): open addressing over their numbers, with 32 bits of each
// key's hash beside it, so that a lookup reads one slot and, when it matches, one message.
class MessageIndex {
 public:
  static std::uint64_t hash(std::uint32_t channel, std::string_view ts) {
    std::uint64_t h = (std::uint64_t{channel} + 1) * 0x9E3779B97F4A7C15ull ^ ts.size();
    size_t i = 0;
    for (; i + 8 <= ts.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, ts.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    std::uint64_t w = 0;
    std::memcpy(&w, ts.data() + i, ts.size() - i);
    h = (h ^ w) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
  }
  // Room for `expected` messages (more grow it).
  MessageIndex(const std::vector<Msg>& msgs, size_t expected) : msgs_(msgs) { resize(expected); }
  // Adds msgs[i] (added as they arrive: the server is the slower side then).
  void add(std::uint32_t i) {
    if ((count_ + 1) * 2 > slots_.size()) resize(slots_.size());
    const auto h = hash(msgs_[i].channel, msgs_[i].ts);
    place(i, h);
    ++count_;
  }
  std::uint32_t find(std::uint32_t channel, std::string_view ts) const {
    const auto h = hash(channel, ts);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (size_t k = h & mask_;; k = (k + 1) & mask_) {
      const Slot& s = slots_[k];
      if (s.index == kNone) return kNone;
      if (s.tag == tag && msgs_[s.index].channel == channel && msgs_[s.index].ts == ts) return s.index;
    }
  }

 private:
  struct Slot {
    std::uint32_t index, tag;
  };
  void place(std::uint32_t i, std::uint64_t h) {
    size_t k = h & mask_;
    while (slots_[k].index != kNone) k = (k + 1) & mask_;
    slots_[k] = {i, static_cast<std::uint32_t>(h >> 32)};
  }
  // At least twice `entries` slots, a power of two; what is in it is placed again.
  void resize(size_t entries) {
    size_t n = 16;
    while (n < entries * 2) n <<= 1;
    std::vector<Slot> old(n, Slot{kNone, 0});
    old.swap(slots_);
    mask_ = n - 1;
    for (const Slot& s : old)
      if (s.index != kNone) place(s.index, hash(msgs_[s.index].channel, msgs_[s.index].ts));
  }
  const std::vector<Msg>& msgs_;
  std::vector<Slot> slots_;
  size_t mask_ = 0, count_ = 0;
};

struct User {
  std::optional<std::string> name;  // the users row's user_name
  bool row = false, bot = false;
};

enum Kind : std::uint8_t { mention = 0, reaction = 1, reply = 2 };  // in the order their names sort

// Counts of 64-bit keys (open addressing; grows at half full): the edges by their key, a
// member's days and weeks, a channel's members. Cheaper than sorting a few million keys.
class KeyCounts {
 public:
  // Counts the key once more; true when it is new.
  bool add(std::uint64_t key) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    for (size_t k = mix(key) & mask_;; k = (k + 1) & mask_) {
      Slot& s = slots_[k];
      if (s.count == 0) {
        s = {key, 1};
        ++size_;
        return true;
      }
      if (s.key == key) {
        ++s.count;
        return false;
      }
    }
  }
  // Every key with its count, in no order.
  std::vector<std::pair<std::uint64_t, std::int64_t>> entries() const {
    std::vector<std::pair<std::uint64_t, std::int64_t>> out;
    out.reserve(size_);
    for (const Slot& s : slots_)
      if (s.count) out.emplace_back(s.key, s.count);
    return out;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::int64_t count = 0;
  };
  static std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    return x ^ (x >> 33);
  }
  void grow() {
    std::vector<Slot> old(std::max<size_t>(64, slots_.size() * 2));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (const Slot& s : old)
      if (s.count) {
        size_t k = mix(s.key) & mask_;
        while (slots_[k].count) k = (k + 1) & mask_;
        slots_[k] = s;
        ++size_;
      }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0, size_ = 0;
};

// An edge's ends and kind in one number (people are numbered below 2^31), so that the edges are
// counted by sorting them.
std::uint64_t edge_key(std::uint32_t source, std::uint32_t target, Kind kind) {
  return (std::uint64_t{source} << 33) | (std::uint64_t{target} << 2) | kind;
}

// percentile_cont(p) over sorted values, as PostgreSQL computes it.
double percentile_cont(const std::vector<double>& v, double p) {
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto first = static_cast<size_t>(std::floor(pos));
  const auto second = static_cast<size_t>(std::ceil(pos));
  if (first == second) return v[first];
  return v[first] + (pos - static_cast<double>(first)) * (v[second] - v[first]);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The reactions, by message: each message's givers, in key order. Read on a connection and
// thread of their own while the messages are read, so ids are numbered here and mapped after.
struct ReactionGroups {
  struct Group {
    std::uint32_t channel;
    std::string_view ts;
    std::uint32_t first, n;  // givers[first, first + n)
  };
  Arena arena;
  Names channels, users;
  std::vector<Group> groups;
  std::vector<std::uint32_t> givers;
  std::int64_t rows = 0;
};

void read_reactions(DatasetReader& reader, const std::function<void(std::string_view)>& csv, ReactionGroups& g) {
  StepTimer step("tally: reading the reactions");
  auto c = reader.facts(Fact::reactions);
  std::string out;
  if (csv) out = "channel_id,ts,emoji,user_id\n";
  std::string last_channel;
  std::uint32_t channel = kNone;
  while (c.next()) {
    if (channel == kNone || c.text(0) != last_channel) {
      last_channel = c.text(0);
      channel = g.channels.intern(last_channel);
    }
    const auto ts = c.text(1);
    if (g.groups.empty() || g.groups.back().channel != channel || g.groups.back().ts != ts)
      g.groups.push_back({channel, g.arena.keep(ts), static_cast<std::uint32_t>(g.givers.size()), 0});
    g.givers.push_back(g.users.intern(c.text(3)));
    ++g.groups.back().n;
    ++g.rows;
    if (csv) {
      for (int k = 0; k < 4; ++k) {
        if (k) out += ',';
        append_copy_csv(out, c.text(k));
      }
      out += '\n';
      if (out.size() > (1u << 16)) {
        csv(out);
        out.clear();
      }
    }
  }
  if (csv) csv(out);
}

}  // namespace

std::string numeric_round1(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14e", std::fabs(x));  // d.dddddddddddddde±X: 15 significant digits
  // The digits and where the decimal point falls among them.
  std::string digits;
  const char* e = std::strchr(buf, 'e');
  for (const char* p = buf; p < e; ++p)
    if (*p != '.') digits += *p;
  const long exponent = std::strtol(e + 1, nullptr, 10);
  // The value is 0.digits × 10^(exponent + 1): point after (exponent + 1) digits.
  long point = exponent + 1;
  if (point < 0) {
    digits.insert(0, static_cast<size_t>(-point), '0');
    point = 0;
  }
  if (static_cast<long>(digits.size()) < point + 2) digits.append(static_cast<size_t>(point + 2) - digits.size(), '0');
  // Keep one decimal; the next digit decides (half away from zero).
  std::string kept = digits.substr(0, static_cast<size_t>(point + 1));
  if (digits[static_cast<size_t>(point + 1)] >= '5') {
    long i = static_cast<long>(kept.size()) - 1;
    for (; i >= 0; --i) {
      if (kept[static_cast<size_t>(i)] == '9') {
        kept[static_cast<size_t>(i)] = '0';
      } else {
        ++kept[static_cast<size_t>(i)];
        break;
      }
    }
    if (i < 0) {
      kept.insert(0, 1, '1');
      ++point;
    }
  }
  std::string whole = kept.substr(0, static_cast<size_t>(point));
  const size_t lead = whole.find_first_not_of('0');
  whole = lead == std::string::npos ? "0" : whole.substr(lead);
  const std::string out = whole + "." + kept.substr(static_cast<size_t>(point));
  return x < 0 && out != "0.0" ? "-" + out : out;
}

Tally count_window(DatasetReader& reader, const TallyOptions& options) {
  if (options.reactions_csv && reader.bounded())
    throw std::logic_error("the tally writes the reactions table only for a window without ends");
  // The reactions, meanwhile on a reader of their own when there is one.
  ReactionGroups reacted;
  std::exception_ptr reading_failed;
  std::jthread reading;  // (joined when the tally returns or throws)
  if (options.reactions_reader)
    reading = std::jthread([&] {
      try {
        read_reactions(*options.reactions_reader, options.reactions_csv, reacted);
      } catch (...) {
        reading_failed = std::current_exception();
      }
    });
  const std::int64_t since = reader.since_micros().value_or(INT64_MIN);
  const std::int64_t until = reader.until_micros().value_or(INT64_MAX);
  auto in_window = [&](const Msg& m) { return m.posted >= since && m.posted < until; };

  Names people, channels;
  std::vector<User> users;
  auto user_of = [&](std::string_view id) {
    const auto n = people.intern(id);
    if (n >= users.size()) users.resize(n + 1);
    return n;
  };
  std::optional<StepTimer> step;
  step.emplace("tally: users and channels");
  {
    auto c = reader.facts(Fact::users);
    while (c.next()) {
      auto& u = users[user_of(c.text(0))];
      u.row = true;
      u.name = std::string(c.text(1));
      u.bot = c.boolean(2);
    }
  }
  const std::uint32_t slackbot = user_of("USLACKBOT");
  // A mentioned or reacting person who counts: not USLACKBOT, not a user marked is_bot.
  auto a_person = [&](std::uint32_t u) { return u != slackbot && !users[u].bot; };

  std::vector<std::pair<std::uint32_t, std::string>> channel_rows;
  {
    auto c = reader.facts(Fact::channels);
    while (c.next()) channel_rows.emplace_back(channels.intern(c.text(0)), std::string(c.text(1)));
  }

  // Every stored message's facts.
  step.emplace("tally: messages");
  Arena arena;
  std::vector<Msg> msgs;
  std::vector<std::uint32_t> mentions;
  // Room for them all at once (the table's estimate), rather than growing through a million.
  const size_t expected = reader.estimated_messages() + 1024;
  msgs.reserve(expected);
  MessageIndex index(msgs, expected);
  {
    auto c = reader.facts(Fact::messages);
    while (c.next()) {
      Msg m;
      m.channel = channels.intern(c.text(0));
      m.ts = arena.keep(c.text(1));
      m.has_thread = !c.null(2);
      if (m.has_thread) m.thread_ts = arena.keep(c.text(2));
      if (!c.null(3)) m.user = user_of(c.text(3));
      m.posted = c.timestamptz(4);
      m.member = c.boolean(5);
      m.deleted = c.boolean(6);
      m.reply_count = c.int4(7);
      m.reaction_count = c.int4(8);
      m.mentions_at = static_cast<std::uint32_t>(mentions.size());
      c.text_array(9, [&](std::string_view id) { mentions.push_back(user_of(id)); });
      m.mentions_n = static_cast<std::uint32_t>(mentions.size()) - m.mentions_at;
      m.day = c.date(10);
      m.is_reply = m.has_thread && m.thread_ts != m.ts;
      msgs.push_back(m);
      index.add(static_cast<std::uint32_t>(msgs.size() - 1));
    }
  }
  step.emplace("tally: files and replies");
  auto find = [&](std::uint32_t channel, std::string_view ts) { return index.find(channel, ts); };
  {
    auto c = reader.facts(Fact::files);
    while (c.next()) {
      const auto ch = channels.find(c.text(0));
      if (const auto i = ch == kNone ? kNone : find(ch, c.text(1)); i != kNone)
        msgs[i].files = static_cast<std::int32_t>(c.int8(2));
    }
  }

  KeyCounts edges;  // interactions by edge_key
  auto edge = [&](std::uint32_t source, std::uint32_t target, Kind kind) { edges.add(edge_key(source, target, kind)); };

  // Replies and their threads. A stored reply (any message whose thread_ts is another's ts)
  // answers its parent; the first member reply by someone else is the first reply; a member
  // reply in the window to a member's message is a reply edge.
  for (std::uint32_t i = 0; i < msgs.size(); ++i) {
    const Msg& r = msgs[i];
    if (!r.is_reply) continue;
    const auto pi = find(r.channel, r.thread_ts);
    if (pi == kNone) continue;
    Msg& p = msgs[pi];
    p.answered_any = true;
    if (r.posted >= since) p.answered_since = true;
    if (!r.member || !p.member || r.user == p.user) continue;
    // (Only its time is read: of replies posted at the same moment, any is the first.)
    if (p.first_reply == kNone || r.posted < msgs[p.first_reply].posted) p.first_reply = i;
    if (in_window(r)) edge(r.user, p.user, reply);
  }

  // Each member's figures, each channel's, and the mention edges: the window's member messages.
  step.emplace("tally: member messages");
  struct Figures {
    std::int64_t messages = 0, replies = 0, threads = 0, reactions_received = 0, reactions_given = 0, files = 0,
                 mentions_given = 0, mentions_received = 0, active_days = 0, active_weeks = 0;
    std::string_view first_ts, last_ts;
  };
  // The reactions, read by now: their channels and people by the numbers used here.
  if (reading.joinable()) {
    StepTimer wait("tally: waiting for the reactions");
    reading.join();
  } else {
    read_reactions(reader, options.reactions_csv, reacted);
  }
  if (reading_failed) std::rethrow_exception(reading_failed);
  std::vector<std::uint32_t> reacted_channel(reacted.channels.size()), reacted_user(reacted.users.size());
  for (std::uint32_t k = 0; k < reacted.channels.size(); ++k)
    reacted_channel[k] = channels.find(reacted.channels.id(k));
  for (std::uint32_t k = 0; k < reacted.users.size(); ++k) reacted_user[k] = user_of(reacted.users.id(k));
  if (people.size() >= (1u << 31)) throw std::runtime_error("counting: more than 2^31 people");
  std::vector<Figures> fig(people.size());  // everyone the tally meets is known by now
  struct ChannelFigures {
    std::int64_t messages = 0, members = 0, reactions = 0, threads = 0, answered = 0;
    std::vector<double> first_reply_s;
  };
  std::vector<ChannelFigures> chan(channels.size());

  // Reactions, on a thread of their own meanwhile (the messages' lane is done by now, most often:
  // a core is free): given, on any stored, not deleted message of the window; a reaction edge, by
  // a person, on a member message of the window, to its author.
  std::vector<std::int64_t> given(people.size());
  KeyCounts reaction_edges;
  std::jthread reactions_pass([&] {
    for (const auto& group : reacted.groups) {
      const auto ch = reacted_channel[group.channel];
      const auto i = ch == kNone ? kNone : find(ch, group.ts);
      if (i == kNone) continue;
      const Msg& m = msgs[i];
      if (m.deleted || !in_window(m)) continue;
      for (std::uint32_t k = 0; k < group.n; ++k) {
        const auto g = reacted_user[reacted.givers[group.first + k]];
        ++given[g];
        if (m.member && g != m.user && a_person(g)) reaction_edges.add(edge_key(g, m.user, reaction));
      }
    }
  });

  KeyCounts user_days, user_weeks, channel_users;
  for (const Msg& m : msgs) {
    if (!m.member || !in_window(m)) continue;
    Figures& f = fig[m.user];
    ++f.messages;
    f.replies += m.is_reply;
    f.threads += m.parent_shaped() && (m.reply_count > 0 || m.answered_since);
    f.reactions_received += m.reaction_count;
    f.files += m.files;
    if (f.first_ts.empty() || m.ts < f.first_ts) f.first_ts = m.ts;
    if (m.ts > f.last_ts) f.last_ts = m.ts;
    // Active days and weeks (weeks begin on Mondays; 2000-01-03, day 2, was one).
    if (user_days.add((std::uint64_t{m.user} << 32) | static_cast<std::uint32_t>(m.day))) {
      ++f.active_days;
      if (user_weeks.add((std::uint64_t{m.user} << 32) | static_cast<std::uint32_t>(floor_div(m.day - 2, 7))))
        ++f.active_weeks;
    }
    for (std::uint32_t k = 0; k < m.mentions_n; ++k) {
      const auto x = mentions[m.mentions_at + k];
      if (x == m.user || !a_person(x)) continue;
      ++f.mentions_given;
      ++fig[x].mentions_received;
      edge(m.user, x, mention);
    }
    ChannelFigures& c = chan[m.channel];
    ++c.messages;
    c.reactions += m.reaction_count;
    if (channel_users.add((std::uint64_t{m.channel} << 32) | m.user)) ++c.members;
    if (m.parent_shaped() && (m.reply_count > 0 || m.answered_any)) {
      ++c.threads;
      if (m.first_reply != kNone) {
        ++c.answered;
        c.first_reply_s.push_back(static_cast<double>(msgs[m.first_reply].posted - m.posted) / 1e6);
      }
    }
  }

  step.emplace("tally: reactions");
  reactions_pass.join();
  for (std::uint32_t u = 0; u < people.size(); ++u) fig[u].reactions_given = given[u];

  step.emplace("tally: rows and network");
  Tally t;
  if (options.reactions_csv) t.reactions_rows = reacted.rows;
  // member_activity: every user who is not a bot (nor USLACKBOT), and every author of a member
  // message of the window without a users row; most messages first, then by id.
  for (std::uint32_t u = 0; u < people.size(); ++u) {
    const bool listed = users[u].row ? !users[u].bot && u != slackbot : fig[u].messages > 0;
    if (!listed) continue;
    const Figures& f = fig[u];
    MemberActivity a;
    a.user_id = people.id(u);
    a.user_name = users[u].row ? *users[u].name : a.user_id;
    a.messages = f.messages, a.replies = f.replies, a.threads_started = f.threads;
    a.reactions_received = f.reactions_received, a.reactions_given = f.reactions_given, a.files = f.files;
    a.mentions_given = f.mentions_given, a.mentions_received = f.mentions_received;
    a.active_days = f.active_days, a.active_weeks = f.active_weeks;
    a.first_ts = f.first_ts, a.last_ts = f.last_ts;
    t.members.push_back(std::move(a));
  }
  std::sort(t.members.begin(), t.members.end(), [](const MemberActivity& a, const MemberActivity& b) {
    return a.messages != b.messages ? a.messages > b.messages : a.user_id < b.user_id;
  });

  // channel_activity: every channel with a channels row; most messages first, then by name.
  for (const auto& [ch, name] : channel_rows) {
    ChannelFigures& c = chan[ch];
    ChannelActivity a;
    a.channel_id = channels.id(ch);
    a.name = name;
    a.messages = c.messages, a.active_members = c.members, a.threads = c.threads;
    a.answered_threads = c.answered, a.reactions = c.reactions;
    if (!c.first_reply_s.empty()) {
      std::sort(c.first_reply_s.begin(), c.first_reply_s.end());
      a.median_first_reply_s = percentile_cont(c.first_reply_s, 0.5);
      a.p90_first_reply_s = percentile_cont(c.first_reply_s, 0.9);
    }
    t.channels.push_back(std::move(a));
  }
  std::sort(t.channels.begin(), t.channels.end(), [](const ChannelActivity& a, const ChannelActivity& b) {
    if (a.messages != b.messages) return a.messages > b.messages;
    return a.name != b.name ? a.name < b.name : a.channel_id < b.channel_id;
  });

  // The network: nodes by id, those who posted in the window (labelled by their users row) and
  // anyone else an edge names; edges by source, target and kind. People numbered in id order
  // sort the edges as their ids do.
  std::vector<std::uint32_t> by_id(people.size()), rank(people.size());
  for (std::uint32_t u = 0; u < people.size(); ++u) by_id[u] = u;
  std::sort(by_id.begin(), by_id.end(), [&](auto a, auto b) { return people.id(a) < people.id(b); });
  for (std::uint32_t k = 0; k < by_id.size(); ++k) rank[by_id[k]] = k;
  std::vector<char> named(people.size());
  auto counted = edges.entries();
  for (const auto& e : reaction_edges.entries()) counted.push_back(e);  // (keys of their own kind)
  for (auto& [e, n] : counted) {
    const auto source = static_cast<std::uint32_t>(e >> 33),
               target = static_cast<std::uint32_t>((e >> 2) & 0x7fffffffu);
    named[source] = named[target] = 1;
    e = edge_key(rank[source], rank[target], static_cast<Kind>(e & 3));
  }
  std::sort(counted.begin(), counted.end());
  std::vector<std::uint32_t> node_of(people.size(), kNone);  // by rank
  for (std::uint32_t k = 0; k < by_id.size(); ++k) {
    const auto u = by_id[k];
    if (fig[u].messages == 0 && !named[u]) continue;
    node_of[k] = static_cast<std::uint32_t>(t.network.nodes.size());
    t.network.nodes.push_back({people.id(u), users[u].row ? *users[u].name : people.id(u), fig[u].messages});
  }
  constexpr Interaction kInteraction[] = {Interaction::mention, Interaction::reaction, Interaction::reply};
  for (const auto& [e, n] : counted)
    t.network.edges.push_back({node_of[e >> 33], node_of[(e >> 2) & 0x7fffffffu], kInteraction[e & 3], n});
  return t;
}

std::string_view to_string(Interaction kind) {
  switch (kind) {
    case Interaction::mention: return "mention";
    case Interaction::reaction: return "reaction";
    case Interaction::reply: return "reply";
  }
  return "?";
}

}  // namespace paxstats::dataset
