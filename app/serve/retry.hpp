#pragma once
// What a failed job's error means for the job: the remedy decides, not the C++ type it has.
#include <exception>

#include "paxstats/error.hpp"
#include "paxstats/slack/diagnosis.hpp"

namespace paxstats::serve {

enum class Retry {
  backoff,  // worth trying again later: Slack 5xx, 429, a timeout or reset; a broken database connection
  never,    // will not get better by waiting: bad input or setting, a bad token (stops the workspace's work)
  skip,     // the recipient is gone (deactivated, archived, not found): the job is done, with the reason logged
};

inline Retry retry_policy(const std::exception& e) {
  if (const auto* s = dynamic_cast<const slack::SlackError*>(&e)) {
    switch (s->diagnosis().remedy) {
      case slack::Remedy::retry_later:
      case slack::Remedy::outcome_unknown: return Retry::backoff;
      case slack::Remedy::skip_recipient:
      case slack::Remedy::invite_bot: return Retry::skip;
      default: return Retry::never;
    }
  }
  if (dynamic_cast<const TransientError*>(&e)) return Retry::backoff;
  if (dynamic_cast<const UserError*>(&e)) return Retry::never;
  return Retry::backoff;  // an unexpected error (a dropped connection, a bug): a few more tries, then failed
}

}  // namespace paxstats::serve
