// The paxstats binary as users run it: commands, output, exit status, and what it leaves behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>
#include <thread>

#include "command.hpp"
#include "postgres_env.hpp"

namespace fs = std::filesystem;

namespace {

using Run = paxstats::test::CommandResult;

// Runs paxstats with args under a private PAXSTATS_HOME; env_prefix may add variables.
Run run_cli(const fs::path& home, const std::string& args, const std::string& env_prefix = "env -u DATABASE_URL") {
  return paxstats::test::run_command(env_prefix + " PAXSTATS_HOME='" + home.string() + "' '" PAXSTATS_BIN "' " + args);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { ::chmod(home.path().c_str(), 0755); }
  void TearDown() override { run_cli(home.path(), "db stop"); }
  paxstats::test::TempDir home;
};

}  // namespace

TEST_F(Cli, DbLifecycleAndRegionsFromTheCommandLine) {
  auto status = run_cli(home.path(), "db status");
  EXPECT_EQ(status.status, 3) << status.output;
  EXPECT_TRUE(contains(status.output, "not created yet")) << status.output;

  auto start = run_cli(home.path(), "db start");
  ASSERT_EQ(start.status, 0) << start.output;
  EXPECT_TRUE(contains(start.output, "started")) << start.output;
  auto again = run_cli(home.path(), "db start");
  EXPECT_EQ(again.status, 0);
  EXPECT_TRUE(contains(again.output, "already running")) << again.output;
  status = run_cli(home.path(), "db status");
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "running (pid")) << status.output;

  auto add = run_cli(home.path(), "region add stl --name 'F3 St. Louis' --tz America/Chicago");
  EXPECT_EQ(add.status, 0) << add.output;
  auto list = run_cli(home.path(), "region list");
  EXPECT_TRUE(contains(list.output, "stl") && contains(list.output, "F3 St. Louis")) << list.output;

  auto bad_slug = run_cli(home.path(), "region add 'St-Louis' --name x --tz UTC");
  EXPECT_EQ(bad_slug.status, 2);
  EXPECT_TRUE(contains(bad_slug.output, "region slug \"St-Louis\" is not allowed")) << bad_slug.output;
  auto bad_tz = run_cli(home.path(), "region add kc --name x --tz Central");
  EXPECT_EQ(bad_tz.status, 2);
  EXPECT_TRUE(contains(bad_tz.output, "unknown time zone \"Central\"")) << bad_tz.output;
  EXPECT_FALSE(contains(run_cli(home.path(), "region list").output, "kc"));

  // Issue 29: a name holding a terminal escape sequence is printed with it shown as '?'.
  auto escaped = run_cli(home.path(), "region add esc --name \"$(printf 'Bad\\033[2JName\\302\\233')\" --tz UTC");
  EXPECT_EQ(escaped.status, 0) << escaped.output;
  EXPECT_EQ(escaped.output.find('\x1b'), std::string::npos) << escaped.output;
  EXPECT_EQ(escaped.output.find("\xc2\x9b"), std::string::npos) << escaped.output;
  EXPECT_TRUE(contains(escaped.output, "Bad?[2JName?")) << escaped.output;
  EXPECT_EQ(run_cli(home.path(), "region list").output.find('\x1b'), std::string::npos);

  auto set = run_cli(home.path(), "region set stl send_kotter=false firstf_channel=C0123ABCD");
  EXPECT_EQ(set.status, 0) << set.output;
  EXPECT_TRUE(contains(set.output, "send_kotter:                  false")) << set.output;

  // Aliases: listed (none yet), an unknown user or action refused with a hint.
  auto aliases = run_cli(home.path(), "region alias stl");
  EXPECT_EQ(aliases.status, 0) << aliases.output;
  EXPECT_TRUE(contains(aliases.output, "no typed names match a user of stl")) << aliases.output;
  auto no_user = run_cli(home.path(), "region alias stl add 'Dozer' U0NOBODY1");
  EXPECT_EQ(no_user.status, 2) << no_user.output;
  EXPECT_TRUE(contains(no_user.output, "region stl has no user U0NOBODY1")) << no_user.output;
  EXPECT_EQ(run_cli(home.path(), "region alias stl merge 'Dozer'").status, 2);
  EXPECT_EQ(run_cli(home.path(), "region alias stl add 'Dozer'").status, 2);
  auto removed = run_cli(home.path(), "region alias stl remove 'Dozer'");
  EXPECT_EQ(removed.status, 0) << removed.output;
  EXPECT_TRUE(contains(run_cli(home.path(), "region alias stl").output, "not an alias (removed)"));

  auto migrate = run_cli(home.path(), "db migrate");
  EXPECT_EQ(migrate.status, 0);
  EXPECT_TRUE(contains(migrate.output, "up to date")) << migrate.output;

  auto stop = run_cli(home.path(), "db stop");
  EXPECT_TRUE(contains(stop.output, "stopped")) << stop.output;
  EXPECT_EQ(run_cli(home.path(), "db status").status, 3);
}

