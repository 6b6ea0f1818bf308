// paxstats import: a Slack export into the raw store, then derivation, in one transaction.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "derive.hpp"
#include "records.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/export.hpp"

namespace paxstats::mining {
namespace {

using json = nlohmann::json;
constexpr long kMergeEvery = 250000;  // staged rows per merge, to bound the staging table

// A conversation of the export's lists as a channel row; DMs have no name, so they are named by
// their members.
db::ChannelRecord channel_record(const slack::ExportConversation& c, const std::string& where) {
  db::ChannelRecord r = detail::channel_record(c.info, c.kind != "channel", where);
  if (c.kind == "dm") {
    r.name = "dm";
    for (const auto& m : c.info.value("members", json::array()))
      if (m.is_string()) r.name += "-" + m.get<std::string>();
  }
  return r;
}

}  // namespace

namespace {}  // namespace

ImportReport import_once(db::Database& db, std::string_view region, const std::filesystem::path& path,
                         const ImportOptions& options, bool allow_direct);

ImportReport import_export(db::Database& db, std::string_view region, const std::filesystem::path& path,
                           const ImportOptions& options) {
  ImportReport report;
  try {
    report = import_once(db, region, path, options, true);
  } catch (const db::DuplicateMessage&) {  // the same message twice: only the merge path can choose
    log::info("a message appears twice in the export: importing through the merge path");
    report = import_once(db, region, path, options, false);
  }
  const auto aliases = db::refresh_aliases(db, region);
  report.derived.aliases = aliases.matched;
  report.derived.ambiguous_names = aliases.ambiguous;
  return report;
}

ImportReport import_once(db::Database& db, std::string_view region, const std::filesystem::path& path,
                         const ImportOptions& options, bool allow_direct) {
  const auto start = std::chrono::steady_clock::now();
  const std::string tz = db::get_region(db, region).tz;
  auto archive = slack::ExportArchive::open(path);
  const auto index = slack::index_export(*archive);

  ImportReport report;
  db::RegionWriter writer(db, region);
  // A first import into an empty region writes straight into the tables (about twice as fast).
  const bool direct = allow_direct && writer.region_is_empty();
  if (direct) writer.direct_mode();
  std::vector<db::UserRecord> users;
  for (const auto& u : index.users) users.push_back(detail::user_record(u, archive->where("users.json")));
  for (const auto& n : index.notes) report.notes.push_back(n);
  writer.upsert_users(users);
  report.users = static_cast<long>(users.size());
  std::vector<db::ChannelRecord> channels;
  for (const auto& c : index.conversations)
    channels.push_back(channel_record(c, archive->where(c.kind == "channel" ? "channels.json"
                                                        : c.kind == "group" ? "groups.json"
                                                        : c.kind == "mpim"  ? "mpims.json"
                                                                            : "dms.json")));
  writer.upsert_channels(channels);
  report.conversations = static_cast<long>(channels.size());
  for (const auto& f : index.stray_folders)
    report.notes.push_back("folder " + f +
                           " has day files but no entry in channels.json, groups.json, mpims.json or "
                           "dms.json; its messages were not imported");

  size_t total_files = 0;
  for (const auto& c : index.conversations) total_files += c.day_files.size();

  // A reader thread parses day files while this thread streams them to the server (which
  // parses the JSON again into jsonb as it receives it): the two cores work at once.
  struct Batch {
    std::string file;
    std::vector<db::MessageRecord> rows;
    std::string error;  // a bad file: why
    size_t bytes = 0;   // the rows' memory, for the queue's bound
    bool last = true;   // a large file comes in parts; this is its last (or only) one
  };
  // Memory stays flat however large the export or its files are (peak RSS ≤ 500 MB for any
  // export): the queue between reader and writer holds at most kQueueBytes of rows, and a file
  // larger than kWholeFile is not held as rows whole. It is checked first, every message of it,
  // keeping nothing, then read again and sent in parts of kPartBytes. A bad file is still found
  // before any of it is staged, so --skip-bad-files leaves nothing of it behind.
  constexpr size_t kQueueFiles = 64, kQueueBytes = 64u << 20, kPartBytes = 8u << 20;
  constexpr uint64_t kWholeFile = 16u << 20;
  size_t queued_bytes = 0;
  std::mutex mu;
  std::condition_variable ready, room;
  std::deque<Batch> queue;
  bool done = false, stop = false;
  struct Stopped {};  // the writer has given up: the reader leaves at once
  auto push = [&](Batch&& b) {
    std::unique_lock lock(mu);
    room.wait(lock,
              [&] { return (queue.size() < kQueueFiles && queued_bytes < kQueueBytes) || queue.empty() || stop; });
    if (stop) throw Stopped{};
    queued_bytes += b.bytes;
    queue.push_back(std::move(b));
    ready.notify_one();
  };
  std::thread reader([&] {
    try {
      for (const auto& conv : index.conversations)
        for (const auto& file : conv.day_files) {
          Batch b{file, {}, {}};
          const std::string where = archive->where(file);
          const bool in_parts = archive->size(file) > kWholeFile;
          bool sent_part = false;
          try {
            if (in_parts)
              slack::for_each_element(*archive, file, [&](const json& m, std::string_view, size_t line) {
                (void)detail::message_record(conv.id, m, where + ":" + std::to_string(line));
              });
            slack::for_each_element(*archive, file, [&](const json& m, std::string_view, size_t line) {
              b.rows.push_back(detail::message_record(conv.id, m, where + ":" + std::to_string(line)));
              b.bytes += detail::footprint(b.rows.back());
              if (in_parts && b.bytes >= kPartBytes) {
                Batch part{file, std::move(b.rows), {}, b.bytes, false};
                b.rows.clear();
                b.bytes = 0;
                push(std::move(part));
                sent_part = true;
              }
            });
          } catch (const Stopped&) {
            throw;
          } catch (const std::exception& e) {
            b.rows.clear();
            b.bytes = 0;
            // The check pass read the same bytes without fault: a file that fails the second
            // time has changed under the import, and part of it is staged.
            b.error =
                sent_part ? std::string("abort: ") + where + " changed while it was imported: " + e.what() : e.what();
          }
          push(std::move(b));
        }
    } catch (const Stopped&) {
      return;
    }
    std::lock_guard lock(mu);
    done = true;
    ready.notify_one();
  });
  struct Join {  // stops and joins the reader however this function ends
    std::thread& t;
    std::mutex& mu;
    bool& stop;
    std::condition_variable& room;
    ~Join() {
      {
        std::lock_guard lock(mu);
        stop = true;
      }
      room.notify_all();
      if (t.joinable()) t.join();
    }
  } join{reader, mu, stop, room};

  long staged = 0, duplicates = 0, differing = 0;
  std::vector<std::string> duplicate_examples;
  auto merge = [&] {
    auto s = writer.merge_messages("export");
    report.inserted += s.inserted;
    report.updated += s.updated;
    duplicates += s.duplicates;
    differing += s.differing;
    for (auto& e : s.duplicate_examples)
      if (duplicate_examples.size() < 3) duplicate_examples.push_back(std::move(e));
    staged = 0;
  };
  for (;;) {
    Batch b;
    {
      std::unique_lock lock(mu);
      ready.wait(lock, [&] { return !queue.empty() || done; });
      if (queue.empty()) break;
      b = std::move(queue.front());
      queue.pop_front();
      queued_bytes -= b.bytes;
      room.notify_one();
    }
    // A file is read and checked whole before any of it is staged, so skipping it leaves nothing behind.
    if (!b.error.empty()) {
      if (!options.skip_bad_files || b.error.rfind("abort: ", 0) == 0) throw UserError(b.error);
      report.skipped.push_back(b.error);
      continue;
    }
    // Direct mode: the table's primary key finds a message that comes twice (DuplicateMessage).
    for (const auto& r : b.rows) writer.stage_message(r);
    report.messages += static_cast<long>(b.rows.size());
    staged += static_cast<long>(b.rows.size());
    if (!b.last) continue;
    ++report.files;
    if (staged >= kMergeEvery) merge();
    if (options.progress && (report.files % 500 == 0 || static_cast<size_t>(report.files) == total_files)) {
      *options.progress << (options.progress_is_tty ? "\r" : "") << "import: " << report.files << "/" << total_files
                        << " files, " << report.messages << " messages" << (options.progress_is_tty ? "" : "\n")
                        << std::flush;
    }
  }
  merge();
  if (duplicates > 0) {
    std::string examples;
    for (const auto& e : duplicate_examples) examples += (examples.empty() ? "" : ", ") + e;
    report.notes.push_back(std::to_string(duplicates) +
                           " message(s) appear more than once in the export (the same "
                           "channel and ts; " +
                           std::to_string(differing) + " of them with copies that differ), e.g. " + examples +
                           ": one copy of each is kept (deleted, else last edited, else most replies)");
  }
  if (options.progress && options.progress_is_tty) *options.progress << "\n";
  report.derived = detail::derive(writer, detail::make_context(tz, writer), false).report;
  writer.mark_backblast_channels();
  writer.commit();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

DeriveReport reparse(db::Database& db, std::string_view region, bool full) {
  const std::string tz = db::get_region(db, region).tz;
  db::RegionWriter writer(db, region);
  if (full) writer.rewrite_all();
  auto report = detail::derive(writer, detail::make_context(tz, writer), true).report;
  writer.mark_backblast_channels();
  writer.commit();
  const auto aliases = db::refresh_aliases(db, region);
  report.aliases = aliases.matched;
  report.ambiguous_names = aliases.ambiguous;
  return report;
}

std::vector<ChannelInfo> load_channels(db::Database& db, std::string_view region) {
  std::vector<ChannelInfo> out;
  for (auto& c : db::channel_names(db, region)) out.push_back({std::move(c.id), std::move(c.name)});
  return out;
}

}  // namespace paxstats::mining
