// paxstats import: a Slack export into the raw store, then derivation, in one transaction.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_set>

#include "derive.hpp"
#include "records.hpp"
#include "paxstats/db/raw_store.hpp"
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

namespace {
// The same message twice in an export: only the merge path can choose between the two.
struct DuplicateMessage {};
}  // namespace

ImportReport import_once(db::Database& db, std::string_view region, const std::filesystem::path& path,
                         const ImportOptions& options, bool allow_direct);

ImportReport import_export(db::Database& db, std::string_view region, const std::filesystem::path& path,
                           const ImportOptions& options) {
  try {
    return import_once(db, region, path, options, true);
  } catch (const DuplicateMessage&) {
    log::info("a message appears twice in the export: importing through the merge path");
    return import_once(db, region, path, options, false);
  }
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
  std::unordered_set<std::string> seen;  // direct mode: (channel, ts) written so far
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
    report.notes.push_back("folder " + f + " has day files but no entry in channels.json, groups.json, mpims.json or "
                           "dms.json; its messages were not imported");

  size_t total_files = 0;
  for (const auto& c : index.conversations) total_files += c.day_files.size();

  // A reader thread parses day files while this thread streams them to the server (which
  // parses the JSON again into jsonb as it receives it): the two cores work at once.
  struct Batch {
    std::string file;
    std::vector<db::MessageRecord> rows;
    std::string error;  // a bad file: why
    size_t bytes = 0;   // its messages' JSON, for the queue's memory bound
  };
  // The queue between the reader and the writer is bounded by files and by bytes, so memory
  // stays flat however large the export's files are.
  constexpr size_t kQueueFiles = 64, kQueueBytes = 64u << 20;
  size_t queued_bytes = 0;
  std::mutex mu;
  std::condition_variable ready, room;
  std::deque<Batch> queue;
  bool done = false, stop = false;
  std::thread reader([&] {
    for (const auto& conv : index.conversations)
      for (const auto& file : conv.day_files) {
        Batch b{file, {}, {}};
        try {
          const std::string where = archive->where(file);
          slack::for_each_element(*archive, file, [&](const json& m, std::string_view raw, size_t line) {
            b.rows.push_back(detail::message_record(conv.id, m, where + ":" + std::to_string(line)));
            b.bytes += raw.size();
          });
        } catch (const std::exception& e) {
          b.rows.clear();
          b.error = e.what();
        }
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return (queue.size() < kQueueFiles && queued_bytes < kQueueBytes) || queue.empty() || stop; });
        if (stop) return;
        queued_bytes += b.bytes;
        queue.push_back(std::move(b));
        ready.notify_one();
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

  long staged = 0;
  auto merge = [&] {
    auto s = writer.merge_messages("export");
    report.inserted += s.inserted;
    report.updated += s.updated;
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
      if (!options.skip_bad_files) throw UserError(b.error);
      report.skipped.push_back(b.error);
      continue;
    }
    for (const auto& r : b.rows) {
      if (direct && !seen.insert(r.channel_id + '|' + r.ts).second) throw DuplicateMessage{};
      writer.stage_message(r);
    }
    report.messages += static_cast<long>(b.rows.size());
    staged += static_cast<long>(b.rows.size());
    ++report.files;
    if (staged >= kMergeEvery) merge();
    if (options.progress && (report.files % 500 == 0 || static_cast<size_t>(report.files) == total_files)) {
      *options.progress << (options.progress_is_tty ? "\r" : "") << "import: " << report.files << "/" << total_files
                        << " files, " << report.messages << " messages" << (options.progress_is_tty ? "" : "\n")
                        << std::flush;
    }
  }
  merge();
  if (options.progress && options.progress_is_tty) *options.progress << "\n";
  report.derived = detail::derive(writer, detail::make_context(tz, writer), false);
  writer.mark_backblast_channels();
  writer.commit();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

DeriveReport reparse(db::Database& db, std::string_view region) {
  const std::string tz = db::get_region(db, region).tz;
  db::RegionWriter writer(db, region);
  auto report = detail::derive(writer, detail::make_context(tz, writer), true);
  writer.mark_backblast_channels();
  writer.commit();
  return report;
}

std::vector<ChannelInfo> load_channels(db::Database& db, std::string_view region) {
  db::validate_slug(region);
  std::vector<ChannelInfo> out;
  for (const auto& row : db.query("SELECT channel_id, name FROM " + db::quote_identifier(region) + ".channels"))
    out.push_back({*row[0], *row[1]});
  return out;
}

}  // namespace paxstats::mining
