#include "paxstats/export/dataset_export.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/output_folder.hpp"
#include "paxstats/export/bigquery.hpp"
#include "paxstats/export/gexf.hpp"
#include "paxstats/export/tables.hpp"
#include "paxstats/export/tally.hpp"

namespace paxstats::dataset {
namespace fs = std::filesystem;
using db::community::ExportFormat;
using db::community::ExportTable;

namespace {

// A file written under a temporary name, renamed into place by commit().
class PendingFile {
 public:
  PendingFile(const fs::path& dir, const std::string& name)
      : final_(files::inside(dir, name)), temp_(files::inside(dir, ".paxstats-export." + name + ".part")) {
    out_.open(temp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw UserError("cannot write " + temp_.string() + ": check that the folder is writable");
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  }
  ~PendingFile() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      fs::remove(temp_, ec);
    }
  }
  void write(std::string_view bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes_ += static_cast<std::int64_t>(bytes.size());
  }
  // Flushes and closes; throws when the disk refused some of it.
  void close() {
    out_.flush();
    if (!out_) throw UserError("writing " + temp_.string() + " failed (is the disk full?); nothing was replaced");
    out_.close();
  }
  void commit() {
    fs::rename(temp_, final_);
    committed_ = true;
  }
  std::int64_t bytes() const { return bytes_; }

 private:
  fs::path final_, temp_;
  std::array<char, 1 << 16> buffer_{};
  std::ofstream out_;
  std::int64_t bytes_ = 0;
  bool committed_ = false;
};

}  // namespace