TEST_F(Cli, WithDatabaseUrlSetNothingIsStarted) {
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  const std::string env = "env DATABASE_URL='" + url + "'";
  auto add = run_cli(home.path(), "region add stl --name 'F3 St. Louis' --tz America/Chicago", env);
  EXPECT_EQ(add.status, 0) << add.output;
  auto status = run_cli(home.path(), "db status", env);
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_TRUE(contains(status.output, "DATABASE_URL")) << status.output;
  EXPECT_EQ(run_cli(home.path(), "db start", env).status, 2);
  EXPECT_FALSE(fs::exists(home.path() / "postgres")) << "a private cluster was created although DATABASE_URL is set";
}

TEST_F(Cli, UnreachableDatabaseUrlIsAClearErrorWithoutThePassword) {
  const std::string env = "env DATABASE_URL='postgresql://pax:s3cret@127.0.0.1:1/none?connect_timeout=2'";
  auto r = run_cli(home.path(), "region list", env);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "cannot connect to PostgreSQL")) << r.output;
  EXPECT_FALSE(contains(r.output, "s3cret")) << r.output;
}

TEST_F(Cli, HelpListsTheCommands) {
  auto r = run_cli(home.path(), "--help");
  EXPECT_EQ(r.status, 0);
  for (const char* c : {"db", "region", "generate", "demo", "export", "community"})
    EXPECT_TRUE(contains(r.output, c)) << c;
}

