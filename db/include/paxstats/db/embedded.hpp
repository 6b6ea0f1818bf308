#pragma once
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace paxstats::db {

// The private PostgreSQL cluster paxstats runs when DATABASE_URL is unset.
//
// Layout under the cluster directory (normally $PAXSTATS_HOME/postgres):
//   data/        the cluster (initdb on first start)
//   run/         the Unix socket; the server opens no TCP port
//   server.log   the server's log
//   replica/     a streaming replica's data/, run/ and server.log (paxstats db start --replica)
// PostgreSQL refuses to run as root. When paxstats runs as root, the server runs as the
// unprivileged system user "paxstats" (created on first use; see ensure_service_account). If that user cannot reach
// $PAXSTATS_HOME (e.g. under /root), the cluster lives in /var/lib/paxstats/clusters/<id>
// instead, and $PAXSTATS_HOME/postgres is a symlink to it.
struct EmbeddedOptions {
  std::filesystem::path home;  // PAXSTATS_HOME
  // Extra server settings passed as -c name=value (tests turn fsync off).
  std::vector<std::pair<std::string, std::string>> settings = {};
  // Directory holding initdb/pg_ctl/postgres; empty = $PAXSTATS_PG_BINDIR, else the newest
  // /usr/lib/postgresql/<version>/bin.
  std::filesystem::path pg_bindir = {};
  // The system user the server runs as when paxstats is root; empty: $PAXSTATS_SERVICE_USER, else
  // "paxstats". (Tests of the account set-up use a name of their own.)
  std::string service_user = {};
};

// The unprivileged system account the server runs as when paxstats is root.
struct ServiceAccount {
  std::string name;
  unsigned uid = 0, gid = 0;
};

// Finds the system user `name`, creating it (useradd --system) when it does not exist. Safe when
// many processes ask at once: lookup, create and re-lookup happen under a machine-wide lock
// (flock on /var/lib/paxstats/.accounts.lock), useradd's exit status is checked, and the answer
// is looked up again at the end. Throws paxstats::UserError saying what to do when the account
// cannot be had. Needs root to create one.
ServiceAccount ensure_service_account(const std::string& name);

struct ClusterStatus {
  bool initialized = false;  // data/PG_VERSION exists
  bool running = false;      // the server answers on its socket
  std::optional<long> pid;   // postmaster pid when running
  std::filesystem::path cluster_dir, data_dir, socket_dir, log_file;
  std::string url;  // libpq URI of the paxstats database
};

class EmbeddedPostgres {
 public:
  explicit EmbeddedPostgres(EmbeddedOptions options);

  // Initialises the cluster if needed, removes a stale postmaster.pid left by a crash, starts
  // the server and creates the "paxstats" database. Returns false (and does nothing) when the
  // server is already running. Throws paxstats::UserError naming the log file on failure.
  bool start();

  // Stops the server (fast shutdown). Returns false when it was not running.
  bool stop();

  ClusterStatus status() const;

  // The libpq URI of the "paxstats" database on the private socket.
  std::string url() const;

  const std::filesystem::path& cluster_dir() const { return cluster_dir_; }

  // A streaming replica of the cluster (a hot standby, for DATABASE_READ_URL) under
  // cluster_dir/replica: copied from the running primary with pg_basebackup on first use, then
  // started (the primary is started first when it is not running). Returns false when it runs
  // already. stop() stops it with the primary.
  bool start_replica();
  bool replica_running() const;
  std::string replica_url() const;  // its own socket

 private:
  EmbeddedOptions options_;
  std::filesystem::path cluster_dir_;
  std::optional<unsigned> run_as_uid_, run_as_gid_;  // set when we are root
};

// $PAXSTATS_HOME, else $XDG_DATA_HOME/paxstats, else ~/.local/share/paxstats.
std::filesystem::path default_home();

// The database every command uses: DATABASE_URL when set (never starts anything); otherwise the
// private cluster under home, started if it is not running (a line saying so goes to note).
std::string resolve_database_url(const std::filesystem::path& home, std::ostream* note);

}  // namespace paxstats::db
