// paxstats db start|stop|status|url|migrate
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/error.hpp"

namespace paxstats::app {
namespace {

bool external_database() {
  const char* url = std::getenv("DATABASE_URL");
  return url && *url;
}

void refuse_if_external(const char* what) {
  if (external_database())
    throw UserError(std::string("DATABASE_URL is set, so paxstats does not ") + what +
                    " a private cluster. Unset DATABASE_URL to use one.");
}

}  // namespace

void add_db_commands(CLI::App& root, Context& ctx) {
  auto* db = root.add_subcommand(
      "db", "The database: the private PostgreSQL cluster (when DATABASE_URL is unset) and migrations");
  db->require_subcommand(1);

  db->add_subcommand("start", "Start the private cluster (initialised on first use); a no-op when it runs")
      ->callback([&ctx] {
        ctx.action = [&ctx] {
          refuse_if_external("start");
          db::EmbeddedPostgres pg({.home = ctx.home});
          bool started = pg.start();
          db::Database conn(pg.url());
          db::migrate_all(conn);
          std::cout << (started ? "started" : "already running") << ": " << pg.cluster_dir().string() << "\n";
          return 0;
        };
      });

  db->add_subcommand("stop", "Stop the private cluster")->callback([&ctx] {
    ctx.action = [&ctx] {
      refuse_if_external("stop");
      db::EmbeddedPostgres pg({.home = ctx.home});
      std::cout << (pg.stop() ? "stopped" : "not running") << "\n";
      return 0;
    };
  });

  db->add_subcommand("status", "Show the database in use; exit 0 when it answers, 3 when it does not")
      ->callback([&ctx] {
        ctx.action = [&ctx] {
          if (external_database()) {
            std::string url = std::getenv("DATABASE_URL");
            std::cout << "database: DATABASE_URL " << db::redact_url(url) << "\n";
            try {
              db::Database conn(url);
              std::cout << "status: answering (" << db::server_version(conn) << ")\n";
              return 0;
            } catch (const std::exception& e) {
              std::cout << "status: not answering: " << e.what() << "\n";
              return 3;
            }
          }
          db::EmbeddedPostgres pg({.home = ctx.home});
          auto s = pg.status();
          std::cout << "database: private cluster\n"
                    << "cluster:  " << s.cluster_dir.string() << "\n"
                    << "status:   "
                    << (s.running       ? "running (pid " + std::to_string(*s.pid) + ")"
                        : s.initialized ? "stopped"
                                        : "not created yet (paxstats db start creates it)")
                    << "\n"
                    << "socket:   " << s.socket_dir.string() << "\n"
                    << "log:      " << s.log_file.string() << "\n"
                    << "url:      " << s.url << "\n";
          return s.running ? 0 : 3;
        };
      });

  db->add_subcommand("url", "Print the connection URL (for psql \"$(paxstats db url)\")")->callback([&ctx] {
    ctx.action = [&ctx] {
      if (external_database())
        std::cout << std::getenv("DATABASE_URL") << "\n";
      else
        std::cout << db::EmbeddedPostgres({.home = ctx.home}).url() << "\n";
      return 0;
    };
  });

  db->add_subcommand("migrate", "Apply pending migrations to the control schema and every region (idempotent)")
      ->callback([&ctx] {
        ctx.action = [&ctx] {
          db::Database conn(db::resolve_database_url(ctx.home, &std::cerr));
          auto applied = db::migrate_all(conn);
          for (const auto& line : applied) std::cout << "applied " << line << "\n";
          if (applied.empty()) std::cout << "up to date\n";
          return 0;
        };
      });
}

}  // namespace paxstats::app