TEST_F(Cli, ServeStopsCleanlyOnSigtermAndTokensAreShownOnce) {
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  const std::string env = "env DATABASE_URL='" + url + "'";
  auto created = run_cli(home.path(), "token create ci", env);
  ASSERT_EQ(created.status, 0) << created.output;
  const std::string token = created.output.substr(0, created.output.find('\n'));
  EXPECT_EQ(token.rfind("pxs_", 0), 0u) << created.output;
  auto list = run_cli(home.path(), "token list", env);
  EXPECT_TRUE(contains(list.output, "ci")) << list.output;
  EXPECT_FALSE(contains(list.output, token)) << "token list shows the token";
  EXPECT_EQ(run_cli(home.path(), "token create ci", env).status, 2);  // names are unique
  EXPECT_EQ(run_cli(home.path(), "token revoke ci", env).status, 0);
  EXPECT_EQ(run_cli(home.path(), "token revoke ci", env).status, 2);

  const auto no_secret = run_cli(home.path(), "serve --listen 127.0.0.1:0 --no-scheduler",
                                 "env -u SLACK_SIGNING_SECRET DATABASE_URL='" + url + "'");
  EXPECT_EQ(no_secret.status, 2) << no_secret.output;
  const auto log = home.path() / "serve.log";
  const auto rc = home.path() / "serve.rc", pidfile = home.path() / "serve.pid";
  paxstats::test::run_command("( " + env + " SLACK_SIGNING_SECRET=x PAXSTATS_HOME='" + home.path().string() +
                              "' '" PAXSTATS_BIN "' serve --listen 127.0.0.1:0 --no-scheduler > '" + log.string() +
                              "' 2>&1 & p=$!; echo $p > '" + pidfile.string() + "'; wait $p; echo $? > '" +
                              rc.string() + "' ) > /dev/null 2>&1 &");
  std::string pid;
  for (int i = 0; i < 100 && pid.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream(pidfile) >> pid;
  }
  std::string text;
  for (int i = 0; i < 200 && !contains(text, "listening on"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::ifstream in(log);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_TRUE(contains(text, "listening on")) << text;
  auto stopped = paxstats::test::run_command("kill -TERM " + pid + " && while kill -0 " + pid +
                                             " 2>/dev/null; do sleep 0.05; done; echo done");
  EXPECT_TRUE(contains(stopped.output, "done"));
  std::ifstream in(log);
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(text, "serve: stopped")) << text;
  std::string code;
  for (int i = 0; i < 100 && code.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream(rc) >> code;
  }
  EXPECT_EQ(code, "0") << "exit status after SIGTERM";
  EXPECT_FALSE(contains(text, token));
}

TEST_F(Cli, StatsDrawsOnePersonsChartOrSaysWhyNot) {
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  const std::string env = "env DATABASE_URL='" + url + "'";
  const auto ws = home.path() / "ws";
  ASSERT_EQ(run_cli(home.path(), "generate --out '" + ws.string() + "' --pax 30 --months 2", env).status, 0);
  ASSERT_EQ(run_cli(home.path(), "region add r --name R --tz America/Chicago", env).status, 0);
  ASSERT_EQ(run_cli(home.path(), "import '" + ws.string() + "' --region r", env).status, 0);
  // A Slack user who led in the last generated month.
  std::string user;
  std::ifstream in(ws / "truth.json");
  const auto truth = nlohmann::json::parse(in);
  for (const auto& b : truth["beatdowns"])
    if (b["q"].contains("user_id")) user = b["q"]["user_id"].get<std::string>();
  ASSERT_FALSE(user.empty());
  const auto png = home.path() / "me.png";
  auto r = run_cli(home.path(), "stats --region r --user " + user + " --year 2026 -o '" + png.string() + "'", env);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "this year")) << r.output;
  std::ifstream file(png, std::ios::binary);
  std::string head(8, '\0');
  file.read(head.data(), 8);
  EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8));
  auto none = run_cli(home.path(), "stats --region r --user " + user + " --year 1999", env);
  EXPECT_EQ(none.status, 0);  // not an error (exit 1 is kept for bugs)
  EXPECT_TRUE(contains(none.output, "no posts in 1999")) << none.output;
  auto bad = run_cli(home.path(), "stats --region r --user " + user + " --year 26", env);
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(contains(bad.output, "not a year")) << bad.output;
}

TEST_F(Cli, UsageErrorsExitTwoWithOneLineAndAHint) {
  struct Case {
    std::string args, says;
  };
  const std::vector<Case> cases = {
      {"bogus", "paxstats: unknown command 'bogus'; see paxstats --help"},
      {"region bogus", "paxstats: unknown command 'bogus' for paxstats region; see paxstats region --help"},
      {"region", "see paxstats region --help"},
      {"region add", "see paxstats region add --help"},
      {"report monthly --region r", "--month is required; see paxstats report monthly --help"},
      {"report weekly --region r", "--week is required; see paxstats report weekly --help"},
      {"db start --nope", "see paxstats db start --help"},
      {"render", "see paxstats render --help"},
      {"generate --pax many --out /tmp/x", "see paxstats generate --help"},
      {"stats --region r --user U1 --send -o x.png", "see paxstats stats --help"},
      {"export --region r", "--out is required; see paxstats export --help"},
      {"export --region r --out /tmp/x --format xml", "see paxstats export --help"},
      {"community", "see paxstats community --help"},
      {"community score", "--region is required; see paxstats community score --help"},
  };
  for (const auto& c : cases) {
    const auto r = run_cli(home.path(), c.args);
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("paxstats: ", 0), 0u) << c.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << c.args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.says)) << c.args << "\n" << r.output;
  }
  EXPECT_EQ(run_cli(home.path(), "--version").status, 0);
  EXPECT_EQ(run_cli(home.path(), "report monthly --help").status, 0);
}

