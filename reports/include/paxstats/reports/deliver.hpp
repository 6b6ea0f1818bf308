#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::slack {
class Client;
}

namespace paxstats::reports {

class DrawPool;

// Adds a plan to the delivery outbox (deliveries already planned for the same region, report,
// period and recipient are kept as they are). Returns how many were new. Each chart is stored as
// its spec with its alt text, and drawn when it is sent (deliver).
int queue_plan(db::Database& db, const MonthlyPlan& plan, const Progress& progress = {});

struct DeliverReport {
  int sent = 0, skipped = 0, failed = 0;
  int in_doubt = 0;                  // deliveries whose share may have gone out (see deliver)
  std::vector<std::string> reasons;  // "report → recipient: why", for skipped, failed and in-doubt ones
};

struct DeliverOptions {
  // How many messages go at once, each on a thread with its own database connection and Slack
  // client, all on the workspace's rate-limit lanes (a recipient's messages still go one at a time,
  // in plan order). 0: by the run's size — 1 below 100 messages, 2 below 300, else 3: a big
  // region's run then moves at Slack's pace rather than at one thread's round trips.
  int threads = 0;
  // Shared by every run of a process (serve's senders): where charts are drawn, a few at a time,
  // the run with the most messages left first (draw_pool.hpp). None: each thread draws its own.
  DrawPool* draws = nullptr;
};

// Sends every pending delivery of a region through Slack's 3-step upload (opening DMs for
// users), recording each step, so a crash or kill at any point resumes without sending a file
// twice or forgetting one.
//
// The in-doubt rule (as libpqxx treats an in-doubt commit): a share whose outcome is unknown —
// its answer lost, the connection reset after sending, a timeout — is never sent again blindly.
// It is resolved only by a positive check: files.info shows the file shared in the channel →
// sent; shows it not shared → shared now (Slack completes a file once, so this cannot share it
// twice); the file does not exist → uploaded afresh. When the check cannot be made (files.info
// fails, the token lacks files:read), the delivery is marked in_doubt and counted in the report,
// for a person to resend (db::outbox::resend_in_doubt, `paxstats deliver --resend-in-doubt`).
//
// Gone recipients (archived, deactivated, not found) are skipped with the reason; a bad token
// stops the run (SlackError). Throws UserError when another sender holds the region, or when the
// token lacks the files:read scope that the check needs. Opted-out users' DMs still planned are
// skipped ("opted out of DMs").
DeliverReport deliver(db::Database& db, std::string_view region, slack::Client& client, const Progress& progress = {},
                      const DeliverOptions& options = {});

// Sends one chart to a user's DM now, outside the outbox (stats on demand): conversations.open
// and the 3-step upload. Throws SlackError when Slack refuses.
void send_to_user(slack::Client& client, std::string_view user_id, const PlannedDelivery& delivery);

}  // namespace paxstats::reports
