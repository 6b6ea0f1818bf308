// paxstats slack whoami / slack upload, run as users run them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "paxstats/slack/fake_slack.hpp"
#include "command.hpp"
#include "postgres_env.hpp"

namespace {

paxstats::test::CommandResult run(const std::string& env, const std::string& args) {
  return paxstats::test::run_command(env + " '" PAXSTATS_BIN "' " + args);
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(SlackCli, UploadsToAChannelAndADmThroughTheFake) {
  paxstats::slack::fake::FakeSlack fake;
  fake.add_user({"U0000000A1", "gilmore", "Gil More", "Gilmore"});
  fake.add_channel({"C0000000F1", "1st-f", false, false, false, {fake.options().bot_user_id}});
  fake.start();
  paxstats::test::TempDir dir;
  const auto png = dir.path() / "chart.png";
  std::ofstream(png, std::ios::binary) << "\x89PNG\r\n\x1a\nchart bytes";
  const std::string env =
      "env SLACK_API_BASE_URL='" + fake.base_url() + "' SLACK_BOT_TOKEN='" + fake.options().token + "'";

  auto who = run(env, "slack whoami");
  EXPECT_EQ(who.status, 0) << who.output;
  EXPECT_TRUE(has(who.output, "T0FAKE0001") && has(who.output, "files:write")) << who.output;
  EXPECT_FALSE(has(who.output, fake.options().token)) << "printed the token";

  auto up = run(env, "slack upload '" + png.string() +
                         "' --channel C0000000F1 --title 'Q counts' --comment 'Hey 1st-F!' --alt 'Bar chart'");
  EXPECT_EQ(up.status, 0) << up.output;
  auto dm = run(env, "slack upload '" + png.string() + "' --user U0000000A1 --comment 'Your stats'");
  EXPECT_EQ(dm.status, 0) << dm.output;

  auto files = fake.files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].channel_id, "C0000000F1");
  EXPECT_EQ(files[0].title, "Q counts");
  EXPECT_EQ(files[0].alt_txt, "Bar chart");
  EXPECT_EQ(files[0].initial_comment, "Hey 1st-F!");
  EXPECT_EQ(files[0].bytes, std::string("\x89PNG\r\n\x1a\nchart bytes"));
  EXPECT_EQ(files[1].channel_id, fake.dm_channel("U0000000A1"));
  EXPECT_EQ(files[1].title, "chart.png");

  auto archived = run(env, "slack upload '" + png.string() + "' --channel C0000000NO");
  EXPECT_EQ(archived.status, 2);
  EXPECT_TRUE(has(archived.output, "channel_not_found")) << archived.output;
  auto no_token = run("env -u SLACK_BOT_TOKEN SLACK_API_BASE_URL='" + fake.base_url() + "'", "slack whoami");
  EXPECT_EQ(no_token.status, 2);
  EXPECT_TRUE(has(no_token.output, "SLACK_BOT_TOKEN is not set")) << no_token.output;
}

TEST(SlackCli, WorksAgainstThePaxstatsFakeSlackExecutable) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(FAKE_BIN, FAKE_BIN, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[256];
  std::string base, token;
  for (int i = 0; i < 2 && fgets(line, sizeof line, f); ++i) {
    std::string s(line);
    s.pop_back();
    if (s.rfind("SLACK_API_BASE_URL=", 0) == 0) base = s.substr(19);
    if (s.rfind("SLACK_BOT_TOKEN=", 0) == 0) token = s.substr(16);
  }
  ASSERT_FALSE(base.empty());
  paxstats::test::TempDir dir;
  std::ofstream(dir.path() / "c.png") << "png";
  const std::string env = "env SLACK_API_BASE_URL='" + base + "' SLACK_BOT_TOKEN='" + token + "'";
  auto up = run(env, "slack upload '" + (dir.path() / "c.png").string() + "' --channel C0000000F1 --comment hi");
  EXPECT_EQ(up.status, 0) << up.output;
  EXPECT_TRUE(has(up.output, "shared c.png")) << up.output;
  auto dm = run(env, "slack upload '" + (dir.path() / "c.png").string() + "' --user U0000000A2");
  EXPECT_EQ(dm.status, 0) << dm.output;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  fclose(f);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
