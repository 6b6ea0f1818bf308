// paxstats report monthly --region SLUG --month YYYY-MM [--only K,..] [--dry-run] [--outbox DIR]
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/error.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::app {

void add_report_commands(CLI::App& root, Context& ctx) {
  auto* report = root.add_subcommand("report", "Reports");
  report->require_subcommand(1);
  struct Args {
    std::string region, month, only, outbox;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  std::string names;
  for (const auto& n : reports::report_names()) names += (names.empty() ? "" : ",") + n;
  auto* monthly = report->add_subcommand(
      "monthly", "Plan a region's monthly charts and write them to a folder (sending to Slack comes with the delivery outbox)");
  monthly->add_option("--region", a->region, "Region slug")->required();
  monthly->add_option("--month", a->month, "The month reported, YYYY-MM (local to the region)")->required();
  monthly->add_option("--only", a->only, "Only these reports: " + names);
  monthly->add_flag("--dry-run", a->dry_run, "Send nothing; write the outbox to $PAXSTATS_HOME/outbox/REGION/MONTH");
  monthly->add_option("--outbox", a->outbox, "Send nothing; write every chart, index.html and deliveries.json here");
  monthly->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (!a->dry_run && a->outbox.empty())
        throw UserError("sending the monthly report to Slack is not built yet (it comes with the delivery outbox). Use "
                        "--dry-run or --outbox DIR to see what it will send.");
      std::vector<std::string> only;
      std::stringstream ss(a->only);
      for (std::string x; std::getline(ss, x, ',');)
        if (!x.empty()) only.push_back(x);
      db::Database conn(database_url(ctx));
      auto plan = reports::plan_monthly(conn, a->region, a->month, only);
      const auto dir = a->outbox.empty() ? ctx.home / "outbox" / a->region / a->month : std::filesystem::path(a->outbox);
      const auto index = reports::write_outbox_folder(plan, dir);
      std::map<std::string, int> per_report;
      for (const auto& d : plan.deliveries) ++per_report[d.report];
      std::cout << "planned " << plan.deliveries.size() << " deliveries for " << a->region << ", " << a->month << ":";
      for (const auto& [r, n] : per_report) std::cout << " " << r << " " << n;
      std::cout << "\n";
      for (const auto& n : plan.notes) std::cout << "  note: " << n << "\n";
      std::cout << "nothing sent; open " << index.string() << "\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
