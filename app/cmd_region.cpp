// paxstats region add|list|show|set|opt-out|opt-in|site-q|alias
#include <algorithm>
#include <iomanip>
#include <cctype>
#include <iostream>

#include "commands.hpp"
#include "paxstats/lists.hpp"
#include "paxstats/slack/token.hpp"
#include "paxstats/secret_box.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"

namespace paxstats::app {
namespace {

// A region's settings as (key, value shown) rows, in the order `region show` prints them.
std::vector<std::pair<std::string, std::string>> region_rows(const db::Region& r) {
  std::vector<std::pair<std::string, std::string>> rows;
  auto opt = [](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
  auto row = [&rows](const std::string& key, const std::string& value) { rows.emplace_back(key, value); };
  row("slug", r.slug);
  row("name", r.name);
  row("tz", r.tz);
  row("active", r.active ? "true" : "false");
  row("team_id", opt(r.team_id));
  row("firstf_channel", opt(r.firstf_channel));
  row("awards_channel", opt(r.awards_channel) + (r.awards_channel ? "" : " (1st-F)"));
  row("kotter_channel", opt(r.kotter_channel));
  row("log_channel", opt(r.log_channel) + (r.log_channel ? "" : " (no admin log)"));
  row("token_env", r.token_env);
  row("templates_dir", opt(r.templates_dir) + (r.templates_dir ? "" : " (built-in texts)"));
  row("pax_monthly_audience", std::string(db::to_string(r.pax_monthly_audience)));
  row("kotter_min_posts", std::to_string(r.kotter_min_posts));
  row("kotter_window_weeks", std::to_string(r.kotter_window_weeks));
  row("kotter_quiet_weeks", std::to_string(r.kotter_quiet_weeks));
  row("monthly_day", std::to_string(r.monthly_day));
  row("monthly_time", r.monthly_time.text() + " " + r.tz);
  row("weekly_day", r.weekly_day ? std::string(db::to_string(*r.weekly_day)) : "off (no weekly report)");
  row("weekly_time", r.weekly_time.text() + " " + r.tz);
  row("weekly_sections", r.weekly_sections.empty() ? "all" : join_list(r.weekly_sections));
  row("weekly_to", r.weekly_to.empty() ? "(1st-F)" : join_list(r.weekly_to));
  row("community_channel", opt(r.community_channel) + (r.community_channel ? "" : " (no community reports)"));
  row("help_channels", r.help_channels.empty() ? "(none)" : join_list(r.help_channels));
  row("engagement_weights", db::to_string(r.engagement_weights));
  row("community_awards", r.community_awards.empty() ? "all" : join_list(r.community_awards));
  row("helper_min_replies", std::to_string(r.helper_min_replies));
  row("award_max_winners", std::to_string(r.award_max_winners));
  row("mention_budget", std::to_string(r.mention_budget));
  row("community_every", std::string(db::to_string(r.community_every)) +
                             (r.community_every == db::CommunityEvery::off ? " (no scheduled community reports)" : ""));
  row("nudge_quiet_days", r.nudge_quiet_days == 0 ? std::string("0 (no nudges)") : std::to_string(r.nudge_quiet_days));
  row("nudge_min_messages", std::to_string(r.nudge_min_messages));
  row("nudge_reply_days", std::to_string(r.nudge_reply_days));
  row("moderators_channel", opt(r.moderators_channel));
  row("mentor_count", r.mentor_count == 0 ? std::string("0 (no mentor pick)") : std::to_string(r.mentor_count));
  row("mentor_days", std::to_string(r.mentor_days));
  row("dashboard", std::string(db::to_string(r.dashboard)));
  row("admins", r.admins.empty() ? "(the workspace's admins)" : join_list(r.admins) + " and the workspace's admins");
  row("public_real_names",
      r.public_real_names ? "true (real names on public pages too)" : "false (public pages show shown names only)");
  for (const auto& k : db::kotter_settings()) row(k.name, std::to_string(r.kotter.*k.field));
  for (const auto& f : db::flag_settings()) row(f.name, r.flags.*f.field ? "true" : "false");
  return rows;
}

void print_rows(const std::vector<std::pair<std::string, std::string>>& rows) {
  for (const auto& [key, value] : rows) std::cout << std::left << std::setw(30) << (key + ":") << value << "\n";
}

void print_region(const db::Region& r) { print_rows(region_rows(r)); }

}  // namespace

void add_region_commands(CLI::App& root, Context& ctx) {
  auto* region = root.add_subcommand("region", "The region registry: one Slack workspace's data per PostgreSQL schema");
  region->require_subcommand(1);

  struct AddArgs {
    std::string slug, name, tz;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = region->add_subcommand("add", "Create a region and its schema (named exactly as SLUG)");
  add->add_option("SLUG", add_args->slug, "Schema name: [a-z][a-z0-9_]{0,39}, e.g. stl")->required();
  add->add_option("--name", add_args->name, "Display name, e.g. \"F3 St. Louis\"")->required();
  add->add_option("--tz", add_args->tz, "IANA time zone of the region, e.g. America/Chicago")->required();
  add->callback([&ctx, add_args] {
    ctx.action = [&ctx, add_args] {
      db::Database conn(database_url(ctx));
      auto r = db::add_region(conn, add_args->slug, add_args->name, add_args->tz);
      std::cout << "created region " << r.slug << " (" << r.name << ", " << r.tz << ") in schema " << r.slug << "\n";
      return 0;
    };
  });

  region->add_subcommand("list", "List regions")->callback([&ctx] {
    ctx.action = [&ctx] {
      db::Database conn(database_url(ctx));
      auto regions = db::list_regions(conn);
      if (regions.empty()) std::cout << "no regions yet (paxstats region add SLUG --name NAME --tz TZ)\n";
      for (const auto& r : regions)
        std::cout << std::left << std::setw(16) << r.slug << std::setw(22) << r.tz << r.name
                  << (r.active ? "" : "  (inactive)") << "\n";
      if (const auto line = shared_token_warning(conn)) std::cerr << *line << "\n";
      return 0;
    };
  });

  auto show_slug = std::make_shared<std::string>();
  auto* show = region->add_subcommand("show", "Show a region's settings");
  show->add_option("SLUG", *show_slug, "Region slug")->required();
  show->callback([&ctx, show_slug] {
    ctx.action = [&ctx, show_slug] {
      db::Database conn(database_url(ctx));
      const auto r = db::get_region(conn, *show_slug);
      print_region(r);
      const auto sealed = db::sealed_secret(conn, r.slug, db::SecretName::bot_token);
      std::cout << std::left << std::setw(30) << "bot token:"
                << (sealed ? "stored, sealed under key " + secrets::key_id_of(*sealed) + " (token_env is not read)"
                           : "from $" + r.token_env + " (token_env; none stored)")
                << "\n";
      return 0;
    };
  });

  struct SetArgs {
    std::string slug;
    std::vector<std::string> pairs;
  };
  auto set_args = std::make_shared<SetArgs>();
  std::string keys;
  for (const auto& k : db::region_setting_names()) keys += (keys.empty() ? "" : ", ") + k;
  auto* set = region->add_subcommand("set", "Change region settings: KEY=VALUE … (VALUE empty clears). Keys: " + keys);
  set->add_option("SLUG", set_args->slug, "Region slug")->required();
  set->add_option("KEY=VALUE", set_args->pairs, "Settings to change")->required();
  set->callback([&ctx, set_args] {
    ctx.action = [&ctx, set_args] {
      db::Database conn(database_url(ctx));
      std::vector<db::Setting> settings;
      for (const auto& pair : set_args->pairs) {
        auto eq = pair.find('=');
        if (eq == std::string::npos)
          throw UserError("\"" + pair + "\" is not KEY=VALUE (e.g. firstf_channel=C0123ABCD)");
        settings.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
      }
      const auto before = region_rows(db::get_region(conn, set_args->slug));
      const auto changed = db::set_region(conn, set_args->slug, settings);
      // Only what changed (region show prints everything).
      std::vector<std::pair<std::string, std::string>> diff;
      for (const auto& r : region_rows(changed))
        if (std::find(before.begin(), before.end(), r) == before.end()) diff.push_back(r);
      if (diff.empty()) std::cout << "region " << changed.slug << ": nothing changed\n";
      print_rows(diff);
      // One token variable for two workspaces would post one workspace's charts with the other's bot.
      if (const auto line = shared_token_warning(conn, changed.slug)) std::cerr << *line << "\n";
      return 0;
    };
  });

  struct PeopleArgs {
    std::string slug;
    std::vector<std::string> users;
  };
  for (const bool out : {true, false}) {
    auto args = std::make_shared<PeopleArgs>();
    auto* cmd = region->add_subcommand(
        out ? "opt-out" : "opt-in",
        out ? "Stop paxstats DMs to these users (personal charts, Kotter lists, stats on demand); no USER lists who "
              "opted out"
            : "Let paxstats DM these users again");
    cmd->add_option("SLUG", args->slug, "Region slug")->required();
    auto* users = cmd->add_option("USER", args->users, "Slack user ids, e.g. U0123ABCD");
    if (!out) users->required();
    cmd->callback([&ctx, args, out] {
      ctx.action = [&ctx, args, out] {
        db::Database conn(database_url(ctx));
        if (args->users.empty()) {
          const auto list = db::opt_outs(conn, args->slug);
          if (list.empty()) std::cout << "nobody in " << args->slug << " has opted out of DMs\n";
          for (const auto& u : list) std::cout << u << "\n";
          return 0;
        }
        for (const auto& u : args->users) {
          const bool changed = db::set_opt_out(conn, args->slug, u, out, "cli");
          std::cout << u
                    << (out ? (changed ? ": opted out of DMs" : ": had already opted out")
                            : (changed ? ": DMs back on" : ": had not opted out"))
                    << "\n";
        }
        return 0;
      };
    });
  }

  struct SiteQArgs {
    std::string slug, channel, user;
  };
  auto site_q = std::make_shared<SiteQArgs>();
  auto* sq = region->add_subcommand("site-q",
                                    "Set an AO's site Q (the Kotter report DMs them their AO's list); no USER clears");
  sq->add_option("SLUG", site_q->slug, "Region slug")->required();
  sq->add_option("CHANNEL", site_q->channel, "The AO's channel id, e.g. C0123ABCD")->required();
  sq->add_option("USER", site_q->user, "The site Q's Slack user id, e.g. U0123ABCD");
  sq->callback([&ctx, site_q] {
    ctx.action = [&ctx, site_q] {
      db::Database conn(database_url(ctx));
      db::set_site_q(conn, site_q->slug, site_q->channel, site_q->user);
      std::cout << site_q->channel << ": site Q " << (site_q->user.empty() ? "cleared" : site_q->user) << "\n";
      return 0;
    };
  });

  struct TokenArgs {
    std::string slug;
    bool remove = false;
  };
  auto token = std::make_shared<TokenArgs>();
  auto* tk = region->add_subcommand(
      "token",
      "Store a region's bot token (xoxb-…, read from standard input, never an argument), sealed under the key "
      "PAXSTATS_SECRET_KEY_FILE names; it is used instead of token_env. --delete forgets it");
  tk->add_option("SLUG", token->slug, "Region slug")->required();
  tk->add_flag("--delete", token->remove, "Forget the stored token (token_env is read again)");
  tk->callback([&ctx, token] {
    ctx.action = [&ctx, token] {
      db::Database conn(database_url(ctx));
      db::get_region(conn, token->slug);
      if (token->remove) {
        const bool had = db::delete_secret(conn, token->slug, db::SecretName::bot_token);
        db::delete_secret(conn, token->slug, db::SecretName::bot_refresh_token);  // useless without it
        std::cout << token->slug << ": " << (had ? "stored bot token deleted" : "no stored bot token") << "\n";
        return 0;
      }
      const auto key = secrets::key_from_env();
      if (!key)
        throw UserError(
            "PAXSTATS_SECRET_KEY_FILE is not set: a token is only stored sealed. Create a key with "
            "paxstats key create FILE and export PAXSTATS_SECRET_KEY_FILE=FILE");
      std::string value;
      std::getline(std::cin, value);
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
      if (!slack::is_bot_token(value))
        throw UserError("standard input does not hold a bot token (xoxb-…, on one line): nothing was stored");
      db::store_secret(conn, token->slug, db::SecretName::bot_token,
                       secrets::seal(*key, value, token->slug, "bot_token"));
      std::cout << token->slug << ": bot token stored, sealed under key " << key->id << "\n";
      return 0;
    };
  });

  struct AliasArgs {
    std::string slug, action, name, user;
  };
  auto alias = std::make_shared<AliasArgs>();
  auto* al = region->add_subcommand(
      "alias",
      "Typed names that are a Slack user: list them (with how many posts each moves), add NAME USER, remove NAME");
  al->add_option("SLUG", alias->slug, "Region slug")->required();
  al->add_option("ACTION", alias->action, "add or remove; none: list")->check(CLI::IsMember({"add", "remove"}));
  al->add_option("NAME", alias->name, "The name as it was typed in backblasts, e.g. \"Dozer\"");
  al->add_option("USER", alias->user, "add: the Slack user id it is, e.g. U0123ABCD");
  al->callback([&ctx, alias] {
    ctx.action = [&ctx, alias] {
      db::Database conn(database_url(ctx));
      if (alias->action == "add") {
        if (alias->name.empty() || alias->user.empty())
          throw UserError("region alias " + alias->slug +
                          " add takes the typed name and the user id: "
                          "paxstats region alias " +
                          alias->slug + " add \"Dozer\" U0123ABCD");
        db::confirm_alias(conn, alias->slug, alias->name, alias->user);
        std::cout << "\"" << alias->name << "\" is " << alias->user
                  << " (confirmed): their posts count as one person\n";
        return 0;
      }
      if (alias->action == "remove") {
        if (alias->name.empty())
          throw UserError("region alias " + alias->slug + " remove takes the typed name: paxstats region alias " +
                          alias->slug + " remove \"Dozer\"");
        const bool was = db::remove_alias(conn, alias->slug, alias->name);
        std::cout << "\"" << alias->name << "\" " << (was ? "is no longer" : "was not")
                  << " a user's alias, and will not be matched again\n";
        return 0;
      }
      if (!alias->name.empty()) throw UserError("region alias: say add or remove before the name");
      db::refresh_aliases(conn, alias->slug);
      const auto list = db::list_aliases(conn, alias->slug);
      if (list.empty()) {
        std::cout << "no typed names match a user of " << alias->slug << "\n";
        return 0;
      }
      for (const auto& a : list) {
        std::cout << std::left << std::setw(28) << ("\"" + a.typed + "\"") << std::setw(6) << a.posts << " ";
        switch (a.rule) {
          case db::AliasRule::removed: std::cout << "not an alias (removed)"; break;
          case db::AliasRule::ambiguous: {
            std::cout << "ambiguous: could be";
            for (const auto& c : a.candidates) std::cout << " " << c;
            std::cout << " (add one to choose)";
            break;
          }
          default: std::cout << "→ " << a.user_id << " " << a.user_name << " (" << db::to_string(a.rule) << ")";
        }
        std::cout << "\n";
      }
      return 0;
    };
  });
}

}  // namespace paxstats::app