// A community workspace from the command line: generated, imported, exported, scored; its bad
// inputs exit 2 naming them.
TEST_F(Cli, ACommunityIsExportedAndScored) {
  const std::string dir = (home.path() / "community").string();
  ASSERT_EQ(run_cli(home.path(), "generate --community --members 30 --months 2 --out '" + dir + "'").status, 0);
  // Issue 29: a member named like a spreadsheet formula, in every CSV, stays text.
  {
    nlohmann::json users = nlohmann::json::parse(std::ifstream(fs::path(dir) / "users.json"));
    for (auto& u : users) {
      u["profile"]["display_name"] = "=HYPERLINK(\"http://evil.test\",\"x\")";
      u["profile"]["real_name"] = "=HYPERLINK(\"http://evil.test\",\"x\")";
    }
    std::ofstream(fs::path(dir) / "users.json") << users.dump();
  }
  ASSERT_EQ(run_cli(home.path(), "region add c --name 'Data Meetup' --tz America/New_York").status, 0);
  ASSERT_EQ(run_cli(home.path(), "import '" + dir + "' --region c").status, 0);
  const std::string out = (home.path() / "dataset").string();
  const auto ex = run_cli(home.path(), "export --region c --out '" + out + "' --since 2026-10-01");
  EXPECT_EQ(ex.status, 0) << ex.output;
  EXPECT_TRUE(contains(ex.output, "member_activity.csv")) << ex.output;
  EXPECT_TRUE(fs::exists(fs::path(out) / "network.gexf"));
  auto slurp_file = [](const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  for (const char* f : {"member_activity.csv", "users.csv", "nodes.csv"}) {
    if (!fs::exists(fs::path(out) / f)) continue;
    const std::string csv = slurp_file(fs::path(out) / f);
    EXPECT_TRUE(contains(csv, "'=HYPERLINK")) << f;
    EXPECT_FALSE(contains(csv, ",=HYPERLINK") || contains(csv, ",\"=HYPERLINK")) << f;
  }
  const std::string scores = (home.path() / "scores.csv").string();
  ASSERT_EQ(run_cli(home.path(), "community score --region c --period 2026-Q4 --csv '" + scores + "'",
                    "env -u DATABASE_URL PAXSTATS_NOW=2026-11-02T12:00:00Z")
                .status,
            0);
  EXPECT_TRUE(contains(slurp_file(scores), "'=HYPERLINK"));
  EXPECT_FALSE(contains(slurp_file(scores), ",=HYPERLINK") || contains(slurp_file(scores), ",\"=HYPERLINK"));
  const auto bad_since = run_cli(home.path(), "export --region c --out '" + out + "' --since yesterday");
  EXPECT_EQ(bad_since.status, 2) << bad_since.output;
  EXPECT_TRUE(contains(bad_since.output, "--since \"yesterday\" is not a date")) << bad_since.output;
  const auto score = run_cli(home.path(), "community score --region c --period 2026-Q4 --top 3",
                             "env -u DATABASE_URL PAXSTATS_NOW=2026-11-02T12:00:00Z");
  EXPECT_EQ(score.status, 0) << score.output;
  EXPECT_TRUE(contains(score.output, "engagement in Data Meetup, Q4 2026 (2026-10-01 to 2026-12-31)")) << score.output;
  EXPECT_TRUE(contains(score.output, "    1  ")) << score.output;
  const auto bad_period = run_cli(home.path(), "community score --region c --period 2026-13");
  EXPECT_EQ(bad_period.status, 2) << bad_period.output;
  EXPECT_TRUE(contains(bad_period.output, "\"2026-13\" is not a period")) << bad_period.output;
  EXPECT_EQ(run_cli(home.path(), "community score --region nowhere").status, 2);
}

TEST_F(Cli, ABadPaxstatsNowIsAnInputError) {
  const auto r = run_cli(home.path(), "backblast parse < /dev/null", "env -u DATABASE_URL PAXSTATS_NOW=yesterday");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "PAXSTATS_NOW=\"yesterday\" is not an ISO 8601 time")) << r.output;
}

TEST_F(Cli, APostThatIsNotABackblastIsAnAnswerNotAFailure) {
  const auto chatter = home.path() / "chatter.txt", post = home.path() / "post.txt";
  std::ofstream(chatter) << "Great workout today, see you Monday\n";
  std::ofstream(post) << "Backblast: x\nQ: <@U1>\nPAX: <@U2>\n";
  const auto r = run_cli(home.path(), "backblast parse --tz UTC < '" + chatter.string() + "'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "\"is_backblast\": false")) << r.output;
  // With no --posted-at, the post is dated by the business clock.
  const auto dated = run_cli(home.path(), "backblast parse --tz UTC < '" + post.string() + "'",
                             "env -u DATABASE_URL PAXSTATS_NOW=2027-03-14T08:30:00Z");
  EXPECT_EQ(dated.status, 0) << dated.output;
  EXPECT_TRUE(contains(dated.output, "\"date\": \"2027-03-14\"")) << dated.output;
}

