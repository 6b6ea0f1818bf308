// libFuzzer: one day file of a Slack export, read as the import reads it. Any input is either
// read or refused with paxstats::UserError naming the file; nothing else may escape.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "paxstats/error.hpp"
#include "paxstats/slack/export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("paxstats-fuzz-export-" + std::to_string(getpid()));
    std::filesystem::create_directories(d / "ao-forge");
    std::ofstream(d / "channels.json") << R"([{"id":"C0000000F1","name":"ao-forge"}])";
    return d;
  }();
  {
    std::ofstream out(dir / "ao-forge" / "2024-03-05.json", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    auto archive = paxstats::slack::ExportArchive::open(dir);
    const auto index = paxstats::slack::index_export(*archive);
    for (const auto& c : index.conversations)
      for (const auto& f : c.day_files)
        paxstats::slack::for_each_element(*archive, f, [](const nlohmann::json& m, std::string_view raw, size_t) {
          (void)m.dump();
          (void)raw;
        });
  } catch (const paxstats::UserError&) {
  }
  return 0;
}
