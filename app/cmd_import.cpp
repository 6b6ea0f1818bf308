// paxstats import PATH --region SLUG [--skip-bad-files] | paxstats reparse --region SLUG
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/mining/pipeline.hpp"

namespace paxstats::app {
namespace {

void print_derived(const mining::DeriveReport& d) {
  std::cout << "  beatdowns: " << d.beatdowns << " (" << d.with_errors << " with errors, " << d.with_warnings
            << " with warnings; see the parse_issues table)\n";
}

}  // namespace

void add_import_commands(CLI::App& root, Context& ctx) {
  struct Args {
    std::string path, region;
    bool skip = false;
  };
  auto a = std::make_shared<Args>();
  auto* imp = root.add_subcommand(
      "import", "Import a Slack export (.zip or unpacked folder) into a region and derive its beatdowns. All or nothing; "
                "importing again updates only what is newer");
  imp->add_option("PATH", a->path, "The export: Slack's .zip or its unpacked folder")->required();
  imp->add_option("--region", a->region, "Region slug")->required();
  imp->add_flag("--skip-bad-files", a->skip, "Import the rest when some day files are damaged, and list those left out");
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
      print_derived(r.derived);
      for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
      if (!r.skipped.empty()) {
        std::cout << "  skipped " << r.skipped.size() << " bad file(s):\n";
        for (const auto& s : r.skipped) std::cout << "    " << s << "\n";
      }
      return 0;
    };
  });

  auto region = std::make_shared<std::string>();
  auto* rep = root.add_subcommand("reparse", "Rebuild a region's beatdowns, attendance and parse issues from its stored messages");
  rep->add_option("--region", *region, "Region slug")->required();
  rep->callback([&ctx, region] {
    ctx.action = [&ctx, region] {
      db::Database conn(database_url(ctx));
      auto d = mining::reparse(conn, *region);
      std::cout << "reparsed " << *region << ": " << d.examined << " messages read\n";
      print_derived(d);
      return 0;
    };
  });
}

}  // namespace paxstats::app
