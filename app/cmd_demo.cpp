// paxstats demo: the whole path on the generated sample region, as far as it is built.
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/mining/generator.hpp"

namespace paxstats::app {

void add_demo_command(CLI::App& root, Context& ctx) {
  auto out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand(
      "demo",
      "Run paxstats on a generated sample region: start the private database, create region \"demo\", "
      "write the sample Slack export");
  cmd->add_option("--out", *out, "Folder for the demo's files (default $PAXSTATS_HOME/demo)");
  cmd->callback([&ctx, out] {
    ctx.action = [&ctx, out] {
      const std::filesystem::path dir = out->empty() ? ctx.home / "demo" : std::filesystem::path(*out);
      std::cout << "paxstats demo\n";
      const std::string url = database_url(ctx);
      db::Database conn(url);
      std::cout << "  database:  " << db::redact_url(url) << "\n";

      const bool exists = conn.query_value("SELECT 1 FROM paxstats.regions WHERE slug = 'demo'").has_value();
      if (!exists) db::add_region(conn, "demo", "F3 Demo Region", "America/Chicago");
      std::cout << "  region:    demo (schema demo, America/Chicago)" << (exists ? ", already there" : ", created")
                << "\n";

      mining::GeneratorOptions options;  // fixed defaults: the same sample region every time
      auto s = mining::generate_workspace(options, dir / "export");
      std::cout << "  workspace: " << (dir / "export").string() << "\n"
                << "             " << s.users << " users, " << s.channels << " channels, " << s.messages
                << " messages, " << s.beatdowns << " beatdowns from " << s.first_date << " to " << s.last_date << "\n"
                << "             ground truth of every beatdown: " << (dir / "export" / "truth.json").string() << "\n"
                << "\nNext: importing this export and the monthly report arrive with the mining and report\n"
                << "features; until then, explore the database with: psql \"$(paxstats db url)\"\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
