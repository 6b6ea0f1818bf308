#include "paxstats/db/embedded.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "paxstats/hash.hpp"
#include "detail/process.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/error.hpp"
#include "paxstats/db/sql.hpp"

namespace fs = std::filesystem;

namespace paxstats::db {
namespace {

constexpr const char* kServiceUser = "paxstats";  // the server's user when we run as root (default)
constexpr const char* kAccountsLock = "/var/lib/paxstats/.accounts.lock";
constexpr const char* kSuperuser = "paxstats";  // the cluster's superuser role
constexpr const char* kDatabase = "paxstats";
constexpr const char* kVarLibClusters = "/var/lib/paxstats/clusters";

std::string env_or(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : fallback;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail_lines(const std::string& text, size_t n) {
  size_t pos = text.size();
  for (size_t i = 0; i <= n && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

std::string percent_encode(const std::string& s) {
  std::ostringstream out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out << c;
    else
      out << '%' << std::uppercase << std::hex << std::setw(2) << std::setfill('0') << int(c);
  }
  return out.str();
}

// A value for a libpq key=value connection string.
std::string libpq_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The major version of the cluster in `data` (its PG_VERSION file), 0 when unreadable.
int server_major(const fs::path& data) {
  std::ifstream in(data / "PG_VERSION");
  int v = 0;
  in >> v;
  return in ? v : 0;
}

// A value for postgresql.conf.
std::string conf_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

fs::path find_bindir(const fs::path& configured) {
  auto has_tools = [](const fs::path& d) {
    return fs::exists(d / "pg_ctl") && fs::exists(d / "initdb") && fs::exists(d / "postgres");
  };
  if (!configured.empty()) {
    if (has_tools(configured)) return configured;
    throw UserError("no PostgreSQL server tools (initdb, pg_ctl, postgres) in " + configured.string() +
                    ". Point PAXSTATS_PG_BINDIR at a PostgreSQL bin directory.");
  }
  if (auto env = env_or("PAXSTATS_PG_BINDIR"); !env.empty()) return find_bindir(env);
  fs::path best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    int v = std::stoi(name);
    if (v > best_version && has_tools(entry.path() / "bin")) {
      best_version = v;
      best = entry.path() / "bin";
    }
  }
  if (best.empty())
    throw UserError(
        "PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/pg_ctl). Run scripts/bootstrap "
        "(it installs postgresql-15), set PAXSTATS_PG_BINDIR, or set DATABASE_URL to use an existing server.");
  return best;
}

// True when uid/gid may search (traverse) every directory down to path.
bool can_reach(const fs::path& path, const detail::RunAs& who) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(who.gid) != 0 || setuid(who.uid) != 0) _exit(2);
    _exit(access(path.c_str(), X_OK) == 0 ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void chown_to(const fs::path& p, const std::optional<detail::RunAs>& who) {
  if (who && ::chown(p.c_str(), who->uid, who->gid) != 0)
    throw UserError("cannot give " + p.string() + " to the server's user: " + std::strerror(errno));
}

void make_private_dir(const fs::path& p, const std::optional<detail::RunAs>& who) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) throw UserError("cannot create " + p.string() + ": " + ec.message() + ". Check PAXSTATS_HOME.");
  fs::permissions(p, fs::perms::owner_all, fs::perm_options::replace, ec);
  chown_to(p, who);
}

// What data/postmaster.pid says about the server.
enum class PidFile { absent, live, dead, reused };

// paxstats.conf, rewritten on every start so the socket follows the cluster if it is moved.
void write_settings(const fs::path& data, const fs::path& run, const std::optional<detail::RunAs>& as,
                    const std::vector<std::pair<std::string, std::string>>& settings,
                    const std::vector<std::pair<std::string, std::string>>& more) {
  {
    std::ofstream conf(data / "paxstats.conf", std::ios::trunc);
    conf << "# Written by paxstats on every start; edit postgresql.conf instead.\n"
         << "listen_addresses = ''\n"
         << "unix_socket_directories = " << conf_quote(run.string()) << "\n"
         << "unix_socket_permissions = 0700\n"
         // A dedicated cluster for bulk imports: fewer forced checkpoints, smaller WAL.
         << "max_wal_size = '4GB'\n"
         << "checkpoint_timeout = '15min'\n"
         // Index builds log whole pages: lz4 compresses them at a fraction of pglz's cost
         // (PostgreSQL 15 and later; an older server keeps pglz).
         << "wal_compression = " << (server_major(data) >= 15 ? "lz4" : "on") << "\n"
         << "shared_buffers = '256MB'\n"
         // serve's senders hold a connection each while they deliver (96 for a nation's month).
         << "max_connections = 300\n";
    for (const auto& [k, v] : settings) conf << k << " = " << conf_quote(v) << "\n";
    for (const auto& [k, v] : more) conf << k << " = " << conf_quote(v) << "\n";
  }
  chown_to(data / "paxstats.conf", as);
}

PidFile inspect_pid_file(const fs::path& data_dir, long* pid_out = nullptr) {
  std::ifstream in(data_dir / "postmaster.pid");
  long pid = 0;
  if (!in) return PidFile::absent;
  if (!(in >> pid) || pid <= 0) return PidFile::dead;
  if (pid_out) *pid_out = pid;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return PidFile::dead;
  std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  if (cmdline.find("postgres") == std::string::npos || cmdline.find(data_dir.string()) == std::string::npos)
    return PidFile::reused;  // after a crash or reboot another process got that pid
  return PidFile::live;
}

// The postmaster's pid when a server for this data directory is alive.
std::optional<long> live_postmaster(const fs::path& data_dir) {
  long pid = 0;
  if (inspect_pid_file(data_dir, &pid) == PidFile::live) return pid;
  return std::nullopt;
}

// Creates the paxstats database on the server listening in socket_dir, unless it exists.
void ensure_database(const fs::path& socket_dir) {
  Database admin("host=" + libpq_quote(socket_dir.string()) + " user=" + kSuperuser + " dbname=postgres");
  if (!sql::value(admin, "SELECT 1 FROM pg_database WHERE datname = $1", {kDatabase}))
    sql::autocommit(admin, std::string("CREATE DATABASE ") + kDatabase);
}

// Holds an exclusive lock on a file for the lifetime of the object: one start/stop at a time.
class FileLock {
 public:
  explicit FileLock(const fs::path& p) : fd_(::open(p.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
    if (fd_ < 0) throw UserError("cannot open lock file " + p.string() + ": " + std::strerror(errno));
    while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

// The account's uid and gid by name (reentrant lookup); nullopt when there is no such user.
std::optional<detail::RunAs> lookup_user(const std::string& name) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  while (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == ERANGE) buf.resize(buf.size() * 2);
  if (!found) return std::nullopt;
  return detail::RunAs{pw.pw_uid, pw.pw_gid};
}

bool uid_resolves(unsigned uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  while (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == ERANGE) buf.resize(buf.size() * 2);
  return found != nullptr;
}

std::string service_user_name(const std::string& configured) {
  if (!configured.empty()) return configured;
  return env_or("PAXSTATS_SERVICE_USER", kServiceUser);
}

// The server's user, checked again just before privileges are dropped to it: a uid that no
// longer resolves would make initdb fail with a puzzling "could not look up effective user ID".
detail::RunAs checked_service_user(const std::string& name) {
  const ServiceAccount a = ensure_service_account(name);
  if (!uid_resolves(a.uid))
    throw UserError("the system user '" + name + "' (uid " + std::to_string(a.uid) +
                    ") does not resolve any more; PostgreSQL cannot run as it. Check /etc/passwd (getent passwd " +
                    name + "), or delete the user and run paxstats again to create it afresh.");
  return {a.uid, a.gid};
}

}  // namespace

ServiceAccount ensure_service_account(const std::string& name) {
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    throw UserError("\"" + name +
                    "\" is not a system user name paxstats can use (lower-case letters, digits, - and _)");
  if (auto found = lookup_user(name)) return {name, found->uid, found->gid};
  std::error_code ec;
  fs::create_directories(fs::path(kAccountsLock).parent_path(), ec);
  if (ec)
    throw UserError("PostgreSQL will not run as root, and paxstats cannot create " +
                    fs::path(kAccountsLock).parent_path().string() + " to set up the system user '" + name +
                    "': " + ec.message() + ". Run paxstats as a normal user, or as root on a writable system.");
  // One creator at a time on this machine: look up, create, look up again.
  FileLock lock(kAccountsLock);
  if (auto found = lookup_user(name)) return {name, found->uid, found->gid};
  const auto r = detail::run_process({"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                                      "/nonexistent", "--shell", "/usr/sbin/nologin", name});
  const auto found = lookup_user(name);
  if (r.exit_code != 0 && !found)
    throw UserError("PostgreSQL will not run as root, and creating the system user '" + name +
                    "' failed (useradd exit " + std::to_string(r.exit_code) + "): " + tail_lines(r.output, 5) +
                    " Create it (useradd --system " + name + ") or run paxstats as a normal user.");
  if (!found)
    throw UserError("useradd reported success but the system user '" + name + "' cannot be found (getent passwd " +
                    name + "). Check /etc/nsswitch.conf, or create it by hand.");
  return {name, found->uid, found->gid};
}

fs::path default_home() {
  if (auto h = env_or("PAXSTATS_HOME"); !h.empty()) return h;
  if (auto x = env_or("XDG_DATA_HOME"); !x.empty()) return fs::path(x) / "paxstats";
  std::string home = env_or("HOME");
  if (home.empty())
    if (passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
  return fs::path(home) / ".local" / "share" / "paxstats";
}

EmbeddedPostgres::EmbeddedPostgres(EmbeddedOptions options) : options_(std::move(options)) {
  options_.home = fs::absolute(options_.home).lexically_normal();
  fs::path in_home = options_.home / "postgres";
  std::error_code ec;
  if (fs::is_symlink(in_home, ec)) {
    cluster_dir_ = fs::read_symlink(in_home, ec);
  } else if (fs::exists(in_home, ec) || geteuid() != 0) {
    cluster_dir_ = in_home;
  } else {
    // Root and not yet created: decided in start(); predict the same answer here.
    const auto who = lookup_user(service_user_name(options_.service_user));
    bool reachable = who && can_reach(options_.home, *who);
    cluster_dir_ = reachable ? in_home : fs::path(kVarLibClusters) / fnv1a_hex(options_.home.string());
  }
}

std::string EmbeddedPostgres::url() const {
  return "postgresql:///" + std::string(kDatabase) + "?host=" + percent_encode((cluster_dir_ / "run").string()) +
         "&user=" + kSuperuser;
}

ClusterStatus EmbeddedPostgres::status() const {
  ClusterStatus s;
  s.cluster_dir = cluster_dir_;
  s.data_dir = cluster_dir_ / "data";
  s.socket_dir = cluster_dir_ / "run";
  s.log_file = cluster_dir_ / "server.log";
  s.url = url();
  std::error_code ec;
  s.initialized = fs::exists(s.data_dir / "PG_VERSION", ec);
  s.pid = live_postmaster(s.data_dir);
  if (s.pid) {
    std::string conninfo = "host=" + libpq_quote(s.socket_dir.string()) + " user=" + kSuperuser + " dbname=postgres";
    s.running = PQping(conninfo.c_str()) == PQPING_OK;
  }
  return s;
}

bool EmbeddedPostgres::start() {
  const fs::path bindir = find_bindir(options_.pg_bindir);
  std::optional<detail::RunAs> as;
  if (geteuid() == 0) {
    as = checked_service_user(service_user_name(options_.service_user));
    fs::path in_home = options_.home / "postgres";
    std::error_code ec;
    fs::create_directories(options_.home, ec);
    if (!fs::exists(in_home) && !fs::is_symlink(in_home)) {
      if (can_reach(options_.home, *as)) {
        cluster_dir_ = in_home;
      } else {
        cluster_dir_ = fs::path(kVarLibClusters) / fnv1a_hex(options_.home.string());
        fs::create_directories(kVarLibClusters, ec);
        fs::create_directory_symlink(cluster_dir_, in_home, ec);
      }
    }
  }
  const fs::path data = cluster_dir_ / "data", run = cluster_dir_ / "run", log = cluster_dir_ / "server.log";
  if ((run / ".s.PGSQL.5432").string().size() >= sizeof(sockaddr_un{}.sun_path))
    throw UserError("the socket path " + (run / ".s.PGSQL.5432").string() +
                    " is too long for a Unix socket. Set PAXSTATS_HOME to a shorter path.");
  make_private_dir(cluster_dir_, as);
  FileLock lock(cluster_dir_ / "lock");
  make_private_dir(run, as);

  if (live_postmaster(data)) {
    ensure_database(run);
    return false;
  }

  if (!fs::exists(data / "PG_VERSION")) {
    std::error_code ec;
    if (fs::exists(data) && !fs::is_empty(data, ec))
      throw UserError(data.string() +
                      " exists but holds no PostgreSQL cluster. Move it away and run paxstats db start again.");
    make_private_dir(data, as);
    auto r = detail::run_process({(bindir / "initdb").string(), "-D", data.string(), "-U", kSuperuser, "-E", "UTF8",
                                  "--no-locale", "--auth-local=trust", "--auth-host=reject", "--no-instructions"},
                                 as);
    if (r.exit_code != 0) {
      fs::remove_all(data, ec);
      throw UserError("initdb failed for " + data.string() + ":\n" + tail_lines(r.output, 20));
    }
    std::ofstream(data / "postgresql.conf", std::ios::app)
        << "\n# paxstats: settings it manages\ninclude_if_exists 'paxstats.conf'\n";
  }

  write_settings(data, run, as, options_.settings, {});

  // A crash leaves postmaster.pid behind. When its pid is dead, PostgreSQL removes the file
  // itself after checking that no orphaned backend still uses the shared memory it names, so
  // we leave it alone. When the pid now belongs to an unrelated live process (a reboot, a
  // container restart), PostgreSQL would refuse to start; that postmaster is gone and its
  // backends exit with it, so the file is ours to remove.
  if (inspect_pid_file(data) == PidFile::reused) {
    std::error_code ec;
    fs::remove(data / "postmaster.pid", ec);
    fs::remove(run / ".s.PGSQL.5432.lock", ec);
  }

  auto r = detail::run_process(
      {(bindir / "pg_ctl").string(), "start", "-D", data.string(), "-l", log.string(), "-w", "-t", "60", "-s"}, as);
  if (r.exit_code != 0)
    throw UserError("PostgreSQL did not start (data " + data.string() + "). Its log " + log.string() + " ends with:\n" +
                    tail_lines(read_file(log), 15) + r.output);

  ensure_database(run);
  return true;
}

namespace {
bool stop_server(const fs::path& data, const fs::path& bindir, const std::optional<detail::RunAs>& as) {
  if (!live_postmaster(data)) return false;
  auto r =
      detail::run_process({(bindir / "pg_ctl").string(), "stop", "-D", data.string(), "-m", "fast", "-w", "-s"}, as);
  if (r.exit_code != 0) throw UserError("PostgreSQL did not stop (data " + data.string() + "): " + r.output);
  return true;
}
}  // namespace

bool EmbeddedPostgres::stop() {
  const fs::path data = cluster_dir_ / "data";
  if (!fs::exists(cluster_dir_)) return false;
  FileLock lock(cluster_dir_ / "lock");
  const fs::path bindir = find_bindir(options_.pg_bindir);
  std::optional<detail::RunAs> as;
  if (geteuid() == 0) as = checked_service_user(service_user_name(options_.service_user));
  stop_server(cluster_dir_ / "replica" / "data", bindir, as);  // the standby first: it follows the primary
  return stop_server(data, bindir, as);
}

std::string EmbeddedPostgres::replica_url() const {
  return "postgresql:///" + std::string(kDatabase) +
         "?host=" + percent_encode((cluster_dir_ / "replica" / "run").string()) + "&user=" + kSuperuser;
}

bool EmbeddedPostgres::replica_running() const {
  const fs::path run = cluster_dir_ / "replica" / "run";
  if (!live_postmaster(cluster_dir_ / "replica" / "data")) return false;
  const std::string conninfo = "host=" + libpq_quote(run.string()) + " user=" + kSuperuser + " dbname=postgres";
  return PQping(conninfo.c_str()) == PQPING_OK;
}

bool EmbeddedPostgres::start_replica() {
  start();
  const fs::path bindir = find_bindir(options_.pg_bindir);
  std::optional<detail::RunAs> as;
  if (geteuid() == 0) as = checked_service_user(service_user_name(options_.service_user));
  const fs::path dir = cluster_dir_ / "replica", data = dir / "data", run = dir / "run", log = dir / "server.log";
  FileLock lock(cluster_dir_ / "lock");
  if (live_postmaster(data)) return false;
  make_private_dir(dir, as);
  make_private_dir(run, as);
  std::error_code ec;
  if (!fs::exists(data / "standby.signal")) {
    // A copy of the primary taken over its socket, streaming the WAL it writes meanwhile; -R makes
    // it a standby that follows the primary (primary_conninfo, standby.signal).
    fs::remove_all(data, ec);
    auto r = detail::run_process(
        {(bindir / "pg_basebackup").string(), "-D", data.string(), "-h", (cluster_dir_ / "run").string(), "-U",
         kSuperuser, "-X", "stream", "-R", "-c", "fast", "--no-password"},
        as);
    if (r.exit_code != 0) {
      fs::remove_all(data, ec);
      throw UserError("pg_basebackup could not copy the primary (" + (cluster_dir_ / "data").string() +
                      ") for the replica:\n" + tail_lines(r.output, 20));
    }
    fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace, ec);
    fs::remove(data / "postmaster.pid", ec);
  }
  // Its own socket; it answers reads while it replays (hot standby), and tells the primary what it
  // still reads so the primary's vacuum does not cancel a page's query.
  write_settings(data, run, as, options_.settings, {{"hot_standby", "on"}, {"hot_standby_feedback", "on"}});
  auto r = detail::run_process(
      {(bindir / "pg_ctl").string(), "start", "-D", data.string(), "-l", log.string(), "-w", "-t", "60", "-s"}, as);
  if (r.exit_code != 0)
    throw UserError("the replica did not start (data " + data.string() + "). Its log " + log.string() +
                    " ends with:\n" + tail_lines(read_file(log), 15) + r.output);
  return true;
}

std::string resolve_database_url(const fs::path& home, std::ostream* note) {
  if (auto url = env_or("DATABASE_URL"); !url.empty()) return url;
  EmbeddedPostgres pg({.home = home});
  if (pg.start() && note)
    *note << "paxstats: started the private PostgreSQL cluster in " << pg.cluster_dir().string() << "\n";
  return pg.url();
}

}  // namespace paxstats::db
