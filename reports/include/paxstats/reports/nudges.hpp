#pragma once
// Nudges to members gone quiet (README "Community analytics"): a friendly DM, a second one when
// there is no reply, then a note to the moderators' channel. Every step is recorded before it is
// sent (db::community::claim_nudge), so none goes twice; opted-out members are left out.
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::slack {
class Client;
}

namespace paxstats::reports {

struct NudgeRun {
  int first = 0, second = 0, moderators = 0;  // steps sent (or, dry, due)
  int opted_out = 0, failed = 0;
  std::vector<std::string> lines;  // what was done, one line a step, for the CLI and the log
  std::vector<std::string> notes;  // why something was not done
};

// The steps due at business time `now`, sent through `client`; with client == nullptr nothing is
// sent or recorded (a dry run lists them). Nothing when the region's nudge_quiet_days is 0.
NudgeRun run_nudges(db::Database& db, std::string_view region, slack::Client* client, BusinessTime now);

}  // namespace paxstats::reports
