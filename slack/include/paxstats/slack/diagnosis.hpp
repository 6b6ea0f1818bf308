#pragma once
#include <string>
#include <string_view>

#include "paxstats/error.hpp"
#include "paxstats/slack/result.hpp"

namespace paxstats::slack {

// What to do about a failed call.
enum class Remedy {
  retry_later,      // 429, 5xx, transport failure on a call that can be repeated
  join_channel,     // not_in_channel on a public channel the app may join
  invite_bot,       // not_in_channel where joining is not possible
  add_scope,        // missing_scope
  stop_workspace,   // the token is bad: invalid_auth, token_revoked, …; nothing else will work
  skip_recipient,   // channel_not_found, user_not_found, account_inactive, is_archived, …
  switch_upload,    // files.upload is retired
  outcome_unknown,  // a call that creates something failed after it may have been received
  fix_request,      // anything else: a bug or bad input
};

struct Diagnosis {
  Remedy remedy;
  std::string message;  // for people: what happened and what to do
};

// target: the channel or user the call was about, named in the message when given.
Diagnosis diagnose(const Result& result, std::string_view target = {});

// A failed call, thrown by the client's typed helpers; what() is the diagnosis message.
class SlackError : public UserError {
 public:
  explicit SlackError(Result result, std::string_view target = {});
  const Result& result() const { return result_; }
  const Diagnosis& diagnosis() const { return diagnosis_; }

 private:
  Result result_;
  Diagnosis diagnosis_;
};

}  // namespace paxstats::slack
