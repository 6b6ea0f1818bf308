#pragma once
// The mentor pick (README "Community analytics"): in the last mentor_days days of each quarter,
// the mentor_count members with the highest engagement score of the quarter so far are asked by
// DM whether they would mentor (template mentor_ask), and the moderators' channel gets the list
// (mentor_moderators). Each ask is recorded before it is sent, once per member and quarter;
// opted-out members are passed over.
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::slack {
class Client;
}

namespace paxstats::reports {

struct MentorRun {
  std::string period;  // the quarter, "2026-Q3"; "" when not near its end
  int asked = 0, moderators = 0, failed = 0;
  std::vector<std::string> lines, notes;
};

// With client == nullptr nothing is sent or recorded (a dry run lists who would be asked).
MentorRun run_mentors(db::Database& db, std::string_view region, slack::Client* client, BusinessTime now);

}  // namespace paxstats::reports
