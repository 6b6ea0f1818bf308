// paxstats backblast parse [--posted-at ISO8601] [--channel ID] [--tz TZ] [--region SLUG]
#include <date/date.h>
#include <date/tz.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>

#include "commands.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/backblast.hpp"
#include "paxstats/mining/pipeline.hpp"

namespace paxstats::app {
namespace {

// "2024-03-05T06:30:00-06:00", "2024-03-05T12:30:00Z", "2024-03-05 12:30", or "2024-03-05"
// (a time without an offset is local to the region's zone).
std::chrono::sys_seconds parse_instant(const std::string& text, const date::time_zone* zone) {
  const auto bad = [&] {
    return UserError("--posted-at \"" + text +
                     "\" is not a time: use ISO 8601, e.g. 2024-03-05T06:30:00-06:00 or 2024-03-05");
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) throw bad();
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) throw bad();
  std::string rest = text.substr(static_cast<size_t>(n));
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != ' ') throw bad();
    int m = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d%n", &h, &mi, &m) != 2) throw bad();
    rest = rest.substr(static_cast<size_t>(1 + m));
    if (!rest.empty() && rest[0] == ':') {
      if (std::sscanf(rest.c_str() + 1, "%2d%n", &se, &m) != 1) throw bad();
      rest = rest.substr(static_cast<size_t>(1 + m));
    }
    if (h > 23 || mi > 59 || se > 60) throw bad();
  }
  const auto clock = std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se);
  if (rest.empty()) return zone->to_sys(date::local_days{ymd} + clock, date::choose::earliest);
  if (rest == "Z") return date::sys_days{ymd} + clock;
  int oh = 0, om = 0;
  if ((rest[0] == '+' || rest[0] == '-') && (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) == 2 ||
                                             std::sscanf(rest.c_str() + 1, "%2d%2d", &oh, &om) == 2)) {
    const auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    return date::sys_days{ymd} + clock - (rest[0] == '+' ? offset : -offset);
  }
  throw bad();
}

}  // namespace

void add_backblast_commands(CLI::App& root, Context& ctx) {
  auto* cmd = root.add_subcommand("backblast", "Backblast tools");
  cmd->require_subcommand(1);
  struct Args {
    std::string posted_at, channel = "C0UNKNOWN", tz, region;
  };
  auto a = std::make_shared<Args>();
  auto* parse = cmd->add_subcommand(
      "parse",
      "Read one message's text on stdin and print what paxstats reads from it, as JSON (\"is_backblast\" says "
      "whether it is one; then check \"errors\" and \"warnings\"). Exit 0: read; 2: bad options");
  parse->add_option("--posted-at", a->posted_at,
                    "When it was posted (ISO 8601; default now, or PAXSTATS_NOW): the date when none is written");
  parse->add_option("--channel", a->channel, "Channel id it was posted in: the AO when none is written")
      ->capture_default_str();
  parse->add_option("--tz", a->tz, "Region time zone (default: the region's, else $TZ, else UTC)");
  parse->add_option("--region", a->region, "Use this region's time zone and channels (AO names) from the database");
  parse->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      std::vector<mining::ChannelInfo> channels;
      std::string tz = a->tz;
      if (!a->region.empty()) {
        db::Database conn(database_url(ctx));
        auto region = db::get_region(conn, a->region);
        if (tz.empty()) tz = region.tz;
        channels = mining::load_channels(conn, region.slug);
      }
      if (tz.empty()) {
        const char* env = std::getenv("TZ");
        tz = env && *env ? env : "UTC";
      }
      db::validate_time_zone(tz);
      mining::ParseContext context(tz, channels);
      const auto posted = a->posted_at.empty() ? ctx.business_now() : parse_instant(a->posted_at, context.zone());
      std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      auto b = mining::parse_backblast({text, nullptr, nullptr, a->channel, posted}, context);
      std::cout << mining::to_json(b).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
