// paxstats sync: the raw store brought up to date through Slack's Web API.
#include <chrono>
#include <regex>
#include <set>

#include "derive.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/client.hpp"
#include "records.hpp"

namespace paxstats::mining {
namespace {

using json = nlohmann::json;

// ts minus whole days, as a ts ("1700000000.000100" - 7 days).
std::string ts_minus_days(const std::string& ts, int days) {
  auto t = detail::ts_time(ts);
  if (!t) return "";
  return std::to_string(t->time_since_epoch().count() - 86400LL * days) + ".000000";
}

bool is_ao_channel(const std::string& name) {
  static const std::regex ao(R"(^(ao|a-o)[-_ ].*|.*backblast.*)", std::regex::icase);
  return std::regex_match(name, ao);
}

}  // namespace

SyncReport sync(db::Database& db, std::string_view region_view, slack::Client& client, const SyncOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const std::string region(region_view);
  const std::string tz = db::get_region(db, region).tz;
  SyncReport report;
  bool progress_line_open = false;  // a TTY's progress line is drawn and not yet ended
  auto say = [&](const std::string& line) {
    if (!o.progress) return;
    if (progress_line_open) *o.progress << "\n";
    progress_line_open = false;
    *o.progress << "sync: " << line << std::endl;
  };
  // On a terminal one line redrawn in place; in a log, a plain line now and then.
  auto progress = [&](size_t done, size_t total, const std::string& name, long pages, bool force) {
    if (!o.progress) return;
    if (o.progress_is_tty) {
      constexpr int kWidth = 24;
      const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
      *o.progress << "\r\x1b[2Ksync: [" << std::string(static_cast<size_t>(filled), '#')
                  << std::string(static_cast<size_t>(kWidth - filled), '.') << "] " << done << "/" << total
                  << " channels  " << name << (pages ? "  " + std::to_string(pages) + " pages" : "") << std::flush;
      progress_line_open = true;
    } else if (force || (pages && pages % 10 == 0)) {
      *o.progress << "sync: " << done << "/" << total << " channels, " << name
                  << (pages ? ": " + std::to_string(pages) + " pages so far" : "") << std::endl;
    }
  };

  // Which workspace the token answers for: stored when the region has none, refused when it
  // names another (a token pasted from the wrong workspace would mine it into this region).
  {
    const json me = client.auth_test();
    report.team_id = detail::str(me, "team_id");
    report.team_name = detail::str(me, "team");
    const auto r = db::get_region(db, region);
    if (!report.team_id.empty()) {
      if (r.team_id && !r.team_id->empty() && *r.team_id != report.team_id)
        throw UserError("region " + region + " is workspace " + *r.team_id + ", but its token answers for " +
                        report.team_id + " (" + report.team_name +
                        "). Set the region's token_env to that workspace's "
                        "token, or `paxstats region set " +
                        region + " team_id=" + report.team_id + "` if the region moved.");
      if (!r.team_id || r.team_id->empty()) {
        db::set_region(db, region, {{"team_id", report.team_id}});
        report.team_id_stored = true;
        say("stored the region's team_id " + report.team_id + " (" + report.team_name +
            "), so the service can match its events");
      }
    }
  }
  if (o.nonmarketplace)
    say("this app is held to Slack's 2025 limits for non-Marketplace apps (1 history request a minute, 15 messages a "
        "page): syncing will be slow. An internal (custom) app, or importing an export, is much faster.");

  // Users and channels.
  const auto users = client.users_list();
  const auto channels = client.conversations_list("public_channel,private_channel");
  {
    db::RegionWriter w(db, region);
    std::vector<db::UserRecord> u;
    for (const auto& x : users) u.push_back(detail::user_record(x));
    std::vector<db::ChannelRecord> c;
    for (const auto& x : channels) c.push_back(detail::channel_record(x, x.value("is_private", false)));
    w.upsert_users(u);
    w.upsert_channels(c);
    w.commit();
    report.users = static_cast<long>(u.size());
    report.channels = static_cast<long>(c.size());
  }
  say(std::to_string(report.users) + " users, " + std::to_string(report.channels) + " channels");

  std::set<std::string> backblast_channels;
  for (auto& id : db::backblast_channel_ids(db, region)) backblast_channels.insert(std::move(id));

  auto stop_here = [&] {
    if (o.should_stop && o.should_stop()) throw SyncStopped();
  };
  size_t done = 0;
  for (const auto& ch : channels) {
    stop_here();
    ++done;
    const std::string id = detail::str(ch, "id"), name = detail::str(ch, "name");
    progress(done, channels.size(), "#" + name, 0, false);
    const bool is_private = ch.value("is_private", false);
    std::string oldest, latest;
    {
      db::RegionWriter w(db, region);  // read-only look; rolled back
      if (auto cp = w.sync_checkpoint(id)) {
        oldest = cp->first;
        latest = cp->second;
      } else {
        const std::string newest = w.newest_ts(id);
        if (!newest.empty() && ch.value("is_archived", false)) {  // archived and read: nothing new can appear
          ++report.channels_up_to_date;
          continue;
        }
        oldest = newest.empty() ? "" : ts_minus_days(newest, o.lookback_days);
      }
    }
    if (!ch.value("is_member", true)) {
      const bool wanted = backblast_channels.count(id) || is_ao_channel(name);
      if (!is_private && wanted && o.join_channels && !ch.value("is_archived", false)) {
        try {
          client.conversations_join(id);
          say("joined #" + name);
        } catch (const slack::SlackError& e) {
          report.skipped.push_back({"#" + name, std::string("joining it failed: ") + e.what()});
          continue;
        }
      } else {
        std::string why = "the bot is not a member";
        if (!wanted)
          why += ", and it is no AO channel (ao-… or a backblast channel), so sync does not join it";
        else if (is_private)
          why += " of this private channel";
        else if (ch.value("is_archived", false))
          why += " of this archived channel (Slack lets no one join one)";
        else
          why += " (sync --no-join)";
        why += ". Invite it (/invite @paxstats) to mine this channel";
        report.skipped.push_back({"#" + name, why});
        continue;
      }
    }

    long channel_pages = 0, channel_messages = 0;
    std::optional<ParseContext> ctx;
    try {
      client.conversations_history(id, oldest, latest, false, [&](const json& page) {
        db::RegionWriter w(db, region);
        if (!ctx) ctx.emplace(detail::make_context(tz, w));
        std::string lowest;
        for (const auto& m : page.value("messages", json::array())) {
          auto r = detail::message_record(id, m, "#" + name);
          if (lowest.empty() || r.ts < lowest) lowest = r.ts;
          const bool parent = r.reply_count > 0 && (r.thread_ts.empty() || r.thread_ts == r.ts);
          w.stage_message(r);
          ++channel_messages;
          if (parent) {
            ++report.threads;
            client.conversations_replies(id, r.ts, [&](const json& replies) {
              for (const auto& x : replies.value("messages", json::array())) {
                auto rr = detail::message_record(id, x, "#" + name);
                if (rr.ts == r.ts) continue;  // the parent again
                w.stage_message(rr);
                ++channel_messages;
              }
            });
          }
        }
        auto stats = w.merge_messages("api");
        report.inserted += stats.inserted;
        report.updated += stats.updated;
        const auto d = detail::derive(w, *ctx, false).report;
        report.derived.examined += d.examined;
        report.derived.beatdowns += d.beatdowns;
        report.derived.with_errors += d.with_errors;
        report.derived.with_warnings += d.with_warnings;
        if (!lowest.empty()) w.set_sync_checkpoint(id, oldest, lowest);
        w.commit();
        ++channel_pages;
        progress(done, channels.size(), "#" + name, channel_pages, false);
        stop_here();
      });
    } catch (const slack::SlackError& e) {
      if (e.diagnosis().remedy == slack::Remedy::stop_workspace) throw;
      report.skipped.push_back(
          {"#" + name, std::string("reading its history failed (what was read is kept; the next sync "
                                   "goes on from there): ") +
                           e.what()});
      continue;
    }
    {
      db::RegionWriter w(db, region);
      w.clear_sync_checkpoint(id);
      w.mark_backblast_channels();
      w.commit();
    }
    ++report.channels_read;
    report.pages += channel_pages;
    report.messages += channel_messages;
    if (!o.progress_is_tty)
      say("#" + name + ": " + std::to_string(channel_messages) + " messages in " + std::to_string(channel_pages) +
          " pages");
  }
  if (progress_line_open) *o.progress << "\n";
  const auto aliases = db::refresh_aliases(db, region);
  report.derived.aliases = aliases.matched;
  report.derived.ambiguous_names = aliases.ambiguous;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace paxstats::mining
