#pragma once
// The dataset export's counts of a window — member_activity, channel_activity and the
// interaction network — counted in one pass over every stored message (src/tally.cpp). The rules
// are those of the SQL functions of the same names (region migrations 0008 and 0013), stated in
// SQL once; this is a second reading of them, kept for its speed (18 s of SQL at 1M messages
// against about 1.5 s) and held to the SQL by a byte-for-byte test rather than trusted.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/community.hpp"

namespace paxstats::dataset {

// How one member interacted with another: a reply in a thread the other started, a mention, a
// reaction on a member message of theirs.
enum class Interaction { mention, reaction, reply };
std::string_view to_string(Interaction kind);  // "mention", "reaction", "reply"

// A member who posted in the window (messages: their member messages), or that an edge names.
struct NetworkNode {
  std::string id, label;
  std::int64_t messages = 0;
};
// One weighted, typed edge of the interaction network: `source` answered, mentioned or reacted to
// `target` `weight` times in the window (SQL function interaction_edges). Ends are indexes into
// Network::nodes (24 bytes an edge: a 1M-message workspace has 670k of them).
struct NetworkEdge {
  std::uint32_t source = 0, target = 0;
  Interaction kind = Interaction::mention;
  std::int64_t weight = 0;
};
struct Network {
  std::vector<NetworkNode> nodes;  // by id
  std::vector<NetworkEdge> edges;  // by source id, target id, kind
};

// The window's counts as the export writes them: the rows of member_activity and
// channel_activity (in their order), and the network.
struct Tally {
  std::vector<db::community::MemberActivity> members;
  std::vector<db::community::ChannelActivity> channels;
  Network network;
  std::int64_t reactions_rows = 0;  // the reactions table's rows, when it was written (TallyOptions)
};

struct TallyOptions {
  // Reads the reactions meanwhile, on a thread of its own (a reader of the same snapshot); none:
  // they are read after the messages, on the same reader.
  db::community::DatasetReader* reactions_reader = nullptr;
  // With it, the reactions table is written to it as CSV from that reading (every reaction: only
  // for a window without ends).
  std::function<void(std::string_view)> reactions_csv;
};

// Counts the reader's window: about 3 s and 300 MB at 1M messages.
Tally count_window(db::community::DatasetReader& reader, const TallyOptions& options = {});

// A double as PostgreSQL's round(x::numeric, 1) writes it ("12.3"): the 15 significant digits of
// float8 → numeric, then rounded half away from zero.
std::string numeric_round1(double x);

}  // namespace paxstats::dataset
