// paxstats dashboard export --region SLUG --out DIR
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/web/dashboard.hpp"

namespace paxstats::app {

void add_dashboard_commands(CLI::App& root, Context& ctx) {
  auto* dash = root.add_subcommand("dashboard", "The web dashboard (served by paxstats serve; README \"Dashboard\")");
  dash->require_subcommand(1);
  struct Args {
    std::string region, out;
  };
  auto a = std::make_shared<Args>();
  auto* ex = dash->add_subcommand(
      "export",
      "Write the region's public pages (region, community, every AO and PAX; no admin or Kotter page) as a static "
      "site: HTML with inline SVG charts, a CSV per table, relative links. Any static host can serve the folder");
  ex->add_option("--region", a->region, "Region slug")->required();
  ex->add_option("--out", a->out, "The site's folder (replaced as a whole when the export is complete)")->required();
  ex->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      db::Database conn(database_url(ctx));
      const auto region = db::get_region(conn, a->region);
      const int pages = web::export_static(conn, a->region, a->out, business_clock_from_env());
      std::cout << pages << " pages of " << region.name << " written to "
                << (std::filesystem::path(a->out) / "index.html").lexically_normal().string() << "\n";
      if (region.dashboard == db::DashboardAccess::members)
        std::cerr << "note: region " << region.slug
                  << "'s dashboard is for members only; these files show its public pages to whoever can read "
                     "them\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
