// paxstats demo: the whole path on the generated sample region, as far as it is built.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "commands.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/output_folder.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::app {

void add_demo_command(CLI::App& root, Context& ctx) {
  auto out = std::make_shared<std::string>();
  auto* cmd = root.add_subcommand(
      "demo",
      "Run paxstats on a generated sample region: start the private database, create region \"demo\", write "
      "the sample Slack export, import it, and write its monthly report to a folder");
  cmd->add_option("--out", *out, "Folder for the demo's files (default $PAXSTATS_HOME/demo)");
  cmd->callback([&ctx, out] {
    ctx.action = [&ctx, out] {
      const std::filesystem::path dir = out->empty() ? ctx.home / "demo" : std::filesystem::path(*out);
      std::cout << "paxstats demo\n";
      const std::string url = database_url(ctx);
      db::Database conn(url);
      std::cout << "  database:  " << db::redact_url(url) << "\n";

      const bool exists = db::region_exists(conn, "demo");
      if (!exists) db::add_region(conn, "demo", "F3 Demo Region", "America/Chicago");
      std::cout << "  region:    demo (schema demo, America/Chicago)" << (exists ? ", already there" : ", created")
                << "\n";

      mining::GeneratorOptions options;  // fixed defaults: the same sample region every time
      auto s = mining::generate_workspace(options, dir / "export");
      std::cout << "  workspace: " << (dir / "export").string() << "\n"
                << "             " << s.users << " users, " << s.channels << " channels, " << s.messages
                << " messages, " << s.beatdowns << " beatdowns from " << s.first_date << " to " << s.last_date << "\n"
                << "             ground truth of every beatdown: " << (dir / "export" / "truth.json").string() << "\n";
      auto r = mining::import_export(conn, "demo", dir / "export");
      std::printf(
          "  import:    %ld messages in %.1f s (%ld new, %ld updated); %ld beatdowns derived, %ld with warnings\n",
          r.messages, r.seconds, r.inserted, r.updated, r.derived.beatdowns, r.derived.with_warnings);
      // The generated region ends on the last day of a month: that month is complete.
      const auto latest = db::report::Reader(conn, "demo").latest_month();
      if (!latest) throw std::logic_error("the generated region has no beatdown to report on");
      const std::string month = calendar::format(*latest);
      const auto top = db::report::Reader(conn, "demo").leaderboard(calendar::days_of(*latest), std::nullopt, 5);
      std::cout << "  top posters of " << month << ":";
      for (const auto& t : top) std::cout << "  " << t.name << " (" << t.posts << ")";
      std::cout << "\n";
      // The monthly run for the region's last month, written to a folder instead of Slack.
      const std::string firstf =
          nlohmann::json::parse(std::ifstream(dir / "export" / "truth.json"))["region"]["firstf_channel"]
              .get<std::string>();
      db::set_region(conn, "demo", {{"firstf_channel", firstf}});
      // Kotter: the whole list to #site-qs, and each AO's list to its most frequent Q as site Q.
      if (auto site_qs = db::channel_id_named(conn, "demo", "site-qs"))
        db::set_region(conn, "demo", {{"kotter_channel", *site_qs}});
      for (const auto& [ao, user] : db::report::Reader(conn, "demo").most_frequent_qs())
        db::set_site_q(conn, "demo", ao, user);
      auto plan = reports::plan_monthly(conn, "demo", *latest);
      // The demo's folder is the demo's: an outbox an earlier version wrote there (before folders
      // carried paxstats's marker) is replaced like one this version wrote.
      if (std::filesystem::is_directory(dir / "outbox" / month)) files::mark(dir / "outbox" / month, "the demo's run");
      const auto index = reports::write_outbox_folder(plan, dir / "outbox" / month);
      std::cout << "  report:    " << plan.deliveries.size() << " charts of the " << month
                << " monthly run (DMs, AO channels, 1st-F, awards, Kotter), nothing sent\n"
                << "\nOpen " << index.string() << " to see every chart with its recipient and message.\n";
      // The binary as it was run: `paxstats` may not be on PATH yet (README: scripts/install).
      std::error_code ec;
      const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
      const std::string bin = ec ? std::string("paxstats") : self.string();
      std::cout << "Explore: psql \"$(" << bin
                << " db url)\" -c 'SELECT * FROM demo.beatdown_info ORDER BY date DESC LIMIT 10'\n";
      if (!std::getenv("DATABASE_URL"))
        std::cout << "The private PostgreSQL keeps running for that; stop it with: " << bin << " db stop\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
