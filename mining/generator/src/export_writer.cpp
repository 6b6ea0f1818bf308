#include "export_writer.hpp"

#include <algorithm>
#include <fstream>

#include "paxstats/error.hpp"

namespace paxstats::mining::gen {

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
