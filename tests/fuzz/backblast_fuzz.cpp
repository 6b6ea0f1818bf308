// libFuzzer: the backblast parser on any text, with any blocks and metadata. It must never throw,
// crash or hang (its header promises that for every input).
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "paxstats/mining/backblast.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const paxstats::mining::ParseContext ctx("America/Chicago",
                                                  {{"C0FORGE001", "ao-the-forge"}, {"C0BLEACH01", "bleachers"}});
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // The input is text, then optionally "\x1f" and JSON for blocks, then "\x1f" and JSON metadata.
  const size_t a = all.find('\x1f'), b = a == std::string_view::npos ? a : all.find('\x1f', a + 1);
  const std::string_view text = all.substr(0, a);
  nlohmann::json blocks, metadata;
  if (a != std::string_view::npos)
    blocks = nlohmann::json::parse(all.substr(a + 1, b == std::string_view::npos ? b : b - a - 1), nullptr, false);
  if (b != std::string_view::npos) metadata = nlohmann::json::parse(all.substr(b + 1), nullptr, false);
  const bool use_blocks = !blocks.is_discarded() && !blocks.is_null(),
             use_meta = !metadata.is_discarded() && !metadata.is_null();
  auto r = paxstats::mining::parse_backblast({text, use_blocks ? &blocks : nullptr, use_meta ? &metadata : nullptr,
                                              "C0FORGE001", std::chrono::sys_seconds{std::chrono::seconds{1709644500}}},
                                             ctx);
  (void)r.roles();
  (void)paxstats::mining::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
