// paxstats-fake-slack: a local fake of Slack's Web API, for trying paxstats without Slack.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "paxstats/slack/fake_slack.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  paxstats::slack::fake::FakeSlack::Options o;
  std::string export_dir;
  bool fast = false;
  CLI::App app{
      "paxstats-fake-slack — a local fake of Slack's Web API (paging, rate limits, errors, the 3-step "
      "upload). Prints its URL; point SLACK_API_BASE_URL at it and use its token as SLACK_BOT_TOKEN."};
  app.add_option("--port", o.port, "Port on 127.0.0.1 (default: any free port)");
  app.add_option("--token", o.token, "The bot token it accepts")->capture_default_str();
  app.add_option("--export", export_dir,
                 "Serve the workspace in this unpacked Slack export (channels, users, messages)");
  app.add_flag("--nonmarketplace", o.nonmarketplace_history,
               "Apply Slack's 2025 limits for non-Marketplace apps: history at 1 request/min, 15 messages a page");
  app.add_flag("--no-rate-limits", fast, "Answer every request (no 429s)");
  std::string sign_in_as;
  app.add_option("--sign-in-as", sign_in_as,
                 "Sign in with Slack signs in this user without asking (else its authorize page lists the people "
                 "to pick from)");
  app.add_option("--client-id", o.client_id, "The app's client id Sign in with Slack takes")->capture_default_str();
  app.add_option("--client-secret", o.client_secret, "The app's client secret")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  o.enforce_budgets = !fast;
  paxstats::slack::fake::FakeSlack fake(o);
  if (!export_dir.empty()) {
    fake.load_export(export_dir);
  } else {  // a tiny workspace to try things in
    fake.add_user({"U0000000A1", "gilmore", "Gil More", "Gilmore"});
    fake.add_user({"U0000000A2", "doppler", "Dop Pler", "Doppler"});
    fake.add_channel({"C0000000G1", "general", false, false, false, {o.bot_user_id, "U0000000A1", "U0000000A2"}});
    fake.add_channel({"C0000000F1", "1st-f", false, false, false, {o.bot_user_id, "U0000000A1", "U0000000A2"}});
  }
  if (!sign_in_as.empty()) fake.sign_in_as(sign_in_as);
  try {
    fake.start();
  } catch (const std::exception& e) {
    std::cerr << "paxstats-fake-slack: " << e.what() << "\n";
    return 2;
  }
  std::cout << "SLACK_API_BASE_URL=" << fake.base_url() << "\nSLACK_BOT_TOKEN=" << o.token
            << "\nSLACK_CLIENT_ID=" << o.client_id << "\nSLACK_CLIENT_SECRET=" << o.client_secret << std::endl;
  std::cerr << "workspace " << fake.options().team_id << " (" << fake.options().team_name << "); Sign in with Slack: "
            << (sign_in_as.empty() ? "its authorize page lists the people to pick from" : "as " + sign_in_as) << "\n";
  if (export_dir.empty())
    std::cerr << "workspace: #general C0000000G1, #1st-f C0000000F1; users U0000000A1 Gilmore, U0000000A2 Doppler\n";
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  fake.stop();
  return 0;
}
