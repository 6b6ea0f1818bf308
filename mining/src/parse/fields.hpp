#pragma once
// Internal to the backblast parser: reading a message's fields into a Backblast.
#include "paxstats/mining/backblast.hpp"

namespace paxstats::mining::parse {

// The message read as a backblast: its text, else its blocks, else a form app's metadata. May
// throw on a bug; parse_backblast catches everything.
Backblast read_message(const MessageView& msg, const ParseContext& ctx);

}  // namespace paxstats::mining::parse
