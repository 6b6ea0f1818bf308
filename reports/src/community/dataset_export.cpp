#include "paxstats/reports/dataset_export.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/reports/slack_html.hpp"

namespace paxstats::reports {
namespace fs = std::filesystem;
using db::community::ExportFormat;
using db::community::ExportTable;

namespace {

// XML text: escaped once, and without the control characters XML 1.0 cannot hold at all.
std::string xml(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') clean += c;
  return html_escape(clean);
}

nlohmann::json schema_json(const std::vector<db::community::ExportColumn>& columns) {
  auto out = nlohmann::json::array();
  for (const auto& c : columns) {
    nlohmann::json f = {{"name", c.name}, {"type", c.type}, {"mode", c.mode}};
    if (!c.fields.empty()) f["fields"] = schema_json(c.fields);
    out.push_back(std::move(f));
  }
  return out;
}

// A file written under a temporary name, renamed into place by commit().
class PendingFile {
 public:
  PendingFile(const fs::path& dir, const std::string& name)
      : final_(dir / name), temp_(dir / (".paxstats-export." + name + ".part")) {
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

void write_gexf(const db::community::Network& net, const std::string& today, const std::string& description,
                const std::function<void(std::string_view)>& sink) {
  std::string out;
  auto flush = [&](bool force) {
    if (force || out.size() > (1u << 16)) {
      sink(out);
      out.clear();
    }
  };
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n";
  out += "  <meta lastmodifieddate=\"" + xml(today) + "\">\n    <creator>paxstats</creator>\n    <description>" +
         xml(description) + "</description>\n  </meta>\n";
  out +=
      "  <graph mode=\"static\" defaultedgetype=\"directed\">\n"
      "    <attributes class=\"node\">\n      <attribute id=\"messages\" title=\"messages\" type=\"long\"/>\n"
      "    </attributes>\n"
      "    <attributes class=\"edge\">\n      <attribute id=\"interaction\" title=\"interaction\" "
      "type=\"string\"/>\n    </attributes>\n";
  out += "    <nodes>\n";
  for (const auto& n : net.nodes) {
    out += "      <node id=\"" + xml(n.id) + "\" label=\"" + xml(n.label) +
           "\"><attvalues><attvalue for=\"messages\" value=\"" + std::to_string(n.messages) +
           "\"/></attvalues></node>\n";
    flush(false);
  }
  out += "    </nodes>\n    <edges>\n";
  size_t id = 0;
  for (const auto& e : net.edges) {
    out += "      <edge id=\"" + std::to_string(id++) + "\" source=\"" + xml(e.source) + "\" target=\"" +
           xml(e.target) + "\" weight=\"" + std::to_string(e.weight) + "\" kind=\"" + xml(e.kind) +
           "\"><attvalues><attvalue for=\"interaction\" value=\"" + xml(e.kind) + "\"/></attvalues></edge>\n";
    flush(false);
  }
  out += "    </edges>\n  </graph>\n</gexf>\n";
  flush(true);
}

DatasetExportResult export_dataset(db::Database& db, std::string_view region, const DatasetExportOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const auto r = db::get_region(db, region);
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (!fs::is_directory(o.out))
    throw UserError("--out " + o.out.string() + " is not a folder paxstats can make" +
                    (ec ? " (" + ec.message() + ")" : std::string()) + "; name a folder to write the dataset into");

  db::community::DatasetReader reader(db, region, r.tz, o.window);
  const bool ndjson = o.format == ExportFormat::ndjson;
  std::vector<std::unique_ptr<PendingFile>> files;
  DatasetExportResult result;
  auto add = [&](const std::string& name) -> PendingFile& {
    files.push_back(std::make_unique<PendingFile>(o.out, name));
    return *files.back();
  };

  for (const auto table : db::community::export_tables()) {
    const std::string name(db::community::table_name(table));
    // Gephi reads its spreadsheet format: the network is CSV whatever the format of the rest.
    const bool network = table == ExportTable::nodes || table == ExportTable::edges;
    const auto format = network ? ExportFormat::csv : o.format;
    const auto t0 = std::chrono::steady_clock::now();
    auto& f = add(name + (format == ExportFormat::ndjson ? ".ndjson" : ".csv"));
    const auto rows = reader.copy(table, format, [&](std::string_view bytes) { f.write(bytes); });
    result.files.push_back({name + (format == ExportFormat::ndjson ? ".ndjson" : ".csv"), rows,
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    if (table == ExportTable::messages) result.messages = rows;
    if (ndjson && !network) {
      auto& s = add(name + ".schema.json");
      s.write(schema_json(db::community::export_columns(table, ExportFormat::ndjson)).dump(2) + "\n");
      result.files.push_back({name + ".schema.json", 0, 0});
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto& net = reader.network();
  auto& g = add("network.gexf");
  write_gexf(net, o.today,
             "Who answered, mentioned and reacted to whom in " + r.name + " (" +
                 (o.window.since.empty() ? std::string("the beginning") : o.window.since) + " to " +
                 (o.window.until.empty() ? std::string("now") : o.window.until) + ")",
             [&](std::string_view bytes) { g.write(bytes); });
  result.files.push_back({"network.gexf", static_cast<std::int64_t>(net.nodes.size() + net.edges.size()),
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});

  for (auto& f : files) f->close();
  for (auto& f : files) {
    result.bytes += f->bytes();
    f->commit();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace paxstats::reports
