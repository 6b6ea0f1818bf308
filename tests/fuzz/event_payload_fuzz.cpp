// libFuzzer: what arrives at POST /slack/events (and over Socket Mode). read_event_body never
// throws: any input is a typed body or a reason for a 400.
#include <cstdint>
#include <string_view>

#include "payloads.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto r = paxstats::serve::read_event_body(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.body) (void)r.body->event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
