// paxstats import: a Slack export into the raw store, then derivation, in one transaction.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "derive.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/export.hpp"

namespace paxstats::mining {
namespace {

using json = nlohmann::json;
constexpr size_t kMaxMessageBytes = 4u << 20;  // Slack caps text at 40,000 characters; 4 MiB is no message
constexpr long kMergeEvery = 250000;           // staged rows per merge, to bound the staging table

std::string str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<long long> number(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_number()) return static_cast<long long>(it->get<double>());
  if (it->is_string()) {  // legacy exports write "created" as a string
    try {
      return std::stoll(it->get<std::string>());
    } catch (...) {
    }
  }
  return std::nullopt;
}

bool valid_ts(const std::string& ts) {
  if (ts.empty() || ts.size() > 32) return false;
  size_t dot = ts.find('.');
  for (size_t i = 0; i < ts.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(ts[i]))) return false;
  return dot != 0 && dot != ts.size() - 1;
}

db::UserRecord user_record(const json& u) {
  db::UserRecord r;
  r.id = str(u, "id");
  const json profile = u.contains("profile") && u["profile"].is_object() ? u["profile"] : json::object();
  r.display_name = str(profile, "display_name");
  r.real_name = str(u, "real_name").empty() ? str(profile, "real_name") : str(u, "real_name");
  r.user_name = !r.display_name.empty() ? r.display_name : !r.real_name.empty() ? r.real_name : str(u, "name");
  if (r.user_name.empty()) r.user_name = r.id;
  r.email = str(profile, "email");
  r.tz = str(u, "tz");
  r.is_bot = u.value("is_bot", false) || u.value("is_app_user", false) || r.id == "USLACKBOT";
  r.deleted = u.value("deleted", false);
  r.updated = number(u, "updated");
  r.raw = u.dump();
  return r;
}

db::ChannelRecord channel_record(const slack::ExportConversation& c) {
  db::ChannelRecord r;
  r.id = c.id;
  r.name = c.name;
  if (c.kind == "dm") {  // DMs have no name: name them by their members
    r.name = "dm";
    for (const auto& m : c.info.value("members", json::array()))
      if (m.is_string()) r.name += "-" + m.get<std::string>();
  }
  r.is_archived = c.info.value("is_archived", false);
  r.is_private = c.kind != "channel";
  r.created = number(c.info, "created");
  r.raw = c.info.dump();
  return r;
}

}  // namespace

// Reads one message object; throws UserError naming `where` for what no Slack message looks like.
db::MessageRecord message_record(const std::string& channel, const json& m, const std::string& where,
                                 std::string_view raw = {}) {
  if (!m.is_object()) throw UserError(where + ": a message that is not a JSON object: " + m.dump().substr(0, 120));
  db::MessageRecord r;
  r.channel_id = channel;
  r.ts = str(m, "ts");
  if (!valid_ts(r.ts))
    throw UserError(where + ": a message whose \"ts\" (" + m.value("ts", json()).dump().substr(0, 40) +
                    ") is not a Slack timestamp like 1700000000.000100");
  r.raw = raw.empty() ? m.dump() : std::string(raw);  // the bytes as received, when we have them
  if (r.raw.size() > kMaxMessageBytes)
    throw UserError(where + ": message " + r.ts + " is " + std::to_string(r.raw.size() >> 20) +
                    " MiB; Slack messages hold at most 40,000 characters, so the file is damaged or not from Slack.");
  r.thread_ts = str(m, "thread_ts");
  r.user_id = str(m, "user");
  r.bot_id = str(m, "bot_id");
  r.subtype = str(m, "subtype");
  r.text = str(m, "text");
  if (m.contains("edited") && m["edited"].is_object()) r.edited_ts = str(m["edited"], "ts");
  r.deleted = r.subtype == "tombstone";
  r.reply_count = static_cast<int>(number(m, "reply_count").value_or(0));
  if (auto it = m.find("reactions"); it != m.end() && it->is_array())
    for (const auto& x : *it) {
      if (!x.is_object() || !x.contains("name") || !x["name"].is_string()) continue;
      std::set<std::string> seen;
      for (const auto& u : x.value("users", json::array()))
        if (u.is_string() && seen.insert(u.get<std::string>()).second) r.reactions.emplace_back(x["name"], u.get<std::string>());
    }
  auto add_file = [&](const json& f) {
    if (!f.is_object() || !f.contains("id") || !f["id"].is_string()) return;
    db::FileRecord fr{str(f, "id"), str(f, "name"), str(f, "title"), str(f, "mimetype"), str(f, "filetype"),
                      str(f, "url_private"), number(f, "size"), f.dump()};
    r.files.push_back(std::move(fr));
  };
  if (auto it = m.find("files"); it != m.end() && it->is_array())
    for (const auto& f : *it) add_file(f);
  if (auto it = m.find("file"); it != m.end()) add_file(*it);  // legacy exports: one file per message
  return r;
}

ImportReport import_export(db::Database& db, std::string_view region, const std::filesystem::path& path,
                           const ImportOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string tz = db::get_region(db, region).tz;
  auto archive = slack::ExportArchive::open(path);
  const auto index = slack::index_export(*archive);

  ImportReport report;
  db::RegionWriter writer(db, region);
  std::vector<db::UserRecord> users;
  for (const auto& u : index.users) users.push_back(user_record(u));
  writer.upsert_users(users);
  report.users = static_cast<long>(users.size());
  std::vector<db::ChannelRecord> channels;
  for (const auto& c : index.conversations) channels.push_back(channel_record(c));
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
  };
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
          slack::for_each_element(*archive, file, [&](const json& m, std::string_view raw) {
            b.rows.push_back(message_record(conv.id, m, where, raw));
          });
        } catch (const std::exception& e) {
          b.rows.clear();
          b.error = e.what();
        }
        std::unique_lock lock(mu);
        room.wait(lock, [&] { return queue.size() < 64 || stop; });
        if (stop) return;
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
      room.notify_one();
    }
    // A file is read and checked whole before any of it is staged, so skipping it leaves nothing behind.
    if (!b.error.empty()) {
      if (!options.skip_bad_files) throw UserError(b.error);
      report.skipped.push_back(b.error);
      continue;
    }
    for (const auto& r : b.rows) writer.stage_message(r);
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
