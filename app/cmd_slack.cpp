// paxstats slack whoami | slack upload FILE (--channel ID | --user ID) …
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "paxstats/error.hpp"
#include "paxstats/slack/app_manifest.hpp"
#include "paxstats/slack/client.hpp"

namespace paxstats::app {
namespace {

slack::Client make_client() {
  const char* token = std::getenv("SLACK_BOT_TOKEN");
  if (!token || !*token)
    throw UserError(
        "SLACK_BOT_TOKEN is not set: export the bot token (xoxb-…) from the Slack app's "
        "OAuth & Permissions page.");
  return slack::Client({.token = token});
}

}  // namespace

void add_slack_commands(CLI::App& root, Context& ctx) {
  auto* cmd = root.add_subcommand("slack", "Talk to Slack directly (uses SLACK_BOT_TOKEN and SLACK_API_BASE_URL)");
  cmd->require_subcommand(1);

  cmd->add_subcommand("whoami", "auth.test: the workspace, the bot and its scopes")->callback([&ctx] {
    ctx.action = [] {
      auto client = make_client();
      auto me = client.auth_test();
      std::cout << "team:    " << me.value("team", "") << " (" << me.value("team_id", "") << ")\n"
                << "bot:     " << me.value("user", "") << " (user " << me.value("user_id", "") << ", bot "
                << me.value("bot_id", "") << ")\n"
                << "url:     " << me.value("url", "") << "\n"
                << "api:     " << client.base_url() << "\n"
                << "scopes:  " << me.value("scopes", "(not reported)") << "\n";
      // Scopes paxstats needs; files:read lets it check a share whose answer was lost.
      const std::string scopes = "," + me.value("scopes", std::string()) + ",";
      std::string missing;
      for (const auto& s : slack::bot_scopes())
        if (s.required && scopes != ",," && scopes.find("," + std::string(s.name) + ",") == std::string::npos)
          missing += (missing.empty() ? "" : ", ") + std::string(s.name);
      if (!missing.empty()) {
        std::cout << "missing: " << missing
                  << " (add under OAuth & Permissions in the app's settings, then reinstall the app)\n";
        return 2;
      }
      return 0;
    };
  });

  struct UploadArgs {
    std::string file, channel, user, title, comment, alt, thread;
  };
  auto a = std::make_shared<UploadArgs>();
  auto* up = cmd->add_subcommand("upload", "Share a file through Slack's 3-step upload (to a channel, or a user's DM)");
  up->add_option("FILE", a->file, "File to upload")->required()->check(CLI::ExistingFile);
  auto* channel_opt = up->add_option("--channel", a->channel, "Channel id (C…)");
  auto* user_opt = up->add_option("--user", a->user, "User id (U…): the file goes to their DM with the bot");
  channel_opt->excludes(user_opt);
  up->add_option("--title", a->title, "File title (default: the file name)");
  up->add_option("--comment", a->comment, "Message posted with the file");
  up->add_option("--alt", a->alt, "Alt text for screen readers (≤ 1000 characters)");
  up->add_option("--thread", a->thread, "Share into the thread of this message ts");
  up->callback([&ctx, a] {
    ctx.action = [a] {
      if (a->channel.empty() && a->user.empty()) throw UserError("say where the file goes: --channel C… or --user U…");
      if (a->alt.size() > 1000)
        throw UserError("--alt is " + std::to_string(a->alt.size()) + " characters; Slack takes at most 1000");
      std::ifstream in(a->file, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      if (!in) throw UserError("cannot read " + a->file);
      auto client = make_client();
      std::string channel = a->channel;
      if (!a->user.empty()) channel = client.open_dm(a->user);
      const std::string name = std::filesystem::path(a->file).filename().string();
      auto r = client.upload({.filename = name,
                              .bytes = bytes.str(),
                              .title = a->title.empty() ? name : a->title,
                              .alt_txt = a->alt,
                              .channel_id = channel,
                              .initial_comment = a->comment,
                              .thread_ts = a->thread});
      if (!r.ok) throw slack::SlackError(r.result, channel);
      std::cout << "shared " << name << " (" << bytes.str().size() << " bytes) as " << r.file_id << " in " << channel
                << "\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
