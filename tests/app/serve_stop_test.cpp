// Issue 29: `paxstats serve` stops within 10 s of SIGTERM (systemd waits 90 s, then kills), even
// in the middle of the first, long sync after an import; the sync is put back, never failed, and
// goes on from where it was at the next start.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../mining/truth_support.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "command.hpp"
#include "eventually.hpp"
#include "postgres_env.hpp"
#include "serve_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(ServeStop, SigtermDuringTheFirstSyncStopsWithinTenSecondsAndPutsTheSyncBack) {
  paxstats::mining::GeneratorOptions g;
  g.seed = 31;
  g.pax = 40;
  g.months = 2;
  paxstats::test::GeneratedWorkspace ws(g);
  // Slack's 2025 limits for non-Marketplace apps: one history page a minute, so the sync of a
  // whole region takes many minutes, as a real first sync does.
  paxstats::slack::fake::FakeSlack::Options fo;
  fo.nonmarketplace_history = true;
  paxstats::slack::fake::FakeSlack fake(fo);
  fake.load_export(ws.path());
  fake.start();
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  paxstats::test::TempDir home;
  const std::string env = "env DATABASE_URL='" + url + "' PAXSTATS_HOME='" + home.path().string() +
                          "' PAXSTATS_NOW=2026-11-15T18:00:00Z SLACK_API_BASE_URL='" + fake.base_url() +
                          "' PAXSTATS_TOKEN_STOP='" + fo.token + "' SLACK_SIGNING_SECRET=stop-test-secret";
  auto cli = [&](const std::string& args) { return paxstats::test::run_command(env + " '" PAXSTATS_BIN "' " + args); };
  ASSERT_EQ(cli("region add r --name 'F3 Stop' --tz America/Chicago").status, 0);
  ASSERT_EQ(
      cli("region set r token_env=PAXSTATS_TOKEN_STOP team_id=" + ws.truth["region"]["team_id"].get<std::string>())
          .status,
      0);
  const auto imported = cli("import --region r '" + ws.path().string() + "'");
  ASSERT_EQ(imported.status, 0) << imported.output;

  const fs::path log = home.path() / "serve.log";
  paxstats::test::ServeProcess serve(PAXSTATS_BIN, env, "", log);
  ASSERT_TRUE(serve.up()) << read_file(log);
  // The scheduler starts the day's sync at once (it is past 04:00 in St. Louis).
  ASSERT_TRUE(paxstats::test::eventually([&] { return fake.calls("conversations.history") >= 2; }, 30s))
      << read_file(log);
  const auto [status, took] = serve.stop();
  EXPECT_EQ(status, 0) << read_file(log);
  EXPECT_LT(took.count(), 10.0) << read_file(log);
  EXPECT_NE(read_file(log).find("stopped with the service"), std::string::npos) << read_file(log);

  paxstats::db::Database db(url);
  const auto jobs =
      paxstats::db::sql::query(db, "SELECT status, attempts, coalesce(last_error, '') FROM jobs WHERE kind = 'sync'");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(*jobs[0][0], "queued") << *jobs[0][2];
  EXPECT_EQ(*jobs[0][1], "0") << "a stop is no failed attempt";
}