TEST_F(Cli, ReportsRefuseMonthsThatHaveNotEndedOrHoldNothing) {
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  // Business time pinned: 2026-11-15 in the region, the generated region ends on 2026-10-31.
  const std::string env = "env DATABASE_URL='" + url + "' PAXSTATS_NOW=2026-11-15T18:00:00Z";
  const auto ws = home.path() / "ws";
  ASSERT_EQ(run_cli(home.path(), "generate --out '" + ws.string() + "' --pax 20 --months 1", env).status, 0);
  ASSERT_EQ(run_cli(home.path(), "region add r --name R --tz America/Chicago", env).status, 0);
  ASSERT_EQ(run_cli(home.path(), "import '" + ws.string() + "' --region r", env).status, 0);
  const auto out = (home.path() / "out").string();
  auto future = run_cli(home.path(), "report monthly --region r --month 2999-01 --outbox '" + out + "'", env);
  EXPECT_EQ(future.status, 2) << future.output;
  EXPECT_TRUE(contains(future.output, "2999-01 has not happened yet")) << future.output;
  auto current = run_cli(home.path(), "report monthly --region r --month 2026-11 --outbox '" + out + "'", env);
  EXPECT_EQ(current.status, 2) << current.output;
  EXPECT_TRUE(contains(current.output, "--allow-partial")) << current.output;
  auto empty =
      run_cli(home.path(), "report monthly --region r --month 2026-11 --allow-partial --outbox '" + out + "'", env);
  EXPECT_EQ(empty.status, 2) << empty.output;
  EXPECT_TRUE(contains(empty.output, "no beatdowns in 2026-11")) << empty.output;
  EXPECT_FALSE(contains(empty.output, "top 0")) << empty.output;
  EXPECT_EQ(
      run_cli(home.path(),
              "report monthly --region r --month 2026-11 --allow-partial --allow-empty --outbox '" + out + "'", env)
          .status,
      0);
  auto done = run_cli(home.path(), "report monthly --region r --month 2026-10 --outbox '" + out + "'", env);
  EXPECT_EQ(done.status, 0) << done.output;
  // The weekly report: a week still under way (2026-W46 holds the 15th), a malformed week, a
  // week with nothing in it, and the last week of the data.
  auto week_now = run_cli(home.path(), "report weekly --region r --week 2026-W46 --outbox '" + out + "'", env);
  EXPECT_EQ(week_now.status, 2) << week_now.output;
  EXPECT_TRUE(contains(week_now.output, "2026-W46 is still under way")) << week_now.output;
  auto bad_week = run_cli(home.path(), "report weekly --region r --week 2026-W60 --outbox '" + out + "'", env);
  EXPECT_EQ(bad_week.status, 2) << bad_week.output;
  EXPECT_TRUE(contains(bad_week.output, "YYYY-Www")) << bad_week.output;
  auto week_empty = run_cli(home.path(), "report weekly --region r --week 2026-W45 --outbox '" + out + "'", env);
  EXPECT_EQ(week_empty.status, 2) << week_empty.output;
  EXPECT_TRUE(contains(week_empty.output, "no beatdowns in 2026-W45")) << week_empty.output;
  std::ifstream truth_file(ws / "truth.json");
  const std::string firstf = nlohmann::json::parse(truth_file)["region"]["firstf_channel"];
  // Issue 29: a channel by its name, as people know it; region set prints only what changed.
  auto by_name = run_cli(home.path(), "region set r firstf_channel=#1st-f", env);
  ASSERT_EQ(by_name.status, 0) << by_name.output;
  EXPECT_TRUE(contains(by_name.output, "firstf_channel:               " + firstf)) << by_name.output;
  EXPECT_FALSE(contains(by_name.output, "slug:")) << by_name.output;
  EXPECT_TRUE(contains(run_cli(home.path(), "region set r firstf_channel=" + firstf, env).output, "nothing changed"));
  auto no_such = run_cli(home.path(), "region set r kotter_channel=no-such-channel", env);
  EXPECT_EQ(no_such.status, 2);
  EXPECT_TRUE(contains(no_such.output, "has no channel named \"no-such-channel\"")) << no_such.output;
  auto week = run_cli(home.path(), "report weekly --region r --week 2026-W43 --outbox '" + out + "/w43'", env);
  EXPECT_EQ(week.status, 0) << week.output;
  EXPECT_TRUE(fs::exists(fs::path(out) / "w43" / "weekly-2026-W43.png")) << week.output;
  auto nobody = run_cli(home.path(), "stats --region r --user U0NOBODY00", env);
  EXPECT_EQ(nobody.status, 2) << nobody.output;
  EXPECT_TRUE(contains(nobody.output, "has no Slack user U0NOBODY00")) << nobody.output;
}

