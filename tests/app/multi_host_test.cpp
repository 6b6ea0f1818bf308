// Issue 34: several worker hosts on one database. Three `paxstats serve --worker` processes, each
// in a network namespace of its own joined to the database's by a veth pair on a bridge, share
// one PostgreSQL (over TCP) and a fake Slack of three workspaces. One is killed with SIGKILL in
// the middle of a region's monthly run: another takes the run over, every delivery is made
// exactly once (the fake's record), every region finishes, and each slot was fired once.
//
// Everything lives in the test's own sandbox: the binary enters fresh network and mount
// namespaces before any thread starts (main below), so the bridge, the namespaces and the
// addresses (10.251.0.0/24; 127/8 is local to each namespace by the kernel's routing, so it
// cannot cross a veth) exist only inside it and vanish with it. Without root it is skipped.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "../mining/truth_support.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/embedded.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/slack/fake_fleet.hpp"
#include "command.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using paxstats::slack::fake::FakeSlack;

namespace {
bool g_sandbox = false;
std::string g_why_not;

constexpr const char* kDatabaseHost = "10.251.0.1";
constexpr int kHosts = 3, kRegions = 3;

void sh(const std::string& command) {
  const auto r = paxstats::test::run_command(command);
  if (r.status != 0) throw std::runtime_error(command + " failed: " + r.output);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A worker host: `paxstats serve --worker` inside network namespace hostN, its output to a file.
class WorkerHost {
 public:
  WorkerHost(int n, const std::string& env, const fs::path& log) : n_(n), log_(log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      // `ip netns exec` and sh's exec keep the pid: the worker id names this process.
      const std::string cmd = "exec ip netns exec host" + std::to_string(n) + " " + env +
                              " '" PAXSTATS_BIN "' serve --worker --workers 1 --lease 3 > '" + log.string() + "' 2>&1";
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~WorkerHost() { kill(SIGKILL); }
  WorkerHost(const WorkerHost&) = delete;
  WorkerHost& operator=(const WorkerHost&) = delete;
  pid_t pid() const { return pid_; }
  std::string log() const { return read_file(log_); }
  void kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int n_;
  fs::path log_;
  pid_t pid_ = -1;
};
}  // namespace

TEST(MultiHost, AWorkerKilledMidRunHasItsRegionTakenOverAndEveryDeliveryIsMadeOnce) {
  if (!g_sandbox) GTEST_SKIP() << "needs its own network namespace: " << g_why_not;

  // The network: a bridge in the database's namespace, and a veth pair to each host's.
  sh("ip link set lo up");
  sh("mkdir -p /run/netns && mount -t tmpfs paxstats-test /run/netns");
  sh(std::string("ip link add pxbr0 type bridge && ip addr add ") + kDatabaseHost +
     "/24 dev pxbr0 && ip link set pxbr0 up");
  for (int n = 1; n <= kHosts; ++n) {
    const std::string h = "host" + std::to_string(n), v = "pxv" + std::to_string(n);
    sh("ip netns add " + h);
    sh("ip link add " + v + " type veth peer name eth0 netns " + h);
    sh("ip link set " + v + " master pxbr0 up");
    sh("ip netns exec " + h + " ip addr add 10.251.0." + std::to_string(10 + n) + "/24 dev eth0");
    sh("ip netns exec " + h + " ip link set eth0 up && ip netns exec " + h + " ip link set lo up");
  }

  // The database, on the bridge's address; the hosts' subnet may connect.
  paxstats::test::TempDir home;
  ::chmod(home.path().c_str(), 0755);
  auto settings = paxstats::test::throwaway_settings();
  settings.emplace_back("listen_addresses", kDatabaseHost);
  settings.emplace_back("max_connections", "100");
  paxstats::db::EmbeddedPostgres pg({.home = home.path(), .settings = settings});
  pg.start();
  std::ofstream(pg.status().data_dir / "pg_hba.conf", std::ios::app) << "host all all 10.251.0.0/24 trust\n";
  paxstats::db::Database db(pg.url());
  paxstats::db::sql::query(db, "SELECT pg_reload_conf()");
  const std::string tcp_url = std::string("postgresql://paxstats@") + kDatabaseHost + ":5432/paxstats";

  // Three regions, three workspaces behind one API URL. Each share answers 150 ms late, so a
  // region's month takes seconds and the kill lands in the middle of one.
  paxstats::slack::fake::FakeFleet fleet(kDatabaseHost);
  std::vector<std::unique_ptr<paxstats::test::GeneratedWorkspace>> generated;
  std::string tokens;
  for (int k = 1; k <= kRegions; ++k) {
    paxstats::mining::GeneratorOptions g;
    g.seed = 340 + static_cast<uint64_t>(k);
    g.pax = 30;
    g.months = 2;
    generated.push_back(std::make_unique<paxstats::test::GeneratedWorkspace>(g));
    FakeSlack::Options fo;
    fo.token = "xoxb-fleet-" + std::to_string(k);
    fo.window = 2000ms;  // Slack's budgets, per 2 s instead of a minute (PAXSTATS_SLACK_WINDOW_MS below)
    auto& w = fleet.add(fo);
    w.load_export(generated.back()->path());
    w.inject({.kind = FakeSlack::Fault::slow, .method = "files.completeUploadExternal", .times = 1000, .delay = 150ms});
    tokens += " PAXSTATS_TOKEN_R" + std::to_string(k) + "=" + fo.token;
  }
  fleet.start();
  const std::string common =
      "env PAXSTATS_NOW=2026-11-15T18:00:00Z PAXSTATS_SLACK_WINDOW_MS=2000 SLACK_API_BASE_URL=" + fleet.base_url() +
      tokens;
  auto cli = [&](const std::string& args) {
    return paxstats::test::run_command(common + " DATABASE_URL='" + pg.url() + "' PAXSTATS_HOME='" +
                                       home.path().string() + "' '" PAXSTATS_BIN "' " + args);
  };
  for (int k = 1; k <= kRegions; ++k) {
    const std::string r = "r" + std::to_string(k);
    ASSERT_EQ(cli("region add " + r + " --name 'F3 Host " + r + "' --tz America/Chicago").status, 0);
    ASSERT_EQ(cli("region set " + r + " token_env=PAXSTATS_TOKEN_R" + std::to_string(k) +
                  " team_id=" + generated[k - 1]->truth["region"]["team_id"].get<std::string>())
                  .status,
              0);
    const auto imported = cli("import --region " + r + " '" + generated[k - 1]->path().string() + "'");
    ASSERT_EQ(imported.status, 0) << imported.output;
  }
  // The regions were there before October's slot (the 2nd, 09:00 local): it is due.
  paxstats::db::sql::query(db, "UPDATE paxstats.regions SET created_at = '2026-08-01T00:00:00Z'");

  std::vector<std::unique_ptr<WorkerHost>> hosts;
  for (int n = 1; n <= kHosts; ++n)
    hosts.push_back(std::make_unique<WorkerHost>(n,
                                                 common + " DATABASE_URL='" + tcp_url + "' PAXSTATS_HOME='" +
                                                     home.path().string() + "/host" + std::to_string(n) + "'",
                                                 home.path() / ("host" + std::to_string(n) + ".log")));
  auto logs = [&] {
    std::string all;
    for (int n = 0; n < kHosts; ++n) all += "--- host" + std::to_string(n + 1) + "\n" + hosts[n]->log();
    return all;
  };

  // A host in the middle of a region's month (some of it sent, the rest not) is killed.
  std::string victim_worker, victim_region;
  ASSERT_TRUE(paxstats::test::eventually(
      [&] {
        const auto rows = paxstats::db::sql::query(
            db,
            "SELECT j.worker, j.region FROM paxstats.jobs j WHERE j.kind = 'run_monthly' AND j.status = 'running' "
            "AND (SELECT count(*) FROM paxstats.deliveries d WHERE d.region = j.region AND d.status = 'sent') >= 3 "
            "AND (SELECT count(*) FROM paxstats.deliveries d WHERE d.region = j.region AND d.status <> 'sent') >= 3 "
            "LIMIT 1");
        if (rows.empty()) return false;
        victim_worker = *rows[0][0];
        victim_region = *rows[0][1];
        return true;
      },
      90s))
      << logs();
  const pid_t victim_pid = std::stoi(victim_worker.substr(victim_worker.find(':') + 1));
  bool killed = false;
  for (auto& h : hosts)
    if (h->pid() == victim_pid) {
      h->kill(SIGKILL);
      killed = true;
    }
  ASSERT_TRUE(killed) << victim_worker << " is none of the hosts";

  // Every region finishes: the victim's month on another host.
  ASSERT_TRUE(paxstats::test::eventually(
      [&] {
        return paxstats::db::sql::value(
                   db, "SELECT count(*) FROM paxstats.runs WHERE kind = 'report' AND status = 'succeeded'") ==
               std::to_string(kRegions);
      },
      120s))
      << logs();
  // One scheduler fired each slot: one run per region, none refused as "already queued".
  EXPECT_EQ(paxstats::db::sql::value(db, "SELECT count(*) FROM paxstats.runs WHERE kind = 'report'"),
            std::to_string(kRegions));
  const auto taken = paxstats::db::sql::query(
      db, "SELECT attempts, worker FROM paxstats.jobs WHERE kind = 'run_monthly' AND region = $1", {victim_region});
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(*taken[0][0], "2") << "claimed by the victim, then once more by the host that took it over";
  EXPECT_NE(*taken[0][1], victim_worker);

  // Exactly once, by the fake's record: each workspace completed one share per delivery sent,
  // none twice, and every delivery was sent.
  EXPECT_EQ(
      paxstats::db::sql::value(db, "SELECT count(*) FROM paxstats.deliveries WHERE status NOT IN ('sent', 'skipped')"),
      "0")
      << paxstats::db::sql::value(db,
                                  "SELECT string_agg(status || ' ' || coalesce(error, ''), '; ') "
                                  "FROM paxstats.deliveries WHERE status NOT IN ('sent', 'skipped')")
             .value_or("");
  for (int k = 1; k <= kRegions; ++k) {
    const auto& fake = *fleet.workspaces()[static_cast<size_t>(k - 1)];
    int shared = 0;
    std::map<std::pair<std::string, std::string>, int> per_recipient_file;
    for (const auto& f : fake.files()) {
      EXPECT_LE(f.complete_calls, 1) << f.title;
      if (!f.completed) continue;
      ++shared;
      const int times = ++per_recipient_file[std::make_pair(f.channel_id, f.filename)];
      EXPECT_EQ(times, 1) << "sent twice: " << f.filename;
    }
    const std::string r = "r" + std::to_string(k);
    EXPECT_EQ(std::to_string(shared),
              paxstats::db::sql::value(
                  db, "SELECT count(*) FROM paxstats.deliveries WHERE region = $1 AND status = 'sent'", {r}))
        << r;
    EXPECT_GT(shared, 10) << r;
  }
  if (std::getenv("PAXSTATS_TEST_SHOW_LOGS")) std::cerr << logs();
  for (auto& h : hosts) h->kill(SIGTERM);
  fleet.stop();
  pg.stop();
}

int main(int argc, char** argv) {
  // The sandbox, entered while the process has one thread (a mount namespace needs that).
  if (::geteuid() != 0)
    g_why_not = "not root";
  else if (::unshare(CLONE_NEWNET | CLONE_NEWNS) != 0)
    g_why_not = std::string("unshare: ") + std::strerror(errno);
  else if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    g_why_not = std::string("cannot make the mounts private: ") + std::strerror(errno);
  else
    g_sandbox = true;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
