#pragma once
// Internal to reports/: one message of a delivery run, sent through Slack's upload steps with each
// step recorded in the outbox (deliver.cpp decides which message goes when, and on which thread).
#include <atomic>
#include <optional>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/draw_pool.hpp"
#include "paxstats/slack/client.hpp"

namespace paxstats::reports::detail {

// What one sending thread sends through: its own connection and its own Slack client (a sibling
// of the run's, on the same rate-limit lanes).
struct Sender {
  db::Database& db;
  slack::Client& client;
  std::string_view region;
  DrawPool* draws = nullptr;                // where charts are drawn, when not on this thread
  const std::atomic<long>* left = nullptr;  // the run's messages left: its place in the gate's queue
};

// Sends items[unit] (the files of one post, or one file alone) as one message: opens nothing
// itself (`opened` is the DM's conversations.open answer when the recipient is a user whose DM is
// not known yet), replies in its parent's thread when it is a reply, resumes a half-sent message
// by the in-doubt rule (deliver.hpp), and adds its outcome to report. Throws SlackError when the
// workspace must stop (a bad token), slack::Stopped when the service stops.
void send_unit(const Sender& via, std::vector<db::outbox::Item>& items, const std::vector<size_t>& unit,
               std::optional<slack::Result> opened, DeliverReport& report);

}  // namespace paxstats::reports::detail
