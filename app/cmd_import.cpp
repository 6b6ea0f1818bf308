// paxstats import PATH --region SLUG [--skip-bad-files] | paxstats reparse --region SLUG
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/token.hpp"

namespace paxstats::app {
namespace {

void print_derived(const mining::DeriveReport& d, const std::string& region) {
  std::cout << "  beatdowns: " << d.beatdowns << " (" << d.with_errors << " with errors, " << d.with_warnings
            << " with warnings; see the parse_issues table)\n";
  if (d.aliases || d.ambiguous_names)
    std::cout << "  typed names: " << d.aliases << " counted as the Slack user of that name, " << d.ambiguous_names
              << " fit several users and stay typed (paxstats region alias " << region << ")\n";
}

}  // namespace

void add_import_commands(CLI::App& root, Context& ctx) {
  struct Args {
    std::string path, region;
    bool skip = false;
  };
  auto a = std::make_shared<Args>();
  auto* imp = root.add_subcommand(
      "import",
      "Import a Slack export (.zip or unpacked folder) into a region and derive its beatdowns. All or nothing; "
      "importing again updates only what is newer");
  imp->add_option("PATH", a->path, "The export: Slack's .zip or its unpacked folder")->required();
  imp->add_option("--region", a->region, "Region slug")->required();
  imp->add_flag("--skip-bad-files", a->skip,
                "Import the rest when some day files are damaged, and list those left out");
  imp->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      db::Database conn(database_url(ctx));
      mining::ImportOptions o;
      o.skip_bad_files = a->skip;
      o.progress = &std::cerr;
      o.progress_is_tty = isatty(STDERR_FILENO);
      auto r = mining::import_export(conn, a->region, a->path, o);
      std::printf("imported %s into %s in %.1f s (%.0f messages/s)\n", a->path.c_str(), a->region.c_str(), r.seconds,
                  r.seconds > 0 ? static_cast<double>(r.messages) / r.seconds : 0.0);
      std::cout << "  files: " << r.files << ", messages: " << r.messages << " (" << r.inserted << " new, " << r.updated
                << " updated)\n  users: " << r.users << ", conversations: " << r.conversations << "\n";
      print_derived(r.derived, a->region);
      for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
      if (!r.skipped.empty()) {
        std::cout << "  skipped " << r.skipped.size() << " bad file(s):\n";
        for (const auto& s : r.skipped) std::cout << "    " << s << "\n";
      }
      return 0;
    };
  });

  struct SyncArgs {
    std::string region;
    int lookback = 7;
    bool no_join = false, nonmarketplace = false;
  };
  auto sa = std::make_shared<SyncArgs>();
  auto* sy = root.add_subcommand(
      "sync",
      "Bring a region up to date through Slack's Web API (users, channels, history since the last sync, threads)");
  sy->add_option("--region", sa->region, "Region slug")->required();
  sy->add_option("--lookback-days", sa->lookback,
                 "Re-read this many days before the newest stored message (edits, late replies)")
      ->capture_default_str();
  sy->add_flag("--no-join", sa->no_join, "Do not join public AO channels the bot is not in");
  sy->add_flag("--nonmarketplace", sa->nonmarketplace,
               "The app is held to Slack's 2025 limits for non-Marketplace apps (1 history request a minute, 15 "
               "messages a page): pace for them instead of learning them from 429s");
  sy->callback([&ctx, sa] {
    ctx.action = [&ctx, sa] {
      db::Database conn(database_url(ctx));
      const auto region = db::get_region(conn, sa->region);
      const std::string token = region_token(conn, region.slug);
      auto limiter = std::make_shared<slack::RateLimiter>(
          slack::SystemClock::instance(), slack::Client::rate_window(slack::Client::default_base_url()));
      slack::ClientOptions co;
      co.token = token;
      co.limiter = limiter;
      co.workspace = region.team_id.value_or(region.slug);
      if (sa->nonmarketplace) {
        limiter->set_rate("conversations.history", {1, std::chrono::minutes(1)});
        limiter->set_rate("conversations.replies", {1, std::chrono::minutes(1)});
        co.history_limit = 15;
      }
      slack::Client client(co);
      mining::SyncOptions o;
      o.lookback_days = sa->lookback;
      o.join_channels = !sa->no_join;
      o.nonmarketplace = sa->nonmarketplace;
      o.progress = &std::cerr;
      o.progress_is_tty = isatty(STDERR_FILENO) != 0;
      auto r = mining::sync(conn, region.slug, client, o);
      std::printf(
          "synced %s (%s, %s) in %.1f s: %ld of %ld channels read, %ld archived and up to date, %zu skipped; "
          "%ld pages, %ld messages (%ld new, %ld updated), %ld threads\n",
          region.slug.c_str(), r.team_name.c_str(), r.team_id.c_str(), r.seconds, r.channels_read, r.channels,
          r.channels_up_to_date, r.skipped.size(), r.pages, r.messages, r.inserted, r.updated, r.threads);
      print_derived(r.derived, region.slug);
      for (const auto& sk : r.skipped) std::cout << "  skipped " << sk.name << ": " << sk.reason << "\n";
      return 0;
    };
  });

  auto region = std::make_shared<std::string>();
  auto* rep = root.add_subcommand("reparse",
                                  "Rebuild a region's beatdowns, attendance and parse issues from its stored messages");
  rep->add_option("--region", *region, "Region slug")->required();
  auto full = std::make_shared<bool>(false);
  rep->add_flag("--full", *full,
                "Write every beatdown again, also those whose parse did not change (puts back rows edited by hand "
                "in the derived tables); without it only what changed is written");
  rep->callback([&ctx, region, full] {
    ctx.action = [&ctx, region, full] {
      db::Database conn(database_url(ctx));
      auto d = mining::reparse(conn, *region, *full);
      std::cout << "reparsed " << *region << ": " << d.examined << " messages read, ";
      if (*full)
        std::cout << "every beatdown written again\n";
      else
        std::cout << d.changed << (d.changed == 1 ? " changed its" : " changed their")
                  << " beatdown, attendance or parse issues\n";
      print_derived(d, *region);
      return 0;
    };
  });
}

}  // namespace paxstats::app
