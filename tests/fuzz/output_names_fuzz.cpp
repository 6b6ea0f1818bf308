// libFuzzer: names from the data joined to the folder they are written in (the static export, the
// outbox, the dataset export; issue 29): refused, or inside the folder. Never outside.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "paxstats/error.hpp"
#include "paxstats/output_folder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), size);
  const std::filesystem::path dir = "/srv/site/r";
  try {
    const auto p = paxstats::files::inside(dir, "pax/" + name + ".html");
    const std::string s = p.lexically_normal().string();
    if (s.rfind("/srv/site/r/", 0) != 0) std::abort();
    for (const auto& part : p)
      if (part == "..") std::abort();
  } catch (const paxstats::UserError&) {
  }
  return 0;
}
