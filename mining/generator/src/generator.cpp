// paxstats generate: a fictional F3 region, simulated day by day and written as a Slack export.
#include "paxstats/mining/generator.hpp"

#include <filesystem>

#include "paxstats/error.hpp"
#include "export_writer.hpp"
#include "simulation.hpp"

namespace paxstats::mining {

GeneratorSummary generate_workspace(const GeneratorOptions& o, const std::filesystem::path& dir) {
  if (o.pax < 5 || o.pax > 200000) throw UserError("--pax must be between 5 and 200000");
  if (o.years < 1 || o.years > 20) throw UserError("--years must be between 1 and 20");
  if (o.months < 0 || o.months > 240) throw UserError("--months must be between 1 and 240");
  if (o.aos < 0 || o.aos > 500) throw UserError("--aos must be between 0 (automatic) and 500");
  if (o.chatter_per_pax_day < 0 || o.chatter_per_pax_day > 50) throw UserError("--chatter must be between 0 and 50");
  gen::check_time_zone(o.tz);
  gen::prepare_export_dir(dir);
  return gen::Simulation(o, dir).run();
}

}  // namespace paxstats::mining
