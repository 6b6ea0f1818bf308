#pragma once
// The interaction network as a GEXF file (Gephi's own format).
#include <functional>
#include <string>
#include <string_view>

#include "paxstats/export/tally.hpp"

namespace paxstats::dataset {

// GEXF 1.3 for a network: directed, weighted edges whose kind (reply, mention, reaction) is the
// edge's GEXF kind and an attribute. Names are escaped for XML. Written to `sink` in parts as it
// goes, so a large network takes no second copy in memory.
void write_gexf(const Network& network, const std::string& today, const std::string& description,
                const std::function<void(std::string_view)>& sink);

}  // namespace paxstats::dataset
