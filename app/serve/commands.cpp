// /paxstats WORDS, answered at once (an ephemeral reply): slow work goes to the jobs table.
#include <algorithm>
#include <regex>
#include <sstream>

#include "paxstats/db/installs.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/text.hpp"
#include "buttons.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

// "stats", "my stats", "stats 2025", "my stats 2025" (any case) → the year ("" for this one).
std::optional<std::string> stats_request(const std::string& text) {
  static const std::regex re(R"(^\s*(?:my\s+)?stats(?:\s+(\d{4}))?\s*[.!?]?\s*$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  return m[1].str();
}

const char* const kHelp =
    "*paxstats* — your F3 numbers, from the backblasts in this workspace.\n"
    "• `/paxstats me [year]` (or DM me `stats`, `my stats 2025`): your posts by month and AO, by DM\n"
    "• `/paxstats ao`: this channel's AO charts for the month so far, by DM\n"
    "• `/paxstats stop` / `/paxstats start`: no more DMs from paxstats / DMs again\n"
    "• `/paxstats help`: this";

// /paxstats WORDS: answered at once (an ephemeral reply); slow work goes to the jobs table.
json ServiceState::command_reply(const std::string& team, const std::string& user, const std::string& channel,
                                 const std::string& text) {
  auto reply = [](const std::string& message) { return json{{"response_type", "ephemeral"}, {"text", message}}; };
  std::vector<std::string> words;
  {
    std::istringstream in(text);
    for (std::string w; in >> w;) {
      std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
      words.push_back(w);
    }
  }
  const std::string verb = words.empty() ? "help" : words[0];
  try {
    auto db = pool.get();
    const auto region = team_regions.get(*db, team);
    if (!region)
      return reply("paxstats is not set up for this workspace yet: an admin can add it with " +
                   (o.public_url.empty() ? std::string("the service's install link (/slack/install)")
                                         : "<" + o.public_url + "/slack/install|the install link>") +
                   ", or whoever runs paxstats can link it with `paxstats region set SLUG team_id=" + team + "`.");
    if (db::is_held(*db, *region))
      return reply("paxstats was uninstalled from this workspace: an admin can install it again to resume.");
    log::info("command /paxstats " + verb + " from " + user + " in " + *region);
    if (verb == "me" || verb == "stats") {
      const std::string year = words.size() > 1 ? words[1] : "";
      if (!year.empty() && !std::regex_match(year, std::regex(R"(\d{4})")))
        return reply("`" + slack::escape_text(year) + "` is not a year: try `/paxstats me 2025`.");
      if (db::is_opted_out(*db, *region, user))  // no DM would come: say so now, not "on it"
        return reply(
            "You turned paxstats DMs off (`/paxstats stop`), so no chart comes: `/paxstats start` turns them on.");
      enqueue(*db, *region, StatsJob{user, year});
      return reply("On it: your chart comes by DM in a few seconds.");
    }
    if (verb == "ao") {
      if (db::is_opted_out(*db, *region, user))
        return reply(
            "You turned paxstats DMs off (`/paxstats stop`), so no charts come: `/paxstats start` turns them on.");
      enqueue(*db, *region, AoStatsJob{user, channel});
      return reply("On it: this AO's charts for the month so far come by DM in a few seconds.");
    }
    if (verb == "stop") {
      db::set_opt_out(*db, *region, user, true, "slack");
      json r = reply("Done: paxstats will not DM you any more (monthly charts included). `/paxstats start` undoes it.");
      r["blocks"] = with_buttons(r["text"], json::array({opt_in_button()}));
      return r;
    }
    if (verb == "start") {
      db::set_opt_out(*db, *region, user, false, "slack");
      return reply("Welcome back: paxstats DMs are on again.");
    }
    if (verb != "help") return reply("I don't know `" + slack::escape_text(text) + "`.\n" + kHelp);
    return reply(kHelp);
  } catch (const std::exception& e) {
    log::error("command /paxstats " + verb + ": " + log::redact(e.what()));
    return reply("Sorry, that failed on our side; try again in a minute.");
  }
}

}  // namespace paxstats::serve
