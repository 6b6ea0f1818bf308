// paxstats: mines F3 backblasts from Slack into PostgreSQL and sends the charts back.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <vector>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/web/slack_app.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/perform.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/error.hpp"
#include "terminal_safe.hpp"

namespace paxstats::app {

std::string database_url(const Context& ctx) {
  std::string url = db::resolve_database_url(ctx.home, &std::cerr);
  db::Database conn(url);
  db::migrate_all(conn);
  return url;
}

std::string public_url(const std::string& given) {
  const char* env = std::getenv("PAXSTATS_PUBLIC_URL");
  std::string url = !given.empty() ? given : env ? env : "";
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw UserError("--public-url takes an http:// or https:// address, e.g. https://stats.example.org, not \"" + url +
                    "\"");
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string region_token(db::Database& conn, const std::string& slug) {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  return web::region_bot_token(conn, db::get_region(conn, slug),
                               {env("SLACK_CLIENT_ID"), env("SLACK_CLIENT_SECRET"), env("SLACK_API_BASE_URL")});
}

std::optional<std::string> shared_token_warning(db::Database& conn, const std::string& region) {
  std::map<std::string, std::vector<std::string>> by_variable;
  for (const auto& r : db::list_regions(conn))
    if (r.active && !db::sealed_secret(conn, r.slug, db::SecretName::bot_token))
      by_variable[r.token_env].push_back(r.slug);
  std::string out;
  for (const auto& [variable, slugs] : by_variable) {
    if (slugs.size() < 2) continue;
    if (!region.empty() && std::find(slugs.begin(), slugs.end(), region) == slugs.end()) continue;
    std::string named;
    for (size_t i = 0; i < slugs.size() && i < 5; ++i) named += (i ? ", " : "") + slugs[i];
    if (slugs.size() > 5) named += ", …";
    out += std::string(out.empty() ? "" : "\n") + "paxstats: warning: " + std::to_string(slugs.size()) +
           " regions read their bot token from " + variable + " (" + named +
           "): if they are different Slack workspaces, give each its own (paxstats region token SLUG stores one "
           "sealed, or paxstats region set SLUG token_env=SLACK_BOT_TOKEN_<SLUG>)";
  }
  if (out.empty()) return std::nullopt;
  return out;
}

namespace {

// A usage error, as one line: what was wrong and where to look. Exit status 2, as every input
// error (CLI11's own codes would leak otherwise).
int usage_error(CLI::App& root, int argc, char** argv, const CLI::ParseError& e) {
  CLI::App* at = &root;
  std::string path = "paxstats", unknown;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    auto subs = at->get_subcommands([&](CLI::App* s) { return s->get_name() == arg; });
    if (!subs.empty()) {
      at = subs.front();
      path += " " + arg;
      continue;
    }
    if (!at->get_subcommands([](CLI::App*) { return true; }).empty()) unknown = arg;
    break;
  }
  std::string what = e.what();
  if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
  if (!unknown.empty())
    std::cerr << "paxstats: unknown command '" << unknown << "'" << (path == "paxstats" ? "" : " for " + path)
              << "; see " << path << " --help\n";
  else
    std::cerr << "paxstats: " << what << "; see " << path << " --help\n";
  return 2;
}

}  // namespace
}  // namespace paxstats::app

int main(int argc, char** argv) {
  using namespace paxstats;
  // Names from Slack never reach the terminal as escape sequences (terminal_safe.hpp).
  // Never freed: std::cout flushes through them until the very end of the process.
  std::cout.rdbuf(new app::TerminalSafeBuf(std::cout.rdbuf()));
  std::cerr.rdbuf(new app::TerminalSafeBuf(std::cerr.rdbuf()));
  CLI::App root{
      "paxstats — mines F3 backblasts from Slack into PostgreSQL and delivers charts back to Slack.\n"
      "Environment: DATABASE_URL (else a private cluster under PAXSTATS_HOME), PAXSTATS_HOME\n"
      "(default ~/.local/share/paxstats), SLACK_BOT_TOKEN, SLACK_API_BASE_URL, SLACK_SIGNING_SECRET (serve),\n"
      "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (sign-in, Add to Slack, rotating tokens), PAXSTATS_SECRET_KEY_FILE\n"
      "(the key stored tokens are sealed with), PAXSTATS_NOW (an ISO time: pins which month it is),\n"
      "DATABASE_READ_URL (serve: a hot standby the dashboard's pages are read from).\n"
      "Exit status: 0 ok, 2 a problem with the input or the environment (usage errors too), 1 a bug."};
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
  app::add_dashboard_commands(root, ctx);
  app::add_export_command(root, ctx);
  app::add_community_commands(root, ctx);
  app::add_key_commands(root, ctx);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return root.exit(e);  // --help, --version
    return app::usage_error(root, argc, argv, e);
  }
  try {
    return ctx.action ? ctx.action() : 0;
  } catch (const UserError& e) {
    std::cerr << "paxstats: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    if (db::classify(e) == db::Failure::in_doubt) {
      std::cerr << "paxstats: the connection to PostgreSQL was lost while a commit was under way (" << e.what()
                << "), so it may or may not have been made. paxstats does not repeat it on its own: check the "
                   "database (paxstats db status) and what the command was writing, then run it again.\n";
      return 2;
    }
    if (db::is_connection_loss(e)) {
      std::cerr << "paxstats: the connection to PostgreSQL was lost mid-command (" << e.what()
                << ").\nWhat was under way was rolled back (an import is all or nothing; unsent deliveries stay in "
                   "the outbox for paxstats deliver). Check the database (paxstats db status) and run the command "
                   "again.\n";
      return 2;
    }
    std::cerr << "paxstats: unexpected error: " << e.what() << "\n"
              << "This is a bug in paxstats; please report it with the command you ran.\n";
    return 1;
  } catch (...) {
    std::cerr << "paxstats: unexpected error of an unknown kind\n"
              << "This is a bug in paxstats; please report it with the command you ran.\n";
    return 1;
  }
}
