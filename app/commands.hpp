#pragma once
// The paxstats CLI: each command group registers its subcommands on the root app.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/client.hpp"

namespace paxstats::app {

// Set by each subcommand's callback; main runs it after parsing, inside the error handler.
using Action = std::function<int()>;

struct Context {
  Action action;
  std::filesystem::path home;  // PAXSTATS_HOME (resolved)
  // Which month it is, for every command: PAXSTATS_NOW, else the wall clock. Read when a
  // command runs (a malformed PAXSTATS_NOW is then an input error, exit 2).
  BusinessTime business_now() const { return business_clock_from_env()(); }
};

void add_db_commands(CLI::App& root, Context& ctx);
void add_region_commands(CLI::App& root, Context& ctx);
void add_generate_command(CLI::App& root, Context& ctx);
void add_demo_command(CLI::App& root, Context& ctx);
void add_slack_commands(CLI::App& root, Context& ctx);
void add_backblast_commands(CLI::App& root, Context& ctx);
void add_import_commands(CLI::App& root, Context& ctx);
void add_render_command(CLI::App& root, Context& ctx);
void add_report_commands(CLI::App& root, Context& ctx);
void add_serve_commands(CLI::App& root, Context& ctx);
void add_dashboard_commands(CLI::App& root, Context& ctx);
void add_export_command(CLI::App& root, Context& ctx);
void add_community_commands(CLI::App& root, Context& ctx);
void add_key_commands(CLI::App& root, Context& ctx);

// A progress bar on stderr for long steps: redrawn in place on a terminal, else a plain line at
// every tenth and at the end (logs stay readable). Fits reports::Progress.
class ProgressBar {
 public:
  ProgressBar();
  void operator()(std::string_view phase, size_t done, size_t total);

 private:
  bool tty_;
  std::string phase_;
  size_t last_tenth_ = 0;
};

// A planned run: into the delivery outbox and sent (exactly once; a rerun resumes), or with
// dry_run / outbox written to a folder to look at. Prints what it did; returns the exit status.
int queue_or_write(Context& ctx, db::Database& conn, const reports::MonthlyPlan& plan, bool dry_run,
                   const std::string& outbox);

// The dashboard's public address: `given` (a --public-url), else PAXSTATS_PUBLIC_URL, without a
// trailing "/"; "" when neither is set. UserError for one that is not http(s)://.
std::string public_url(const std::string& given);

// A region's bot token: stored sealed (refreshed first when it rotates; the app's credentials
// from SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), else from the variable its token_env names.
std::string region_token(db::Database& conn, const std::string& slug);
// One line when active regions without a stored token read it from one variable (two workspaces
// on one token would post with each other's bot): how many, which, and what to do. With
// `region`, only when that region is among them. nullopt when none do.
std::optional<std::string> shared_token_warning(db::Database& conn, const std::string& region = "");
// A Slack client with the region's bot token (region_token).
std::unique_ptr<slack::Client> region_client(db::Database& conn, const std::string& slug);

// The database every data command uses (DATABASE_URL, else the private cluster, started and
// migrated as needed). Prints a note on stderr when it starts the cluster.
std::string database_url(const Context& ctx);

}  // namespace paxstats::app