DatasetExportResult export_dataset(db::Database& db, std::string_view region, const DatasetExportOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const auto r = db::get_region(db, region);
  // Files of the same names are replaced; a folder paxstats did not make, and that holds
  // something, is refused before anything is written.
  const fs::path out = files::checked_output_dir(o.out, "--out");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (!fs::is_directory(out))
    throw UserError("--out " + o.out.string() + " is not a folder paxstats can make" +
                    (ec ? " (" + ec.message() + ")" : std::string()) + "; name a folder to write the dataset into");
  files::mark(out, "dataset export of " + r.slug);

  // The first reader checks the window before any file is made; the others read its snapshot.
  db::community::DatasetReader first(db, region, r.tz, o.window);
  const bool ndjson = o.format == ExportFormat::ndjson;
  DatasetExportResult result;
  // Every file, made (under its temporary name) in the order the result lists them; a task writes
  // its own files only.
  std::vector<std::unique_ptr<PendingFile>> files;
  auto add = [&](const std::string& name, std::int64_t rows = 0) {
    files.push_back(std::make_unique<PendingFile>(out, name));
    result.files.push_back({name, rows, 0});
    return files.size() - 1;
  };
  using Reader = db::community::DatasetReader;
  struct Task {
    double weight;  // the longest first (measured at 1M messages)
    std::function<void(Reader&)> run;
  };
  std::vector<Task> tasks;
  auto timed = [&](size_t slot, const std::function<std::int64_t()>& body) {
    const auto t0 = std::chrono::steady_clock::now();
    result.files[slot].rows = body();
    result.files[slot].seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  // The tables counted in one pass (the reader's tally), written by one task, which reads the
  // reactions on a helper reader of its own meanwhile; and, as CSV of every reaction, writes them
  // from that reading (else they are copied like the others).
  std::vector<std::pair<ExportTable, size_t>> counted;
  const bool reactions_by_tally = o.format == ExportFormat::csv && o.window.since.empty() && o.window.until.empty();
  std::optional<size_t> reactions_slot;
  for (const auto table : db::community::export_tables()) {
    const std::string name(db::community::table_name(table));
    // Gephi reads its spreadsheet format: the network is CSV whatever the format of the rest.
    const bool network = table == ExportTable::nodes || table == ExportTable::edges;
    const auto format = network ? ExportFormat::csv : o.format;
    const size_t slot = add(name + (format == ExportFormat::ndjson ? ".ndjson" : ".csv"));
    if (ndjson && !network) {
      const size_t schema = add(name + ".schema.json");
      files[schema]->write(bigquery_schema(db::community::export_columns(table, ExportFormat::ndjson)).dump(2) + "\n");
    }
    if (network || table == ExportTable::member_activity || table == ExportTable::channel_activity) {
      counted.emplace_back(table, slot);
      continue;
    }
    if (table == ExportTable::reactions && reactions_by_tally) {
      reactions_slot = slot;
      continue;
    }
    // Seconds at 1M messages, so that the longest start first.
    const double weight = table == ExportTable::messages ? 2 : table == ExportTable::reactions ? 1 : 0.1;
    tasks.push_back({weight, [&, table, format, slot](Reader& reader) {
                       timed(slot, [&] {
                         const auto rows = write_raw_table(reader, table, format,
                                                           [&](std::string_view bytes) { files[slot]->write(bytes); });
                         if (table == ExportTable::messages) result.messages = rows;
                         return rows;
                       });
                     }});
  }
  // The counted tables and the GEXF file, from one tally (the first table's time includes it).
  const size_t gexf = add("network.gexf");
  std::unique_ptr<Reader> helper;  // the tally's second reader, opened with the lanes' readers
  std::optional<Tally> tally;
  tasks.push_back({3, [&](Reader& reader) {
                     const auto t0 = std::chrono::steady_clock::now();
                     timed(counted.front().second, [&] {
                       TallyOptions options{helper.get(), {}};
                       if (reactions_slot)
                         options.reactions_csv = [&](std::string_view bytes) { files[*reactions_slot]->write(bytes); };
                       tally = count_window(reader, options);
                       if (reactions_slot) result.files[*reactions_slot].rows = tally->reactions_rows;
                       return std::int64_t{0};
                     });
                     if (reactions_slot)
                       result.files[*reactions_slot].seconds =
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                     // The GEXF file on a thread of its own, while this one writes the tables (the
                     // other tasks are done by now, most often: a core is free).
                     std::exception_ptr gexf_failed;
                     std::jthread gexf_writer([&] {  // (joined before this task ends, also on a throw)
                       try {
                         timed(gexf, [&] {
                           const auto& net = tally->network;
                           write_gexf(net, o.today,
                                      "Who answered, mentioned and reacted to whom in " + r.name + " (" +
                                          (o.window.since.empty() ? std::string("the beginning") : o.window.since) +
                                          " to " + (o.window.until.empty() ? std::string("now") : o.window.until) + ")",
                                      [&](std::string_view bytes) { files[gexf]->write(bytes); });
                           return static_cast<std::int64_t>(net.nodes.size() + net.edges.size());
                         });
                       } catch (...) {
                         gexf_failed = std::current_exception();
                       }
                     });
                     for (const auto& [table, slot] : counted) {
                       const double counting = result.files[slot].seconds;
                       timed(slot, [&, table = table, slot = slot] {
                         const auto format =
                             table == ExportTable::nodes || table == ExportTable::edges ? ExportFormat::csv : o.format;
                         return write_counted_table(*tally, table, format,
                                                    [&](std::string_view bytes) { files[slot]->write(bytes); });
                       });
                       result.files[slot].seconds += counting;
                     }
                     gexf_writer.join();
                     if (gexf_failed) std::rethrow_exception(gexf_failed);
                   }});
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.weight > b.weight; });

  // The tasks on readers of their own, in parallel (the counting queries are the server's work:
  // one reader a core, and one more while the others' bytes are written), the longest first.
  const size_t lanes =
      std::min<size_t>(tasks.size(), std::clamp<size_t>(std::thread::hardware_concurrency() + 1, 2, 5));
  std::atomic<size_t> next{0};
  std::mutex failed_mu;
  std::exception_ptr failed;
  auto lane = [&](Reader* reader) {
    try {
      for (size_t i; (i = next++) < tasks.size();) {
        {
          std::lock_guard lock(failed_mu);
          if (failed) return;
        }
        tasks[i].run(*reader);
      }
    } catch (...) {
      std::lock_guard lock(failed_mu);
      if (!failed) failed = std::current_exception();
    }
  };
  {
    // The siblings are opened first: the first reader's snapshot must be exported before it is busy.
    std::vector<std::unique_ptr<Reader>> siblings;
    for (size_t k = 1; k < lanes; ++k) siblings.push_back(std::make_unique<Reader>(db, region, r.tz, o.window, first));
    helper = std::make_unique<Reader>(db, region, r.tz, o.window, first);
    std::vector<std::thread> threads;
    for (size_t k = 1; k < lanes; ++k) threads.emplace_back(lane, siblings[k - 1].get());
    lane(&first);
    for (auto& t : threads) t.join();
  }
  if (failed) std::rethrow_exception(failed);

  for (auto& f : files) f->close();
  for (auto& f : files) {
    result.bytes += f->bytes();
    f->commit();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace paxstats::dataset