TEST_F(Cli, InstallPutsTheProgramsTemplatesAndUnitsUnderThePrefix) {
  const auto prefix = home.path() / "prefix";
  const auto r =
      paxstats::test::run_command("cmake --install '" PAXSTATS_BUILD_DIR "' --prefix '" + prefix.string() + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(prefix / "bin" / "paxstats"));
  EXPECT_TRUE(fs::exists(prefix / "bin" / "paxstats-fake-slack"));
  EXPECT_TRUE(fs::exists(prefix / "share" / "paxstats" / "templates" / "pax_monthly.mustache"));
  std::ifstream unit(prefix / "lib" / "systemd" / "system" / "paxstats.service");
  const std::string text((std::istreambuf_iterator<char>(unit)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(text, "ExecStart=" + (prefix / "bin" / "paxstats").string() + " serve")) << text;
  EXPECT_EQ(paxstats::test::run_command("'" + (prefix / "bin" / "paxstats").string() + "' --version").status, 0);
}

TEST_F(Cli, TwoRegionsOnOneTokenVariableAreWarnedAbout) {
  const std::string env = "env DATABASE_URL='" + paxstats::test::PostgresEnvironment::get().fresh_database_url() + "'";
  ASSERT_EQ(run_cli(home.path(), "region add aa --name A --tz UTC", env).status, 0);
  ASSERT_EQ(run_cli(home.path(), "region add bb --name B --tz UTC", env).status, 0);
  auto shared = run_cli(home.path(), "region set bb name=Bee", env);
  EXPECT_EQ(shared.status, 0) << shared.output;
  EXPECT_TRUE(contains(shared.output, "2 regions read their bot token from SLACK_BOT_TOKEN (aa, bb)")) << shared.output;
  // Ten regions on one variable say so in one line, where it matters (not one line each).
  for (int i = 0; i < 8; ++i)
    ASSERT_EQ(run_cli(home.path(), "region add r" + std::to_string(i) + " --name R --tz UTC", env).status, 0);
  auto list = run_cli(home.path(), "region list", env);
  EXPECT_EQ(list.status, 0) << list.output;
  size_t warnings = 0;
  for (size_t at = list.output.find("warning"); at != std::string::npos; at = list.output.find("warning", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << list.output;
  EXPECT_TRUE(contains(list.output, "10 regions read their bot token from SLACK_BOT_TOKEN")) << list.output;
  auto own = run_cli(home.path(), "region set bb token_env=SLACK_BOT_TOKEN_BB", env);
  EXPECT_FALSE(contains(own.output, "warning")) << own.output;
  EXPECT_EQ(run_cli(home.path(), "region set bb token_env=SLACK_SIGNING_SECRET", env).status, 2);
}

// Issue 33: a bot token stored sealed (AES-256-GCM under a key file only its owner reads), never in
// plain text in the database or in anything printed, used only with its key, and moved to a new
// key in one go.
TEST_F(Cli, ABotTokenIsStoredSealedAndOpensOnlyWithItsKey) {
  const std::string url = paxstats::test::PostgresEnvironment::get().fresh_database_url();
  const std::string env = "env -u SLACK_BOT_TOKEN DATABASE_URL='" + url + "' SLACK_API_BASE_URL=http://127.0.0.1:9/";
  const std::string token = "xoxb-5551212-sealed-test-token";
  const std::string k1 = (home.path() / "k1").string(), k2 = (home.path() / "k2").string();
  auto with_key = [&](const std::string& key) { return env + " PAXSTATS_SECRET_KEY_FILE='" + key + "'"; };
  ASSERT_EQ(run_cli(home.path(), "region add tk --name T --tz UTC", env).status, 0);
  auto created = run_cli(home.path(), "key create '" + k1 + "'", env);
  ASSERT_EQ(created.status, 0) << created.output;
  struct stat st {};
  ASSERT_EQ(::stat(k1.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(k1), 32u);
  EXPECT_EQ(run_cli(home.path(), "key create '" + k1 + "'", env).status, 2) << "a key is never replaced";

  // Only sealed: without a key nothing is stored; a value that is no bot token is refused.
  auto pipe = [&](const std::string& value, const std::string& key) {
    return paxstats::test::run_command("echo '" + value + "' | " + with_key(key) + " PAXSTATS_HOME='" +
                                       home.path().string() + "' '" PAXSTATS_BIN "' region token tk");
  };
  auto no_key = pipe(token, "");
  EXPECT_EQ(no_key.status, 2);
  EXPECT_TRUE(contains(no_key.output, "only stored sealed")) << no_key.output;
  EXPECT_EQ(pipe("not-a-token", k1).status, 2);
  auto stored = pipe(token, k1);
  ASSERT_EQ(stored.status, 0) << stored.output;
  EXPECT_FALSE(contains(stored.output, token));

  // The table holds no token in plain text (nor any part of it past its prefix).
  auto table =
      paxstats::test::run_command("psql '" + url + "' -Atc 'SELECT region, name, sealed FROM paxstats.secrets'");
  ASSERT_EQ(table.status, 0) << table.output;
  EXPECT_TRUE(contains(table.output, "tk|bot_token|v1.")) << table.output;
  EXPECT_FALSE(contains(table.output, "5551212")) << table.output;
  EXPECT_FALSE(contains(table.output, "xoxb")) << table.output;
  auto show = run_cli(home.path(), "region show tk", env);
  EXPECT_TRUE(contains(show.output, "stored, sealed under key")) << show.output;

  // Used with its key: the command gets as far as Slack (unreachable here), never printing the token.
  auto sync = run_cli(home.path(), "sync --region tk", with_key(k1));
  EXPECT_EQ(sync.status, 2) << sync.output;
  EXPECT_FALSE(contains(sync.output, "sealed")) << "the token opened: " << sync.output;
  EXPECT_FALSE(contains(sync.output, token)) << sync.output;
  // Without the key, or with another one: a clear error, exit 2.
  auto missing = run_cli(home.path(), "sync --region tk", env);
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(contains(missing.output, "PAXSTATS_SECRET_KEY_FILE is not set")) << missing.output;
  ASSERT_EQ(run_cli(home.path(), "key create '" + k2 + "'", env).status, 0);
  auto wrong = run_cli(home.path(), "sync --region tk", with_key(k2));
  EXPECT_EQ(wrong.status, 2);
  EXPECT_TRUE(contains(wrong.output, "was sealed under key")) << wrong.output;
  ::chmod(k2.c_str(), 0644);
  auto loose = run_cli(home.path(), "sync --region tk", with_key(k2));
  EXPECT_EQ(loose.status, 2);
  EXPECT_TRUE(contains(loose.output, "chmod 600")) << loose.output;
  ::chmod(k2.c_str(), 0600);

  // A change of keys: every secret re-sealed, after which only the new key opens it.
  auto rotated = run_cli(home.path(), "key rotate --from '" + k1 + "'", with_key(k2));
  ASSERT_EQ(rotated.status, 0) << rotated.output;
  EXPECT_TRUE(contains(rotated.output, "re-sealed 1 secret(s)")) << rotated.output;
  EXPECT_FALSE(contains(run_cli(home.path(), "sync --region tk", with_key(k2)).output, "sealed under key"));
  EXPECT_TRUE(contains(run_cli(home.path(), "sync --region tk", with_key(k1)).output, "was sealed under key"));
  EXPECT_EQ(run_cli(home.path(), "region token tk --delete", env).status, 0);
  EXPECT_TRUE(contains(run_cli(home.path(), "region show tk", env).output, "none stored"));
}
