// paxstats generate --out DIR [--pax N] [--years Y] [--seed S] …
#include <iostream>

#include "commands.hpp"
#include "paxstats/mining/generator.hpp"

namespace paxstats::app {

void add_generate_command(CLI::App& root, Context& ctx) {
  struct Args {
    std::string out;
    mining::GeneratorOptions opt;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "generate", "Write a synthetic F3 region as a Slack export, plus truth.json (every beatdown in it)");
  cmd->add_option("--out", args->out, "Folder to write (created; an earlier generated export there is replaced)")
      ->required();
  cmd->add_option("--pax", args->opt.pax, "Slack members who work out")->capture_default_str();
  cmd->add_option("--years", args->opt.years, "Whole months of history, in years")->capture_default_str();
  cmd->add_option("--months", args->opt.months, "Whole months of history (overrides --years)");
  cmd->add_option("--seed", args->opt.seed, "Random seed: same seed and options, same bytes")->capture_default_str();
  cmd->add_option("--end", args->opt.end, "Last day generated (YYYY-MM-DD)")->capture_default_str();
  cmd->add_option("--tz", args->opt.tz, "Region time zone (IANA)")->capture_default_str();
  cmd->add_option("--aos", args->opt.aos, "AO channels (0: 15, or one per 12 PAX for large regions)")
      ->capture_default_str();
  cmd->add_option("--chatter", args->opt.chatter_per_pax_day, "Chatter messages per PAX per day")
      ->capture_default_str();
  cmd->callback([&ctx, args] {
    ctx.action = [args] {
      auto s = mining::generate_workspace(args->opt, args->out);
      std::cout << "wrote " << args->out << ": " << s.users << " users, " << s.channels << " channels, " << s.messages
                << " messages, " << s.beatdowns << " beatdowns (" << s.first_date << " to " << s.last_date
                << "); ground truth in truth.json\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
