#pragma once
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace paxstats::slack::fake {

using json = nlohmann::json;

// A local stand-in for Slack's Web API, over real HTTP on a loopback port, built to Slack's
// documented behaviour: bearer-token or form-token auth; form, query and JSON bodies; cursor
// paging; per-method rate budgets answering 429 with Retry-After; HTTP 200 with ok:false for
// errors; the 3-step external upload with the upload URL served by the fake itself (bytes must
// match the announced length) and completeUploadExternal once per file; DMs through
// conversations.open; files.upload answering method_deprecated. Everything received is recorded
// for tests. Faults can be scripted. Thread-safe.
class FakeSlack {
 public:
  struct Options {
    std::string token = "xoxb-fake-token";
    std::string team_id = "T0FAKE0001";
    std::string team_name = "Fake Region";
    std::string bot_user_id = "UBOT000001";
    std::string bot_id = "BBOT000001";
    std::string scopes =
        "channels:history,channels:join,channels:read,chat:write,commands,files:read,files:write,"
        "groups:history,groups:read,im:history,im:write,users:read,users:read.email";
    // Slack's rate-limit window; budgets are per window. Shrink it to run rate tests fast.
    std::chrono::milliseconds window{60000};
    bool enforce_budgets = true;
    // Slack's 2025 limits for non-Marketplace apps: history/replies at 1 request per window and
    // at most 15 messages per page.
    bool nonmarketplace_history = false;
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port
    // Socket Mode: apps.connections.open takes this app-level token (only it, and only in the
    // Authorization header) and answers with socket_mode_url (a test's WebSocket server).
    std::string app_token = "xapp-1-fake-app-token";
    std::string socket_mode_url = {};
    // Sign in with Slack (OpenID Connect): the app's credentials openid.connect.token takes.
    std::string client_id = "fake-client-id", client_secret = "fake-client-secret";
    // Add to Slack (OAuth v2): the workspace's domain (auth.test's url), and token rotation: when
    // on, oauth.v2.access gives out xoxe.xoxb- tokens that expire in token_expires_in seconds,
    // with a refresh token (grant_type=refresh_token) that buys the next one.
    std::string team_domain = "fake";
    bool token_rotation = false;
    int token_expires_in = 43200;
    // Many fakes in one process (a nation's benchmark): threads a fake answers with on its own, and
    // whether load_export reads the channels' messages (only a sync needs them) and an upload's
    // bytes are kept (only a test that looks at a PNG needs them; the length is always kept).
    int threads = 8;
    bool load_messages = true;
    bool keep_upload_bytes = true;
  };

  struct User {
    std::string id = {}, name = {}, real_name = {}, display_name = {};
    bool deleted = false, is_bot = false;
    bool is_admin = false;  // a workspace admin (users.info)
  };
  struct Channel {
    std::string id = {}, name = {};
    bool is_private = false, is_archived = false, is_im = false;
    std::set<std::string> members = {};  // include the bot's user id to make the bot a member
    long long created = 1600000000;
    std::string im_user = {};  // for DMs
  };
  // A file as the fake saw it go through the upload flow.
  struct File {
    std::string id, filename, alt_txt, title;
    size_t length = 0;
    std::string bytes;
    bool uploaded = false;
    int complete_calls = 0;  // every files.completeUploadExternal naming it
    bool completed = false;
    std::string channel_id, initial_comment, thread_ts, share_ts;
  };
  struct Request {
    std::string method = {};  // "auth.test" …, or "upload" for the bytes POST
    std::map<std::string, std::string> params;
    bool authorized = false;
    int http_status = 200;
    std::string error;  // ok:false error, or "" when ok
  };
  // A scripted fault: applies to the next `times` calls of `method` (and `channel`, if set).
  // Method "upload" is the bytes POST to an upload URL (http_500 only).
  struct Fault {
    enum Kind {
      http_500,         // answer HTTP 500 without acting
      drop_connection,  // act, then drop the connection before the answer is complete
      drop_before,      // drop the connection without acting (the request was received, nothing done)
      slow,             // act, then answer after `delay` (a client timeout may fire first)
      slack_error,      // answer ok:false with `error`, without acting
      rate_limit,       // answer 429 with Retry-After `retry_after`
    } kind;
    std::string method = {};
    int times = 1;
    int after = 0;  // let this many matching calls through first
    std::string channel = {};
    std::string error = "internal_error";
    std::string needed = {};  // with error "missing_scope"
    int retry_after = 1;
    std::chrono::milliseconds delay{0};
  };

  explicit FakeSlack(Options options);
  FakeSlack();
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  // Starts serving in a background thread; returns once the port accepts connections.
  void start();
  void stop();
  int port() const;
  std::string base_url() const;  // http://127.0.0.1:PORT/api/
  const Options& options() const { return options_; }

  // ---- The workspace. The bot user is always present.
  void add_user(User user);
  void add_channel(Channel channel);
  void add_message(const std::string& channel_id, json message);  // kept sorted by ts
  void set_member(const std::string& channel_id, const std::string& user_id, bool member);
  void set_archived(const std::string& channel_id, bool archived);
  void revoke_token();  // from now on every call answers token_revoked (until the app is installed again)
  // The bot token the API takes now (it changes when a rotating token is refreshed).
  std::string bot_token() const;
  // The scopes the last authorize request asked for ("" when none came).
  std::string requested_scopes() const;
  // Sign in with Slack: who /openid/connect/authorize signs in from now on (the person at the
  // browser), and their workspace ("" = the fake's team). Nobody set: the page answers 400.
  void sign_in_as(const std::string& user_id, const std::string& team_id = "");
  // Loads channels.json, groups.json, users.json and every channel's day files of a Slack export
  // (an unpacked folder); the bot becomes a member of every public channel, and the export's
  // team_id (from users.json) becomes the fake's. Call before start().
  void load_export(const std::filesystem::path& dir);

  // ---- Rate budgets (requests per window). Defaults follow Slack's tiers.
  void set_budget(const std::string& method, int per_window);

  void inject(Fault fault);

  // ---- What happened.
  std::vector<Request> requests() const;
  int calls(const std::string& method) const;
  std::vector<File> files() const;
  std::vector<json> messages(const std::string& channel_id) const;
  std::string dm_channel(const std::string& user_id) const;  // "" when none was opened
  json home_view(const std::string& user_id) const;          // views.publish's last view; null: none

 private:
  friend class FakeFleet;  // serves many fakes' handlers from one server of its own
  void routes();           // the handlers, on this fake's server (start() binds it)
  struct Impl;
  Options options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paxstats::slack::fake
