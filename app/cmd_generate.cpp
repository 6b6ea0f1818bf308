// paxstats generate --out DIR [--pax N] [--years Y] [--seed S] …
#include <iostream>

#include "commands.hpp"
#include "paxstats/mining/generator.hpp"

namespace paxstats::app {

void add_generate_command(CLI::App& root, Context& ctx) {
  struct Args {
    std::string out;
    mining::GeneratorOptions opt;
    bool community = false;
    int members = 200;
    double posts = 0.4;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = root.add_subcommand(
      "generate",
      "Write a synthetic F3 region as a Slack export, plus truth.json (every beatdown in it); with --community, a "
      "community workspace that is not F3, with the truth of its activity counts");
  cmd->add_option("--out", args->out, "Folder to write (created; an earlier generated export there is replaced)")
      ->required();
  cmd->add_option("--pax", args->opt.pax, "Slack members who work out")->capture_default_str();
  cmd->add_option("--years", args->opt.years, "Whole months of history, in years")->capture_default_str();
  cmd->add_option("--months", args->opt.months, "Whole months of history (overrides --years)");
  cmd->add_option("--seed", args->opt.seed, "Random seed: same seed and options, same bytes")->capture_default_str();
  cmd->add_option("--end", args->opt.end, "Last day generated (YYYY-MM-DD)")->capture_default_str();
  auto* tz = cmd->add_option("--tz", args->opt.tz, "Region time zone (IANA)")->capture_default_str();
  cmd->add_option("--aos", args->opt.aos, "AO channels (0: 15, or one per 12 PAX for large regions)")
      ->capture_default_str();
  cmd->add_option("--chatter", args->opt.chatter_per_pax_day, "Chatter messages per PAX per day")
      ->capture_default_str();
  cmd->add_flag("--community", args->community,
                "A community workspace (threads, reactions, mentions, bots, members who go quiet), not an F3 region; "
                "uses --members, --months (default 6), --posts, --seed, --end, --tz");
  cmd->add_option("--members", args->members, "--community: members")->capture_default_str();
  cmd->add_option("--posts", args->posts,
                  "--community: posts a member writes on a weekday (on average; core members 6x)")
      ->capture_default_str();
  cmd->callback([&ctx, args, tz] {
    ctx.action = [args, tz] {
      if (args->community) {
        mining::CommunityOptions c;
        c.members = args->members;
        c.months = args->opt.months > 0 ? args->opt.months : 6;
        c.seed = args->opt.seed;
        c.end = args->opt.end;
        c.posts_per_member_day = args->posts;
        if (tz->count() > 0) c.tz = args->opt.tz;  // else the community default
        auto s = mining::generate_community(c, args->out);
        std::cout << "wrote " << args->out << ": a community of " << c.members << " members, " << s.channels
                  << " channels, " << s.messages << " messages (" << s.first_date << " to " << s.last_date
                  << "); the truth of its activity counts in truth.json\n";
        return 0;
      }
      auto s = mining::generate_workspace(args->opt, args->out);
      std::cout << "wrote " << args->out << ": " << s.users << " users, " << s.channels << " channels, " << s.messages
                << " messages, " << s.beatdowns << " beatdowns (" << s.first_date << " to " << s.last_date
                << "); ground truth in truth.json\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
