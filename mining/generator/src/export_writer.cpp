#include "export_writer.hpp"

#include <algorithm>
#include <fstream>

#include <date/tz.h>

#include "paxstats/error.hpp"

namespace paxstats::mining::gen {

void check_time_zone(const std::string& tz) {
  try {
    (void)date::locate_zone(tz);
  } catch (const std::exception&) {
    throw UserError("unknown time zone \"" + tz + "\": use an IANA name such as America/Chicago");
  }
}

void prepare_export_dir(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
    // Replace an earlier generated export (it has truth.json); never touch anything else.
    if (!fs::exists(dir / "truth.json"))
      throw UserError(dir.string() +
                      " is not empty and holds no earlier generated export (truth.json). "
                      "Choose an empty or new folder.");
    for (const auto& entry : fs::directory_iterator(dir)) {
      const auto& p = entry.path();
      if (entry.is_regular_file() && p.extension() == ".json")
        fs::remove(p);
      else if (entry.is_directory()) {
        bool only_days = true;
        for (const auto& f : fs::directory_iterator(p))
          only_days &= f.is_regular_file() && f.path().extension() == ".json";
        if (only_days) fs::remove_all(p);
      }
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create " + dir.string() + ": " + ec.message());
}

void ExportWriter::add(const std::string& channel, json message) {
  const std::string ts = message["ts"].get<std::string>();
  const auto seconds = std::stoll(ts.substr(0, ts.find('.')));
  const auto day = date::floor<date::days>(date::sys_seconds{std::chrono::seconds{seconds}});
  pending_[day][channel].push_back(std::move(message));
  ++messages_;
}

void ExportWriter::flush_before(date::sys_days day) {
  while (!pending_.empty() && pending_.begin()->first < day) {
    auto node = pending_.extract(pending_.begin());
    const std::string file = date::format("%F", node.key()) + ".json";
    for (auto& [channel, messages] : node.mapped()) {
      std::stable_sort(messages.begin(), messages.end(), [](const json& a, const json& b) {
        return a["ts"].get_ref<const std::string&>() < b["ts"].get_ref<const std::string&>();
      });
      std::error_code ec;
      std::filesystem::create_directories(dir_ / channel, ec);
      write_document(channel + "/" + file, json(std::move(messages)));
    }
  }
}

void ExportWriter::write_document(const std::string& name, const json& doc) const {
  const auto path = dir_ / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << doc.dump(4, ' ', false, json::error_handler_t::strict) << "\n";
  if (!out) throw UserError("cannot write " + path.string() + ": check that the folder is writable and has space");
}

}  // namespace paxstats::mining::gen
