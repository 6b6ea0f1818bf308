#include "derive.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <climits>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"

namespace paxstats::mining::detail {

std::optional<std::chrono::sys_seconds> ts_time(std::string_view ts) {
  long long secs = 0;
  auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), secs);
  if (ec != std::errc() || end == ts.data()) return std::nullopt;
  if (end != ts.data() + ts.size() && *end != '.') return std::nullopt;
  return std::chrono::sys_seconds{std::chrono::seconds{secs}};
}

namespace {

// Runs fn(0) … fn(n − 1) on every core (the caller's thread too), in blocks; the first
// exception is rethrown here once all have stopped.
void parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  constexpr size_t kBlock = 64;
  const size_t lanes = n < 4 * kBlock ? 1 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::atomic<size_t> next{0};
  std::exception_ptr failed;
  std::mutex mu;
  auto work = [&] {
    try {
      for (size_t start; (start = next.fetch_add(kBlock)) < n;)
        for (size_t i = start; i < std::min(n, start + kBlock); ++i) fn(i);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failed) failed = std::current_exception();
      next = n;
    }
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < lanes; ++t) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  if (failed) std::rethrow_exception(failed);
}

// What the parser makes of one stored message.
Backblast parse_stored(const db::StoredMessage& m, const ParseContext& ctx) {
  const auto when = *ts_time(m.ts);
  // The text first: most backblasts are read from it, and then the blocks and metadata (JSON
  // to parse) are not needed. Only a message whose text is no backblast is read again with them.
  Backblast b = parse_backblast({m.text, nullptr, nullptr, m.channel_id, when}, ctx);
  if (!b.is_backblast && (!m.blocks.empty() || !m.metadata.empty())) {
    nlohmann::json blocks, metadata;
    if (!m.blocks.empty()) blocks = nlohmann::json::parse(m.blocks, nullptr, false);
    if (!m.metadata.empty()) metadata = nlohmann::json::parse(m.metadata, nullptr, false);
    b = parse_backblast({m.text, blocks.is_discarded() || blocks.is_null() ? nullptr : &blocks,
                         metadata.is_discarded() || metadata.is_null() ? nullptr : &metadata, m.channel_id, when},
                        ctx);
  }
  return b;
}

// The rows of one message the parser read as a backblast, added to the run's.
void add_beatdown(const db::StoredMessage& m, const Backblast& b, DeriveReport& report,
                  std::vector<db::BeatdownRecord>& beatdowns, std::vector<db::MessageIssues>& issues) {
  db::BeatdownRecord r;
  r.channel_id = m.channel_id;
  r.ts = m.ts;
  r.ao_channel_id = b.ao_channel_id;
  r.ao_name = b.ao_name;
  r.bd_date = date::format("%F", b.date);
  if (b.q) {
    if (b.q->user_id.empty())
      r.q_name = b.q->name;
    else
      r.q_user_id = b.q->user_id;
  }
  for (const auto& c : b.coqs)
    (c.user_id.empty() ? r.coq_names : r.coq_user_ids).push_back(c.user_id.empty() ? c.name : c.user_id);
  r.pax_count = b.effective_count();
  r.derived_count = b.derived_count;
  r.fng_count = b.fng_count;
  r.fng_names = b.fng_names;
  r.title = b.title;
  r.edited_ts = m.edited_ts;
  r.parse_status = !b.errors.empty() ? "errors" : !b.warnings.empty() ? "warnings" : "ok";
  report.with_errors += !b.errors.empty();
  report.with_warnings += b.errors.empty() && !b.warnings.empty();
  const auto roles = b.roles();
  for (size_t k = 0; k < b.pax.size(); ++k) {
    const auto& p = b.pax[k];
    db::AttendeeRecord a;
    if (p.user_id.empty())
      a.name = p.name;
    else
      a.user_id = p.user_id;
    a.role = roles[k];
    r.attendees.push_back(std::move(a));
  }
  db::MessageIssues mi{m.channel_id, m.ts, {}};
  for (const auto& e : b.errors) mi.issues.push_back(e);
  for (const auto& w : b.warnings) mi.issues.push_back(w);
  if (!mi.issues.empty()) issues.push_back(std::move(mi));
  beatdowns.push_back(std::move(r));
}

// What a parse makes of its message, as the store will list it.
MessageOutcome outcome_of(const Backblast& b) {
  MessageOutcome o;
  if (!b.is_backblast) return o;
  o.beatdown = true;
  if (b.q) o.q_user_id = b.q->user_id;
  for (const auto* list : {&b.errors, &b.warnings})
    for (const auto& i : *list)
      if (i.severity == Severity::error) o.errors.push_back(i);
  // parse_issues' order: by line (NULL, a whole-message issue, last), then field.
  std::stable_sort(o.errors.begin(), o.errors.end(), [](const ParseIssue& x, const ParseIssue& y) {
    const auto line = [](const ParseIssue& i) { return i.line ? i.line : INT_MAX; };
    return line(x) != line(y) ? line(x) < line(y) : x.field < y.field;
  });
  return o;
}

}  // namespace

Derivation derive(db::RegionWriter& writer, const ParseContext& ctx, bool everything, Outcomes outcomes) {
  // System messages never report a workout.
  static const std::unordered_set<std::string> skip = {
      "channel_join",      "channel_leave", "channel_topic", "channel_purpose", "channel_name",    "channel_archive",
      "channel_unarchive", "group_join",    "group_leave",   "tombstone",       "message_deleted", "bot_add",
      "bot_remove",        "pinned_item",   "unpinned_item", "reminder_add",    "sh_room_created"};
  Derivation done;
  DeriveReport& report = done.report;
  std::vector<db::BeatdownRecord> beatdowns;
  std::vector<db::MessageIssues> issues;
  // The candidates are parsed on every core, a chunk at a time (so that the copies held for it
  // stay a few megabytes whatever the region): the parser reads each message alone, with the
  // region's context, which it does not change. Records keep the candidates' order.
  constexpr size_t kChunk = 4096;
  std::vector<db::StoredMessage> chunk;
  std::vector<Backblast> parsed;
  std::chrono::steady_clock::duration parsing{};
  auto flush = [&] {
    const auto start = std::chrono::steady_clock::now();
    parsed.assign(chunk.size(), Backblast{});
    parallel_for(chunk.size(), [&](size_t i) { parsed[i] = parse_stored(chunk[i], ctx); });
    parsing += std::chrono::steady_clock::now() - start;
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (parsed[i].is_backblast) add_beatdown(chunk[i], parsed[i], report, beatdowns, issues);
      if (outcomes == Outcomes::kept) done.messages[{chunk[i].channel_id, chunk[i].ts}] = outcome_of(parsed[i]);
    }
    chunk.clear();
  };
  writer.for_each_message_to_derive(everything, [&](const db::StoredMessage& m) {
    if (m.deleted || skip.count(m.subtype) || !ts_time(m.ts)) return;
    ++report.examined;
    chunk.push_back(m);
    if (chunk.size() == kChunk) flush();
  });
  flush();
  log::debug("derive: parse: " +
             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(parsing).count()) + " ms");
  report.changed = writer.replace_derived(beatdowns, issues);
  report.beatdowns = static_cast<long>(beatdowns.size());
  return done;
}

ParseContext make_context(const std::string& tz, db::RegionWriter& writer) {
  std::vector<ChannelInfo> channels;
  for (const auto& c : writer.channels()) channels.push_back({c.id, c.name});
  return ParseContext(tz, channels);
}

}  // namespace paxstats::mining::detail
