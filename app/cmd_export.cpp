// paxstats export --region SLUG --out DIR [--format csv|ndjson] [--since ISO] [--until ISO]
#include <date/date.h>

#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/error.hpp"
#include "paxstats/export/dataset_export.hpp"

namespace paxstats::app {

void add_export_command(CLI::App& root, Context& ctx) {
  struct Args {
    std::string region, out, format = "csv", since, until;
  };
  auto a = std::make_shared<Args>();
  auto* ex = root.add_subcommand(
      "export",
      "Write a region's master dataset to a folder: users, channels, messages, reactions, files, member and channel "
      "activity, and the interaction network (Gephi nodes.csv and edges.csv, network.gexf)");
  ex->add_option("--region", a->region, "Region slug")->required();
  ex->add_option("--out", a->out, "The folder to write into (made when absent; files of the same names are replaced)")
      ->required();
  ex->add_option("--format", a->format,
                 "csv (with a header row) or ndjson (one JSON object a line, with BigQuery schema files)")
      ->check(CLI::IsMember({"csv", "ndjson"}))
      ->capture_default_str();
  ex->add_option("--since", a->since,
                 "Only messages posted at or after this: a date (midnight in the region's time zone) or an ISO time "
                 "(2026-10-01T05:00:00Z)");
  ex->add_option("--until", a->until, "Only messages posted before this (a date or an ISO time)");
  ex->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      for (const auto& [flag, value] : {std::pair<const char*, const std::string*>{"--since", &a->since},
                                        std::pair<const char*, const std::string*>{"--until", &a->until}})
        if (!value->empty() && !parse_iso_time(*value))
          throw UserError(std::string(flag) + " \"" + *value +
                          "\" is not a date or an ISO time; write 2026-10-01 or 2026-10-01T05:00:00Z");
      db::Database conn(database_url(ctx));
      dataset::DatasetExportOptions o;
      o.out = a->out;
      o.format = a->format == "ndjson" ? db::community::ExportFormat::ndjson : db::community::ExportFormat::csv;
      o.window = {a->since, a->until};
      o.today = date::format("%F", date::floor<date::days>(ctx.business_now()));
      const auto r = dataset::export_dataset(conn, a->region, o);
      std::printf("exported %s to %s in %.1f s (%lld messages, %.0f messages/s, %.1f MB)\n", a->region.c_str(),
                  a->out.c_str(), r.seconds, static_cast<long long>(r.messages),
                  r.seconds > 0 ? static_cast<double>(r.messages) / r.seconds : 0.0,
                  static_cast<double>(r.bytes) / 1e6);
      for (const auto& f : r.files)
        if (f.name.find(".schema.") == std::string::npos)
          std::printf("  %-24s %10lld rows %6.1f s\n", f.name.c_str(), static_cast<long long>(f.rows), f.seconds);
      return 0;
    };
  });
}

}  // namespace paxstats::app
