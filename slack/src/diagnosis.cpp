#include "paxstats/slack/diagnosis.hpp"

#include <set>

#include "paxstats/log.hpp"

namespace paxstats::slack {

std::string Result::describe() const {
  std::string s = method + ": ";
  switch (outcome) {
    case Outcome::ok: s += "ok"; break;
    case Outcome::transport_error:
      s += "no response (" + error + (maybe_sent ? ")" : "; the request never left)");
      break;
    case Outcome::http_error:
      s += "HTTP " + std::to_string(http_status);
      if (retry_after) s += ", Retry-After " + std::to_string(retry_after->count()) + " s";
      break;
    case Outcome::slack_error:
      s += "Slack said " + error;
      if (!needed.empty()) s += " (needed: " + needed + "; provided: " + provided + ")";
      break;
  }
  if (attempts > 1) s += " after " + std::to_string(attempts) + " attempts";
  return log::redact(s);
}

Diagnosis diagnose(const Result& r, std::string_view target_view) {
  const std::string target(target_view);
  const std::string where = target.empty() ? std::string() : " (" + target + ")";
  switch (r.outcome) {
    case Outcome::ok: return {Remedy::fix_request, r.method + " succeeded"};
    case Outcome::transport_error:
      return {Remedy::retry_later, r.method + " got no answer from Slack: " + r.error +
                                       ". Check the network and SLACK_API_BASE_URL, then try again."};
    case Outcome::http_error:
      if (r.http_status == 429)
        return {Remedy::retry_later, r.method + " is rate limited by Slack; try again in " +
                                         std::to_string(r.retry_after ? r.retry_after->count() : 60) + " s."};
      return {Remedy::retry_later, r.method + " failed with HTTP " + std::to_string(r.http_status) +
                                       " from Slack; this is usually brief, try again later."};
    case Outcome::slack_error: break;
  }
  const std::string& e = r.error;
  static const std::set<std::string> bad_token = {"invalid_auth",
                                                  "not_authed",
                                                  "token_revoked",
                                                  "token_expired",
                                                  "account_inactive_token",
                                                  "no_permission",
                                                  "team_access_not_granted",
                                                  "org_login_required",
                                                  "ekm_access_denied",
                                                  "not_allowed_token_type"};
  static const std::set<std::string> gone = {"channel_not_found", "user_not_found",  "account_inactive",
                                             "is_archived",       "user_disabled",   "user_not_visible",
                                             "cannot_dm_bot",     "invalid_channel", "posting_to_channel_denied",
                                             "restricted_action", "users_not_found"};
  if (bad_token.count(e))
    return {Remedy::stop_workspace, "Slack rejected the bot token (" + e +
                                        "): stopping work for this workspace. Check that SLACK_BOT_TOKEN "
                                        "(or the region's token_env) holds the workspace's current xoxb- token and "
                                        "that the app is still installed."};
  if (e == "missing_scope")
    return {Remedy::add_scope, r.method + " needs the scope " + (r.needed.empty() ? "(unnamed)" : r.needed) +
                                   ", which the token lacks (it has: " + r.provided +
                                   "). Add it under OAuth & Permissions in the app's settings and reinstall the app."};
  if (e == "not_in_channel")
    return {Remedy::invite_bot,
            "the bot is not a member of the channel" + where +
                ". Invite it there in Slack (/invite @paxstats), or let paxstats join public channels."};
  if (gone.count(e))
    return {Remedy::skip_recipient,
            (target.empty() ? r.method : target) + ": Slack said " + e +
                (e == "is_archived"                                ? " (the channel is archived)"
                 : e == "account_inactive" || e == "user_disabled" ? " (the user is deactivated)"
                 : e == "channel_not_found"                        ? " (no such channel, or the bot cannot see it)"
                 : e == "user_not_found"                           ? " (no such user in this workspace)"
                                                                   : "") +
                "; skipping that recipient"};
  if (e == "method_deprecated" || e == "deprecated_endpoint")
    return {Remedy::switch_upload, r.method +
                                       " is retired by Slack (files.upload stopped on 2025-11-12). paxstats "
                                       "uploads through files.getUploadURLExternal and "
                                       "files.completeUploadExternal; drop the legacy upload option."};
  if (e == "ratelimited" || e == "rate_limited" || e == "internal_error" || e == "fatal_error" ||
      e == "service_unavailable" || e == "request_timeout")
    return {Remedy::retry_later, r.method + " failed on Slack's side (" + e + "); try again later."};
  return {Remedy::fix_request, r.method + " failed" + where + ": Slack said " + e + "."};
}

SlackError::SlackError(Result result, std::string_view target)
    : UserError(diagnose(result, target).message), result_(std::move(result)), diagnosis_(diagnose(result_, target)) {}

}  // namespace paxstats::slack
