// paxstats generate: a fictional F3 region, simulated day by day and written as a Slack export.
#include "paxstats/mining/generator.hpp"

#include <filesystem>

#include "paxstats/error.hpp"
#include "simulation.hpp"

namespace paxstats::mining {

GeneratorSummary generate_workspace(const GeneratorOptions& o, const std::filesystem::path& dir) {
  if (o.pax < 5 || o.pax > 200000) throw UserError("--pax must be between 5 and 200000");
  if (o.years < 1 || o.years > 20) throw UserError("--years must be between 1 and 20");
  if (o.months < 0 || o.months > 240) throw UserError("--months must be between 1 and 240");
  if (o.aos < 0 || o.aos > 500) throw UserError("--aos must be between 0 (automatic) and 500");
  if (o.chatter_per_pax_day < 0 || o.chatter_per_pax_day > 50) throw UserError("--chatter must be between 0 and 50");
  try {
    (void)date::locate_zone(o.tz);
  } catch (const std::exception&) {
    throw UserError("unknown time zone \"" + o.tz + "\": use an IANA name such as America/Chicago");
  }
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
  return gen::Simulation(o, dir).run();
}

}  // namespace paxstats::mining
