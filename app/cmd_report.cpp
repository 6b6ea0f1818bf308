// paxstats report monthly --region SLUG --month YYYY-MM [--only K,..] [--dry-run] [--outbox DIR];
// paxstats report weekly --region SLUG --week YYYY-Www [--only S,..] [--dry-run] [--outbox DIR];
// paxstats deliver --region SLUG; paxstats stats --region SLUG --user ID [--year YYYY] [-o PNG | --send]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/reports/admin_log.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/weekly.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/token.hpp"

namespace paxstats::app {

ProgressBar::ProgressBar() : tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::operator()(std::string_view phase, size_t done, size_t total) {
  if (phase != phase_) {
    phase_ = phase;
    last_tenth_ = 0;
  }
  if (total == 0) return;
  if (tty_) {
    constexpr size_t width = 30;
    const size_t filled = done * width / total;
    std::fprintf(stderr, "\r  %-8s [%s%s] %zu/%zu", std::string(phase).c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total);
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
    return;
  }
  const size_t tenth = done * 10 / total;
  if (done == total || tenth > last_tenth_) {
    std::fprintf(stderr, "  %s: %zu/%zu\n", std::string(phase).c_str(), done, total);
    last_tenth_ = tenth;
  }
}

std::unique_ptr<slack::Client> region_client(db::Database& conn, const std::string& slug) {
  const auto region = db::get_region(conn, slug);
  const std::string token = region_token(conn, slug);
  return std::make_unique<slack::Client>(
      slack::ClientOptions{.token = token, .workspace = region.team_id.value_or(region.slug)});
}

// Drains a region's outbox to Slack with the region's token; prints the summary.
int send(db::Database& conn, const std::string& slug) {
  const auto region = db::get_region(conn, slug);
  auto client_ptr = region_client(conn, slug);
  auto& client = *client_ptr;
  ProgressBar bar;
  auto r = reports::deliver(conn, region.slug, client, std::ref(bar));
  if (r.sent + r.skipped + r.failed + r.in_doubt > 0 &&
      reports::post_to_log(conn, region.slug, client, reports::log_run_message(conn, region.slug, "delivery", r, {})))
    std::cout << "summary posted to the log channel " << *region.log_channel << "\n";
  std::cout << "sent " << r.sent << ", skipped " << r.skipped << ", failed " << r.failed << ", in doubt " << r.in_doubt
            << "\n";
  for (const auto& reason : r.reasons) std::cout << "  " << reason << "\n";
  const auto c = db::outbox::counts(conn, region.slug);
  if (c.in_doubt > 0) {
    std::cout << c.in_doubt << " in doubt (the share may have gone out; Slack could not say):\n";
    for (const auto& i : db::outbox::in_doubt(conn, region.slug))
      std::cout << "  " << i.report << " " << i.period << " → " << i.recipient << ": " << i.error << "\n";
    std::cout << "  look in Slack; to send them again anyway: paxstats deliver --region " << region.slug
              << " --resend-in-doubt\n";
  }
  if (c.pending() > 0)
    std::cout << c.pending() << " still pending: run paxstats deliver --region " << region.slug << " again\n";
  // Slack's failures are the environment's, not a bug: exit 2, with what to do said above.
  if (r.failed > 0 || c.pending() > 0 || c.in_doubt > 0) {
    std::cerr << "paxstats: not everything was delivered (" << r.failed << " failed, " << c.in_doubt << " in doubt, "
              << c.pending() << " pending); fix what the lines above say, then run paxstats deliver --region "
              << region.slug << "\n";
    return 2;
  }
  return 0;
}

// A planned run: queued in the outbox and sent, or (--dry-run, --outbox) written to a folder.
int queue_or_write(Context& ctx, db::Database& conn, const reports::MonthlyPlan& plan, bool dry_run,
                   const std::string& outbox) {
  if (!dry_run && outbox.empty()) {
    ProgressBar bar;
    const int added = reports::queue_plan(conn, plan, std::ref(bar));
    std::cout << "planned " << plan.deliveries.size() << " deliveries for " << plan.region << ", " << plan.period.name
              << " (" << added << " new in the outbox)\n";
    for (const auto& n : plan.notes) std::cout << "  note: " << n << "\n";
    return send(conn, plan.region);
  }
  const auto dir =
      outbox.empty() ? ctx.home / "outbox" / plan.region / plan.period.name : std::filesystem::path(outbox);
  ProgressBar bar;
  std::vector<std::string> problems;
  const auto index = reports::write_outbox_folder(plan, dir, std::ref(bar), &problems);
  std::map<std::string, int> per_report;  // "awards.milestone.centurion.2" counts as awards.milestone
  for (const auto& d : plan.deliveries) {
    const auto first = d.report.find('.');
    ++per_report[d.report.substr(0, first == std::string::npos ? first : d.report.find('.', first + 1))];
  }
  std::cout << "planned " << plan.deliveries.size() << " deliveries for " << plan.region << ", " << plan.period.name
            << ":";
  for (const auto& [r, n] : per_report) std::cout << " " << r << " " << n;
  std::cout << "\n";
  for (const auto& n : plan.notes) std::cout << "  note: " << n << "\n";
  for (const auto& p : problems) std::cout << "  layout problem (please report it): " << p << "\n";
  std::cout << "nothing sent; open " << index.string() << "\n";
  return 0;
}

void add_report_commands(CLI::App& root, Context& ctx) {
  struct StatsArgs {
    std::string region, user, year, out;
    bool send = false;
  };
  auto st = std::make_shared<StatsArgs>();
  auto* stats = root.add_subcommand(
      "stats",
      "One person's chart now, as their monthly DM draws it (their year so far by month and AO; in a region that "
      "scrapes no backblasts, their messages by month and channel): to a PNG, or with --send to their DM (what "
      "\"/paxstats me\" does)");
  stats->add_option("--region", st->region, "Region slug")->required();
  stats->add_option("--user", st->user, "Slack user id, e.g. U0123ABCD")->required();
  stats->add_option("--year", st->year, "A past year, YYYY (default: this year, up to today)");
  auto* out_opt = stats->add_option("-o,--out", st->out, "PNG to write (default stats-USER.png here)");
  stats
      ->add_flag("--send", st->send,
                 "DM it to the user through Slack (the region's bot token) instead of writing a PNG")
      ->excludes(out_opt);
  stats->callback([&ctx, st] {
    ctx.action = [&ctx, st] {
      db::Database conn(database_url(ctx));
      db::get_region(conn, st->region);  // throws for an unknown region
      if (!db::report::Reader(conn, st->region).user_name(st->user))
        throw UserError("region " + st->region + " has no Slack user " + st->user +
                        ": give a member id (U0123ABCD) of its workspace, as imported or synced");
      const date::year_month current = reports::current_month(conn, st->region, ctx.business_now());
      const date::year_month through = reports::through_month(current, st->year);
      // A community that is not F3: the member's own activity (what "/paxstats me" sends there).
      const bool community = !db::get_region(conn, st->region).flags.scrape_backblasts;
      const auto d = community ? reports::personal_community_stats(conn, st->region, st->user, through)
                               : reports::personal_stats(conn, st->region, st->user, through, through != current);
      if (!d) {
        std::cout << st->user << " has no " << (community ? "messages" : "posts") << " in "
                  << calendar::year_of(through) << " in region " << st->region << ": nothing to draw\n";
        return 0;
      }
      if (st->send) {
        if (db::is_opted_out(conn, st->region, st->user))
          throw UserError(st->user + " opted out of DMs (paxstats region opt-in " + st->region + " " + st->user +
                          " undoes it)");
        reports::send_to_user(*region_client(conn, st->region), st->user, *d);
        std::cout << "sent to " << st->user << " by DM\n";
        return 0;
      }
      const std::string out = st->out.empty() ? "stats-" + st->user + ".png" : st->out;
      std::ofstream file(out, std::ios::binary | std::ios::trunc);
      file << render::render(d->chart);
      if (!file) throw UserError("cannot write " + out);
      std::cout << "wrote " << out << " (" << d->chart.subtitle << ")\n" << d->comment << "\n";
      return 0;
    };
  });

  auto* report = root.add_subcommand("report", "Reports");
  report->require_subcommand(1);
  struct Args {
    std::string region, month, only, outbox, public_url;
    bool dry_run = false, allow_partial = false, allow_empty = false;
  };
  auto region_arg = std::make_shared<std::string>();
  auto resend = std::make_shared<bool>(false);
  auto* deliver_cmd = root.add_subcommand(
      "deliver", "Send a region's pending deliveries to Slack (resumes an interrupted run); lists those in doubt");
  deliver_cmd->add_option("--region", *region_arg, "Region slug")->required();
  deliver_cmd->add_flag(
      "--resend-in-doubt", *resend,
      "Send again the deliveries in doubt (whose share may have gone out): only after looking in Slack");
  deliver_cmd->callback([&ctx, region_arg, resend] {
    ctx.action = [&ctx, region_arg, resend] {
      db::Database conn(database_url(ctx));
      if (*resend) {
        db::get_region(conn, *region_arg);
        std::cout << db::outbox::resend_in_doubt(conn, *region_arg) << " delivery(ies) in doubt planned again\n";
      }
      return send(conn, *region_arg);
    };
  });
  auto a = std::make_shared<Args>();
  std::string names;
  for (const auto& n : reports::report_names()) names += (names.empty() ? "" : ",") + n;
  auto* monthly = report->add_subcommand(
      "monthly",
      "A region's monthly charts: planned into the delivery outbox and sent to Slack (exactly once; a rerun "
      "resumes), or written to a folder with --outbox / --dry-run");
  monthly->add_option("--region", a->region, "Region slug")->required();
  monthly->add_option("--month", a->month, "The month reported, YYYY-MM (local to the region)")->required();
  monthly->add_option("--only", a->only, "Only these reports: " + names);
  monthly->add_flag("--dry-run", a->dry_run, "Send nothing; write the outbox to $PAXSTATS_HOME/outbox/REGION/MONTH");
  monthly->add_option("--outbox", a->outbox, "Send nothing; write every chart, index.html and deliveries.json here");
  monthly->add_option("--public-url", a->public_url,
                      "The dashboard's address (as serve --public-url; default $PAXSTATS_PUBLIC_URL): the Kotter "
                      "messages link to its Kotter page");
  monthly->add_flag("--allow-partial", a->allow_partial,
                    "Report the month under way (so far), not only one that has ended");
  monthly->add_flag("--allow-empty", a->allow_empty,
                    "Report a month without any beatdown (normally refused: no data yet?)");
  monthly->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      const auto only = split_list(a->only);
      db::Database conn(database_url(ctx));
      db::get_region(conn, a->region);  // throws for an unknown region
      const date::year_month month = calendar::parse_month(a->month);
      reports::check_month_is_over(conn, a->region, month, ctx.business_now(), a->allow_partial);
      auto plan = reports::plan_monthly(conn, a->region, month, only, public_url(a->public_url));
      if (plan.beatdowns == 0 && !a->allow_empty)
        throw UserError("region " + a->region + " has no beatdowns in " + a->month +
                        ": nothing to report (import or sync its backblasts first), or pass --allow-empty to send the "
                        "charts of an empty month");
      return queue_or_write(ctx, conn, plan, a->dry_run, a->outbox);
    };
  });

  auto w = std::make_shared<Args>();
  std::string sections;
  for (const auto& n : reports::weekly_sections()) sections += (sections.empty() ? "" : ",") + n;
  auto* weekly = report->add_subcommand(
      "weekly",
      "A region's weekly report (Monday to Sunday, against the week before) to its 1st-F channel: planned into the "
      "delivery outbox and sent (exactly once; a rerun resumes), or written to a folder with --outbox / --dry-run");
  weekly->add_option("--region", w->region, "Region slug")->required();
  weekly->add_option("--week", w->month, "The ISO week reported, YYYY-Www, e.g. 2026-W48 (local to the region)")
      ->required();
  weekly->add_option("--only", w->only, "Only these sections: " + sections);
  weekly->add_flag("--dry-run", w->dry_run, "Send nothing; write the outbox to $PAXSTATS_HOME/outbox/REGION/WEEK");
  weekly->add_option("--outbox", w->outbox, "Send nothing; write the card, index.html and deliveries.json here");
  weekly->add_flag("--allow-partial", w->allow_partial, "Report the week under way (so far)");
  weekly->add_flag("--allow-empty", w->allow_empty, "Report a week without any beatdown (normally refused)");
  weekly->callback([&ctx, w] {
    ctx.action = [&ctx, w] {
      const auto only = split_list(w->only);
      db::Database conn(database_url(ctx));
      db::get_region(conn, w->region);  // throws for an unknown region
      const auto week = calendar::period_of(calendar::Period::Kind::week, calendar::parse_week(w->month));
      reports::check_week_is_over(conn, w->region, week, ctx.business_now(), w->allow_partial);
      auto plan = reports::plan_weekly(conn, w->region, week, only);
      if (plan.beatdowns == 0 && !w->allow_empty)
        throw UserError("region " + w->region + " has no beatdowns in " + week.name +
                        ": nothing to report (import or sync its backblasts first), or pass --allow-empty");
      return queue_or_write(ctx, conn, plan, w->dry_run, w->outbox);
    };
  });
}

}  // namespace paxstats::app
