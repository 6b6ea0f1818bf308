// The private cluster's life cycle, each test on its own throwaway cluster.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/embedded.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
namespace fs = std::filesystem;

namespace {

db::EmbeddedOptions options_for(const fs::path& home) { return {.home = home, .settings = test::throwaway_settings()}; }

// Waits until no process of the cluster (postmaster or backend) holds its data directory.
void wait_for_cluster_exit(const fs::path& data_dir) {
  for (int i = 0; i < 200; ++i) {
    bool busy = false;
    for (const auto& p : fs::directory_iterator("/proc")) {
      std::error_code ec;
      auto cwd = fs::read_symlink(p.path() / "cwd", ec);
      if (!ec && cwd == data_dir) busy = true;
    }
    if (!busy) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// A home the server's user can enter (when tests run as root).
const test::TempDir& reachable(const test::TempDir& dir) {
  ::chmod(dir.path().c_str(), 0755);
  return dir;
}

class Embedded : public ::testing::Test {
 protected:
  void TearDown() override {
    try {
      pg.stop();
    } catch (...) {
    }
  }
  test::TempDir home;
  db::EmbeddedPostgres pg{options_for(reachable(home).path())};
};

}  // namespace

TEST_F(Embedded, StartInitialisesAndSecondStartIsANoOp) {
  EXPECT_FALSE(pg.status().initialized);
  EXPECT_TRUE(pg.start());
  auto s = pg.status();
  EXPECT_TRUE(s.initialized);
  EXPECT_TRUE(s.running);
  ASSERT_TRUE(s.pid.has_value());
  EXPECT_FALSE(pg.start());  // already running: nothing happens
  EXPECT_EQ(pg.status().pid, s.pid);
  db::Database conn(pg.url());
  EXPECT_EQ(db::sql::value(conn, "SELECT current_database()"), "paxstats");
}

TEST_F(Embedded, ListensOnlyOnItsPrivateSocket) {
  pg.start();
  db::Database conn(pg.url());
  EXPECT_EQ(db::sql::value(conn, "SHOW listen_addresses"), "");
  EXPECT_EQ(db::sql::value(conn, "SHOW unix_socket_directories"), (pg.cluster_dir() / "run").string());
  EXPECT_EQ(fs::status(pg.cluster_dir() / "run").permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(Embedded, StopThenRestartKeepsData) {
  pg.start();
  {
    db::Database conn(pg.url());
    db::sql::script(conn, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
  }
  EXPECT_TRUE(pg.stop());
  EXPECT_FALSE(pg.status().running);
  EXPECT_FALSE(pg.stop());  // stopping a stopped cluster is not an error
  EXPECT_TRUE(pg.start());
  db::Database again(pg.url());
  EXPECT_EQ(db::sql::value(again, "SELECT x FROM kept"), "42");
}

TEST_F(Embedded, StartsAfterACrashLeftItsPidFile) {
  pg.start();
  long pid = *pg.status().pid;
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  wait_for_cluster_exit(pg.cluster_dir() / "data");
  ASSERT_TRUE(fs::exists(pg.cluster_dir() / "data" / "postmaster.pid"));
  EXPECT_FALSE(pg.status().running);
  EXPECT_TRUE(pg.start());
  EXPECT_TRUE(pg.status().running);
}

// A live process that is not a postmaster, owned by the same user as the server (PostgreSQL
// itself treats pids of other users as stale, so only this case needs paxstats's help).
pid_t spawn_sleeper_as_server_user() {
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0) {
      passwd* pw = getpwnam("paxstats");
      if (!pw || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) _exit(1);
    }
    execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(1);
  }
  return pid;
}

TEST_F(Embedded, StartsWhenTheStalePidFileNamesAnUnrelatedLiveProcess) {
  pg.start();
  pg.stop();
  // After a reboot, the recorded pid often belongs to some other live process of that user.
  pid_t sleeper = spawn_sleeper_as_server_user();
  ASSERT_GT(sleeper, 0);
  // Wait until it has dropped privileges and become `sleep` (it execs only after setuid).
  EXPECT_TRUE(test::eventually([&] {
    std::ifstream in("/proc/" + std::to_string(sleeper) + "/cmdline");
    std::string cmd;
    std::getline(in, cmd, '\0');
    return cmd == "/bin/sleep" || cmd == "sleep";
  }));
  std::ofstream(pg.cluster_dir() / "data" / "postmaster.pid") << sleeper << "\n"
                                                              << (pg.cluster_dir() / "data").string() << "\n";
  EXPECT_FALSE(pg.status().running);
  EXPECT_NO_THROW(pg.start());
  EXPECT_TRUE(pg.status().running);
  ::kill(sleeper, SIGKILL);
  ::waitpid(sleeper, nullptr, 0);
}

TEST_F(Embedded, UrlIsStableAcrossInstances) {
  EXPECT_EQ(pg.url(), db::EmbeddedPostgres(options_for(home.path())).url());
}

TEST(EmbeddedAsRoot, ServerRunsUnprivilegedEvenWhenHomeIsPrivate) {
  if (geteuid() != 0) GTEST_SKIP() << "only meaningful as root";
  test::TempDir home;  // 0700, owned by root: the server's user cannot enter it
  db::EmbeddedPostgres pg(options_for(home.path()));
  ASSERT_TRUE(pg.start());
  EXPECT_TRUE(pg.cluster_dir().string().starts_with("/var/lib/paxstats/clusters/")) << pg.cluster_dir();
  EXPECT_TRUE(fs::is_symlink(home.path() / "postgres"));
  struct stat st {};
  ASSERT_EQ(::stat((pg.cluster_dir() / "data").c_str(), &st), 0);
  EXPECT_NE(st.st_uid, 0u) << "the data directory must not belong to root";
  db::Database conn(pg.url());
  EXPECT_EQ(db::sql::value(conn, "SELECT 1"), "1");
  pg.stop();
  fs::remove_all(pg.cluster_dir());
}

// Several paxstats processes starting at once on a fresh machine must agree on one account: the
// check-then-create runs under a machine-wide lock. A name of the test's own keeps the real
// "paxstats" account out of it.
TEST(ServiceAccount, FourProcessesAtOnceAgreeOnOneWorkingAccount) {
  if (geteuid() != 0) GTEST_SKIP() << "creating system users needs root";
  const std::string name = "pxtest" + std::to_string(getpid() % 100000);
  const std::string remove = "userdel " + name + " >/dev/null 2>&1; groupdel " + name + " >/dev/null 2>&1";
  struct Cleanup {
    std::string cmd;
    ~Cleanup() { (void)std::system(cmd.c_str()); }
  } cleanup{remove};
  (void)std::system(remove.c_str());
  ASSERT_EQ(getpwnam(name.c_str()), nullptr);
  int answers[2], go[2];
  ASSERT_EQ(pipe(answers), 0);
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> kids;
  for (int i = 0; i < 4; ++i) {
    const pid_t p = fork();
    ASSERT_GE(p, 0);
    if (p == 0) {
      close(answers[0]);
      close(go[1]);
      char c;
      (void)read(go[0], &c, 1);  // all four start together when the parent closes the pipe
      std::string line;
      try {
        const auto a = db::ensure_service_account(name);
        line = std::to_string(a.uid) + "\n";
      } catch (const std::exception& e) {
        line = std::string("error ") + e.what() + "\n";
      }
      (void)write(answers[1], line.data(), line.size());
      _exit(0);
    }
    kids.push_back(p);
  }
  close(answers[1]);
  close(go[0]);
  close(go[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(answers[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(answers[0]);
  for (pid_t p : kids) waitpid(p, nullptr, 0);
  passwd* pw = getpwnam(name.c_str());
  ASSERT_NE(pw, nullptr) << out;
  const std::string uid = std::to_string(pw->pw_uid) + "\n";
  EXPECT_EQ(out, uid + uid + uid + uid);
  // The account works: a process can become it.
  const pid_t p = fork();
  if (p == 0) _exit(setgid(pw->pw_gid) == 0 && setuid(pw->pw_uid) == 0 && geteuid() == pw->pw_uid ? 0 : 1);
  int status = 0;
  waitpid(p, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
