// paxstats community score --region SLUG [--period 2026-10|2026-Q3|2026] [--top N] [--csv FILE]
#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "terminal_safe.hpp"
#include "paxstats/csv.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/reports/engagement.hpp"
#include "paxstats/reports/mentors.hpp"
#include "paxstats/reports/nudges.hpp"

namespace paxstats::app {
namespace {

// The text cut or padded to `width` characters (UTF-8 code points, not bytes).
std::string column(const std::string& text, size_t width) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && ++chars > width) {
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
      if (!out.empty()) out.pop_back();
      out += "~";
      return out;
    }
    out += text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
  }
  return out + std::string(width - chars, ' ');
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void add_community_commands(CLI::App& root, Context& ctx) {
  auto* community = root.add_subcommand(
      "community",
      "Community analytics for any Slack workspace: activity, awards, engagement (README \"Community analytics\")");
  community->require_subcommand(1);

  struct ReportArgs {
    std::string region, period, only, outbox;
    bool dry_run = false, allow_partial = false, allow_empty = false;
  };
  auto r = std::make_shared<ReportArgs>();
  auto* report = community->add_subcommand(
      "report",
      "A period's community reports to the region's community_channel: activity charts, the awards ceremony, the "
      "engagement table; planned into the delivery outbox and sent (exactly once; a rerun resumes), or written to a "
      "folder with --outbox / --dry-run");
  report->add_option("--region", r->region, "Region slug")->required();
  report->add_option("--period", r->period, "A month (2026-10), quarter (2026-Q3) or year (2026), local to the region")
      ->required();
  report->add_option("--only", r->only, "Only these reports: activity,awards,engagement");
  report->add_flag("--dry-run", r->dry_run, "Send nothing; write the outbox to $PAXSTATS_HOME/outbox/REGION/PERIOD");
  report->add_option("--outbox", r->outbox, "Send nothing; write every chart, index.html and deliveries.json here");
  report->add_flag("--allow-partial", r->allow_partial, "Report the period under way (so far)");
  report->add_flag("--allow-empty", r->allow_empty, "Report a period without any member message");
  report->callback([&ctx, r] {
    ctx.action = [&ctx, r] {
      db::Database conn(database_url(ctx));
      db::get_region(conn, r->region);  // throws for an unknown region
      const auto period = calendar::parse_period(r->period, false);
      reports::check_span_is_over(conn, r->region, period, ctx.business_now(), r->allow_partial);
      auto plan = reports::plan_community(conn, r->region, period, split_list(r->only));
      if (plan.beatdowns == 0 && !r->allow_empty && !plan.deliveries.empty())
        throw UserError("region " + r->region + " has no member messages in " + period.name +
                        ": nothing to report (import or sync it first), or pass --allow-empty");
      return queue_or_write(ctx, conn, plan, r->dry_run, r->outbox);
    };
  });

  struct NudgeArgs {
    std::string region;
    bool dry_run = false;
  };
  auto n = std::make_shared<NudgeArgs>();
  auto* nudges = community->add_subcommand(
      "nudges",
      "Nudge members gone quiet (settings nudge_quiet_days, nudge_min_messages, nudge_reply_days, "
      "moderators_channel): the steps due now, each sent and recorded once (paxstats serve does this daily)");
  nudges->add_option("--region", n->region, "Region slug")->required();
  nudges->add_flag("--dry-run", n->dry_run, "List the steps due; send and record nothing");
  nudges->callback([&ctx, n] {
    ctx.action = [&ctx, n] {
      db::Database conn(database_url(ctx));
      db::get_region(conn, n->region);  // throws for an unknown region
      std::unique_ptr<slack::Client> client;
      if (!n->dry_run) client = region_client(conn, n->region);
      const auto done = reports::run_nudges(conn, n->region, client.get(), ctx.business_now());
      std::printf("%s: %d first DMs, %d second DMs, %d to the moderators%s; %d opted out, %d failed\n",
                  n->region.c_str(), done.first, done.second, done.moderators, n->dry_run ? " due (dry run)" : "",
                  done.opted_out, done.failed);
      for (const auto& l : done.lines) std::printf("  %s\n", l.c_str());
      for (const auto& note : done.notes) std::printf("  note: %s\n", note.c_str());
      return done.failed > 0 ? 2 : 0;
    };
  });

  auto m = std::make_shared<NudgeArgs>();
  auto* mentors = community->add_subcommand(
      "mentors",
      "The mentor pick (settings mentor_count, mentor_days, moderators_channel): in the last days of a quarter, ask "
      "the most engaged members by DM whether they would mentor, once each, and send the moderators the list");
  mentors->add_option("--region", m->region, "Region slug")->required();
  mentors->add_flag("--dry-run", m->dry_run, "List who would be asked; send and record nothing");
  mentors->callback([&ctx, m] {
    ctx.action = [&ctx, m] {
      db::Database conn(database_url(ctx));
      db::get_region(conn, m->region);  // throws for an unknown region
      std::unique_ptr<slack::Client> client;
      if (!m->dry_run) client = region_client(conn, m->region);
      const auto done = reports::run_mentors(conn, m->region, client.get(), ctx.business_now());
      if (done.period.empty() && done.notes.empty())
        std::printf("%s: not in the last days of a quarter; nobody to ask today\n", m->region.c_str());
      else
        std::printf("%s, %s: %d asked%s, moderators' list %s; %d failed\n", m->region.c_str(), done.period.c_str(),
                    done.asked, m->dry_run ? " (dry run: due)" : "", done.moderators ? "sent" : "not sent",
                    done.failed);
      for (const auto& l : done.lines) std::printf("  %s\n", l.c_str());
      for (const auto& note : done.notes) std::printf("  note: %s\n", note.c_str());
      return done.failed > 0 ? 2 : 0;
    };
  });

  struct ScoreArgs {
    std::string region, period, csv;
    int top = 20;
  };
  auto a = std::make_shared<ScoreArgs>();
  auto* score = community->add_subcommand(
      "score",
      "Print each member's engagement score for a period, with its parts (weights: the region's engagement_weights)");
  score->add_option("--region", a->region, "Region slug")->required();
  score->add_option("--period", a->period,
                    "A month (2026-10), quarter (2026-Q3) or year (2026); default: this quarter");
  score->add_option("--top", a->top, "How many members to print (0: all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000000));
  score->add_option("--csv", a->csv, "Also write every member's score and parts to this CSV file");
  score->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      db::Database conn(database_url(ctx));
      const auto region = db::get_region(conn, a->region);
      const auto period = a->period.empty() ? reports::current_span(conn, a->region, calendar::Period::Kind::quarter,
                                                                    ctx.business_now())
                                            : calendar::parse_period(a->period, false);
      const auto scores = reports::engagement_scores(conn, a->region, period);
      const auto& w = region.engagement_weights;
      std::printf("engagement in %s, %s (%s to %s): %zu members with a score\n", terminal_safe(region.name).c_str(),
                  period.title().c_str(), calendar::format(period.first).c_str(), calendar::format(period.last).c_str(),
                  scores.size());
      std::printf(
          "score = %g × messages + %g × replies to others + %g × reactions received + %g × help answers + "
          "%g × active weeks%s\n",
          w.messages, w.replies, w.reactions, w.help, w.weeks,
          region.help_channels.empty() ? " (no help_channels set)" : "");
      std::printf("%5s  %-28s %8s %8s %8s %9s %6s %6s\n", "rank", "member", "score", "messages", "replies", "reactions",
                  "help", "weeks");
      int shown = 0;
      for (const auto& s : scores) {
        if (a->top > 0 && shown++ >= a->top) break;
        const std::string name = column(terminal_safe(s.parts.user_name), 28);
        std::printf("%5d  %s %8.1f %8lld %8lld %9lld %6lld %6lld\n", s.rank, name.c_str(), s.score,
                    static_cast<long long>(s.parts.messages), static_cast<long long>(s.parts.replies_to_others),
                    static_cast<long long>(s.parts.reactions_received), static_cast<long long>(s.parts.help_answers),
                    static_cast<long long>(s.parts.active_weeks));
      }
      if (!a->csv.empty()) {
        std::ofstream out(a->csv, std::ios::binary | std::ios::trunc);
        out << "rank,user_id,user_name,score,messages,replies_to_others,reactions_received,help_answers,"
               "active_weeks\n";
        for (const auto& s : scores)
          out << s.rank << ',' << csv_field(s.parts.user_id) << ',' << csv_field(s.parts.user_name) << ','
              << number(s.score) << ',' << s.parts.messages << ',' << s.parts.replies_to_others << ','
              << s.parts.reactions_received << ',' << s.parts.help_answers << ',' << s.parts.active_weeks << '\n';
        out.flush();
        if (!out) throw UserError("cannot write " + a->csv + ": check the folder exists and is writable");
        std::printf("wrote %s (%zu members)\n", a->csv.c_str(), scores.size());
      }
      return 0;
    };
  });
}

}  // namespace paxstats::app
