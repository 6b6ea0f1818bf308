// paxstats: mines F3 backblasts from Slack into PostgreSQL and sends the charts back.
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/error.hpp"

namespace paxstats::app {

std::string database_url(const Context& ctx) {
  std::string url = db::resolve_database_url(ctx.home, &std::cerr);
  db::Database conn(url);
  db::migrate_all(conn);
  return url;
}

}  // namespace paxstats::app

int main(int argc, char** argv) {
  using namespace paxstats;
  CLI::App root{
      "paxstats — mines F3 backblasts from Slack into PostgreSQL and delivers charts back to Slack.\n"
      "Environment: DATABASE_URL (else a private cluster under PAXSTATS_HOME), PAXSTATS_HOME\n"
      "(default ~/.local/share/paxstats), SLACK_BOT_TOKEN, SLACK_API_BASE_URL, SLACK_SIGNING_SECRET (serve)."};
  root.require_subcommand(1);
  root.set_version_flag("--version", std::string("paxstats ") + PAXSTATS_VERSION);
  app::Context ctx;
  ctx.home = db::default_home();
  app::add_db_commands(root, ctx);
  app::add_region_commands(root, ctx);
  app::add_generate_command(root, ctx);
  app::add_demo_command(root, ctx);
  app::add_import_commands(root, ctx);
  app::add_backblast_commands(root, ctx);
  app::add_render_command(root, ctx);
  app::add_report_commands(root, ctx);
  app::add_slack_commands(root, ctx);
  app::add_serve_commands(root, ctx);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  }
  try {
    return ctx.action ? ctx.action() : 0;
  } catch (const UserError& e) {
    std::cerr << "paxstats: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "paxstats: unexpected error: " << e.what() << "\n"
              << "This is a bug in paxstats; please report it with the command you ran.\n";
    return 1;
  }
}
