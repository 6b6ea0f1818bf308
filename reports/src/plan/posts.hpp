#pragma once
// Internal to reports/: how a monthly run's charts go out to channels, as few messages as say it.
#include <map>
#include <optional>
#include <string>

#include "paxstats/db/regions.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

// At most this many files in one message (Slack shows ten at most as one message's files).
constexpr size_t kFilesPerMessage = 10;

// Gathers each channel's deliveries of a run into posts (PlannedDelivery::post, thread_of):
// - the channel's charts (not awards, not Kotter lists) go as one message of several files, its
//   text (the first file's `message`) the header template channel_post and each chart's comment;
// - award cards, then milestone cards, go as replies in that message's thread, up to ten cards a
//   reply (a channel that gets only awards has its first reply as the message);
// - a Kotter list keeps a message of its own (it is read by a site Q, not by the channel): its
//   pages together, in a channel as in a site Q's DM (more than ten pages: the rest in its thread).
// Then at most the region's mention_budget @-mentions in all the run's channel posts, in the order they go
// out; past it, people are named in plain text (plan.names). DMs are not counted.
void compose_posts(MonthlyPlan& plan, const db::Region& region);

// `text` with at most `left` @-mentions kept (counting down `left`); past it, people are named in
// plain text from `names` (the weekly report's message shares the region's mention_budget rule).
std::string spend_mentions(const std::string& text, int& left, const std::map<std::string, std::string>& names);

// How many @-mentions of people a Slack text holds (<@U…>).
int count_mentions(const std::string& text);

}  // namespace paxstats::reports::detail
