#pragma once
// What a failed job's error means for the job: the remedy decides, not the C++ type it has.
#include <exception>

#include "paxstats/db/perform.hpp"
#include "paxstats/error.hpp"
#include "paxstats/slack/diagnosis.hpp"

namespace paxstats::serve {

enum class Retry {
  backoff,  // worth trying again later: Slack 5xx, 429, a timeout or reset; a broken database connection,
            // a serialization failure
  never,    // will not get better by waiting: bad input or setting, a bad token (stops the workspace's work),
            // a commit in doubt (a person looks), an error of paxstats' own
  skip,     // the recipient is gone (deactivated, archived, not found): the job is done, with the reason logged
};

inline Retry retry_policy(const std::exception& e) {
  switch (db::classify(e)) {  // the database's ladder (db/perform.hpp)
    case db::Failure::connection_lost:
    case db::Failure::serialization: return Retry::backoff;
    case db::Failure::in_doubt: return Retry::never;  // never repeated on its own: it may have happened
    case db::Failure::other: break;
  }
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
  // Anything else is no outside failure paxstats knows (an SQL error, a bug): waiting does not
  // mend it, and repeating it could repeat its half-done work. Failed, with its message.
  return Retry::never;
}

}  // namespace paxstats::serve
