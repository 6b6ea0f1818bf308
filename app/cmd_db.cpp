// paxstats db start|stop|status|url|migrate
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <map>
#include <memory>
#include <vector>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/migrate.hpp"
#include "paxstats/error.hpp"

namespace paxstats::app {
namespace fs = std::filesystem;
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

  auto replica = std::make_shared<bool>(false);
  auto* start =
      db->add_subcommand("start", "Start the private cluster (initialised on first use); a no-op when it runs");
  start->add_flag("--replica", *replica,
                  "Also start a streaming replica of it (a hot standby, copied with pg_basebackup on first use), for "
                  "DATABASE_READ_URL: paxstats db url --replica prints its URL");
  start->callback([&ctx, replica] {
    ctx.action = [&ctx, replica] {
      refuse_if_external("start");
      db::EmbeddedPostgres pg({.home = ctx.home});
      bool started = pg.start();
      db::Database conn(pg.url());
      db::migrate_all(conn);
      std::cout << (started ? "started" : "already running") << ": " << pg.cluster_dir().string() << "\n";
      if (*replica)
        std::cout << "replica " << (pg.start_replica() ? "started" : "already running") << ": "
                  << (pg.cluster_dir() / "replica").string() << " (DATABASE_READ_URL=" << pg.replica_url() << ")\n";
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
          if (fs::exists(s.cluster_dir / "replica" / "data"))
            std::cout << "replica:  " << (pg.replica_running() ? "running" : "stopped") << ", " << pg.replica_url()
                      << "\n";
          return s.running ? 0 : 3;
        };
      });

  auto replica_url = std::make_shared<bool>(false);
  auto* url = db->add_subcommand("url", "Print the connection URL (for psql \"$(paxstats db url)\")");
  url->add_flag("--replica", *replica_url, "The private cluster's replica's (paxstats db start --replica)");
  url->callback([&ctx, replica_url] {
    ctx.action = [&ctx, replica_url] {
      if (*replica_url) {
        refuse_if_external("have the replica of");
        std::cout << db::EmbeddedPostgres({.home = ctx.home}).replica_url() << "\n";
      } else if (external_database()) {
        std::cout << std::getenv("DATABASE_URL") << "\n";
      } else {
        std::cout << db::EmbeddedPostgres({.home = ctx.home}).url() << "\n";
      }
      return 0;
    };
  });

  auto migrate_connections = std::make_shared<int>(4);
  auto* migrate = db->add_subcommand(
      "migrate",
      "Apply pending migrations to the control schema and every region (idempotent). Regions with something "
      "pending are migrated several at once, each in one transaction: a region whose migration fails is named and "
      "left as it was, the others are migrated (exit 2 when any failed). Progress goes to stderr");
  migrate->add_option("--connections", *migrate_connections, "Regions migrated at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  migrate->callback([&ctx, migrate_connections] {
    ctx.action = [&ctx, migrate_connections] {
      db::Database conn(db::resolve_database_url(ctx.home, &std::cerr));
      const auto t0 = std::chrono::steady_clock::now();
      auto last = t0;
      auto elapsed = [&] {
        std::ostringstream out;
        out << std::fixed << std::setprecision(1)
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return out.str();
      };
      db::MigrateOptions options{.connections = *migrate_connections, .progress = [&](int done, int of) {
                                   const auto now = std::chrono::steady_clock::now();
                                   if (done < of && now - last < std::chrono::seconds(1)) return;
                                   last = now;
                                   std::cerr << "paxstats db migrate: " << done << " of " << of
                                             << " regions with migrations pending done (" << elapsed() << " s)\n";
                                 }};
      const auto report = db::migrate_regions(conn, options);
      // One line per file; a file applied to many regions is one line with their number.
      std::map<std::string, std::vector<std::string>> regions_of;
      for (const auto& line : report.applied) {
        const auto colon = line.find(": ");
        if (line.rfind("control: ", 0) == 0)
          std::cout << "applied " << line << "\n";
        else
          regions_of[line.substr(colon + 2)].push_back(line.substr(0, colon));
      }
      for (const auto& [file, regions] : regions_of) {
        std::cout << "applied region/" << file << " to ";
        if (regions.size() <= 5) {
          for (size_t i = 0; i < regions.size(); ++i) std::cout << (i ? ", " : "") << regions[i];
          std::cout << "\n";
        } else {
          std::cout << regions.size() << " regions\n";
        }
      }
      if (report.applied.empty() && report.failed.empty()) std::cout << "up to date\n";
      if (report.pending > 0)
        std::cerr << "paxstats db migrate: " << report.migrated << " of " << report.regions << " regions migrated, "
                  << report.regions - report.pending << " up to date, " << report.failed.size() << " failed, in "
                  << elapsed() << " s\n";
      if (report.failed.empty()) return 0;
      for (const auto& f : report.failed)
        std::cerr << "paxstats db migrate: region " << f.region << ": " << f.message << "\n";
      std::string names;
      for (const auto& f : report.failed) names += (names.empty() ? "" : ", ") + f.region;
      throw UserError(std::to_string(report.failed.size()) + " region(s) could not be migrated (" + names +
                      "): each is as it was before this command; the others are migrated. Fix the cause above and "
                      "run paxstats db migrate again.");
    };
  });
}

}  // namespace paxstats::app
