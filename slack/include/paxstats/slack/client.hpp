#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paxstats/slack/clock.hpp"
#include "paxstats/slack/diagnosis.hpp"
#include "paxstats/slack/rate_limiter.hpp"
#include "paxstats/slack/result.hpp"

namespace paxstats::slack {

using Params = std::vector<std::pair<std::string, std::string>>;

// Reads can be repeated safely; writes create something (a message, a share) and are repeated
// only when Slack said 429 or the request provably never left this machine.
enum class CallKind { read, write };

struct ClientOptions {
  std::string token = {};  // sent only in the Authorization header; never logged
  // The app's credentials ("client_id:client_secret") for oauth.v2.access: sent as HTTP Basic
  // authentication in the Authorization header (Slack's preferred way), never as form fields.
  std::string basic_auth = {};
  std::string base_url = {};  // empty: $SLACK_API_BASE_URL, else https://slack.com/api/
  // Names the workspace's rate-limit lanes; empty: derived from the token (a hash, not the token).
  std::string workspace = {};
  std::shared_ptr<RateLimiter> limiter = {};  // empty: a limiter of this client's own on the system clock
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{30000};          // whole request
  std::chrono::milliseconds upload_timeout{120000};  // the bytes POST
  int max_attempts = 6;                              // per call, retries included
  std::chrono::milliseconds backoff_base{500};       // 5xx/transport retries on reads: base·2^n …
  std::chrono::milliseconds backoff_cap{30000};      // … capped, with ±25% jitter
  int history_limit = 200;     // page size for history/replies; 15 under Slack's 2025 non-Marketplace limits
  bool legacy_upload = false;  // allow files.upload (retired by Slack on 2025-11-12)
  // On not_in_channel for a public channel (C…), join it (conversations.join) and repeat the
  // call once. Nothing was created by the refused call, so repeating it cannot duplicate.
  bool auto_join = true;
  uint64_t jitter_seed = 0;  // 0: random
};

// One file to share through Slack's external upload flow.
struct Upload {
  std::string filename = {};
  std::string bytes = {};
  std::string title = {};
  std::string alt_txt = {};          // ≤ 1000 characters
  std::string channel_id = {};       // channel or DM (see open_dm)
  std::string initial_comment = {};  // the message shown with the file
  std::string thread_ts = {};        // optional: share into a thread
};

// Progress of an upload, reported after each step so a caller can record it (the outbox does,
// so a crash between steps never shares a file twice).
struct UploadStep {
  enum Kind { got_url, bytes_sent, completed } kind;
  std::string file_id;
};

struct UploadResult {
  bool ok = false;
  std::string file_id;
  std::string failed_step;  // "getUploadURLExternal", "upload", "completeUploadExternal"
  Result result;            // the last call's result (the failure when !ok)
};

// A Slack Web API client over libcurl. One connection is kept and reused across calls. Not
// thread-safe: use one Client per thread, sharing one RateLimiter.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // $SLACK_API_BASE_URL or https://slack.com/api/, always ending in '/'.
  static std::string default_base_url();
  // The rate-limit window of a Slack at base_url: a minute, unless PAXSTATS_SLACK_WINDOW_MS names
  // a shorter one for a fake (never for slack.com).
  static std::chrono::milliseconds rate_window(const std::string& base_url);

  // Calls a Web API method with form-encoded params (JSON values go in as JSON strings). Waits
  // for its rate-limit lane; on 429 waits Retry-After and repeats; on 5xx or a transport failure
  // repeats reads with capped, jittered backoff, and writes only if the request never left.
  // lane_channel: the channel of per-channel methods (chat.postMessage).
  Result call(std::string_view method, const Params& params, CallKind kind = CallKind::read,
              std::string_view lane_channel = {});

  // Calls a cursor-paged method until next_cursor is empty or missing (a short page is not the
  // end), handing each page's body to on_page. Returns the last call's result: ok, or the error
  // that stopped it.
  Result paginate(std::string_view method, Params params, int limit,
                  const std::function<void(const json& page)>& on_page);

  // ---- Typed helpers. Each throws SlackError (with an explanation) unless Slack said ok.
  json auth_test();  // the body, plus "scopes" from the X-OAuth-Scopes header
  std::vector<json> users_list();
  // types: "public_channel,private_channel,mpim,im"; archived channels included.
  std::vector<json> conversations_list(std::string_view types = "public_channel,private_channel");
  json conversations_info(std::string_view channel);
  // Messages newest first, page by page; oldest/latest are ts bounds (exclusive unless inclusive).
  void conversations_history(std::string_view channel, std::string_view oldest, std::string_view latest, bool inclusive,
                             const std::function<void(const json& page)>& on_page);
  void conversations_replies(std::string_view channel, std::string_view thread_ts,
                             const std::function<void(const json& page)>& on_page);
  json conversations_join(std::string_view channel);
  std::string open_dm(std::string_view user_id);  // conversations.open → the DM channel id
  // Whether Slack says the user is an admin or owner of the workspace (users.info); nullopt when
  // Slack does not answer it (the caller decides what that means).
  std::optional<bool> workspace_admin(std::string_view user_id);
  json post_message(std::string_view channel, std::string_view text, const json& blocks = nullptr,
                    std::string_view thread_ts = {});
  json post_ephemeral(std::string_view channel, std::string_view user, std::string_view text);
  std::string permalink(std::string_view channel, std::string_view message_ts);
  json file_info(std::string_view file_id);

  // The 3-step upload: files.getUploadURLExternal → POST the bytes to upload_url (HTTP 200 =
  // stored) → files.completeUploadExternal (once per file). A failed bytes POST starts over with
  // a new URL (an uncompleted file is discarded by Slack). If the completing call may have been
  // received but its answer was lost, it is not repeated: files.info says whether the file was
  // shared. on_step (optional) hears of each step. Never throws for Slack's answers.
  UploadResult upload(const Upload& upload, const std::function<void(const UploadStep&)>& on_step = {});

  // The upload in parts, for a message of several files: store() is steps 1 and 2 for one file
  // (its channel, comment and thread are not used; ok means stored, not shared); share() is step
  // 3 for files stored before, as one message in channel_id (a reply in thread_ts's thread when
  // given), with the same rule for a lost answer as upload: files.info on the first file decides.
  struct SharedFile {
    std::string id, title;
  };
  UploadResult store(const Upload& upload, const std::function<void(const UploadStep&)>& on_step = {});
  Result share(const std::vector<SharedFile>& files, std::string_view channel_id, std::string_view initial_comment,
               std::string_view thread_ts = {});
  // Waits on the client's clock (the rate limiter's: a test's clock runs fast).
  void pause(std::chrono::milliseconds how_long);

  // files.upload, retired by Slack on 2025-11-12. Refused unless options.legacy_upload.
  Result legacy_upload(const Upload& upload);

  const std::string& base_url() const;
  // This client's options with its base URL, workspace and limiter filled in: a sibling client
  // made from them (for another thread) talks to the same Slack on the same rate-limit lanes.
  ClientOptions sibling_options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  json checked(Result r, std::string_view target = {});
  Result call_once(std::string_view method, const Params& params, CallKind kind, std::string_view lane_channel);
};

}  // namespace paxstats::slack
