#pragma once
// Internal: Slack-shaped ids (U…, C…, T…), unique within one generated workspace and the same for
// the same seed.
#include <string>
#include <unordered_set>

#include "rng.hpp"

namespace paxstats::mining::gen {

constexpr const char* kIdChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

class Ids {
 public:
  explicit Ids(Rng rng) : rng_(rng) {}
  std::string make(char prefix, int length = 10) {
    for (;;) {
      std::string id(1, prefix);
      for (int i = 0; i < length; ++i) id += kIdChars[rng_.below(34)];
      if (used_.insert(id).second) return id;
    }
  }

 private:
  Rng rng_;
  std::unordered_set<std::string> used_;
};

}  // namespace paxstats::mining::gen
