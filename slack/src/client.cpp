#include "paxstats/slack/client.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <random>

#include "detail/http.hpp"
#include "paxstats/hash.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/files.hpp"

namespace paxstats::slack {

namespace {

// A stable lane name for a token that never reveals it.
std::string workspace_of(const std::string& token) { return "token:" + std::to_string(fnv1a(token)); }

std::string encode_form(const Params& params) {
  std::string body;
  for (const auto& [k, v] : params) {
    if (!body.empty()) body += '&';
    body += detail::form_escape(k) + "=" + detail::form_escape(v);
  }
  return body;
}

}  // namespace

struct Client::Impl {
  ClientOptions options;
  std::string base_url;
  std::string workspace;
  std::shared_ptr<RateLimiter> limiter;
  detail::Http http;
  std::mt19937_64 jitter;
  std::map<std::string, std::string> last_headers;

  std::chrono::milliseconds backoff(int attempt) {
    auto d = options.backoff_base * (1LL << std::min(attempt - 1, 20));
    if (d > options.backoff_cap) d = options.backoff_cap;
    std::uniform_real_distribution<double> f(0.75, 1.25);
    return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(d.count()) * f(jitter)));
  }
};

std::string Client::default_base_url() {
  const char* env = std::getenv("SLACK_API_BASE_URL");
  std::string url = (env && *env) ? env : "https://slack.com/api/";
  if (url.back() != '/') url += '/';
  return url;
}

// Slack's rate-limit window is a minute. A fake Slack (tests, the local demo's fake) may keep a
// shorter one, which PAXSTATS_SLACK_WINDOW_MS names; it is never honoured against slack.com.
std::chrono::milliseconds Client::rate_window(const std::string& base_url) {
  const char* env = std::getenv("PAXSTATS_SLACK_WINDOW_MS");
  if (!env || !*env || base_url.find("slack.com") != std::string::npos) return std::chrono::minutes(1);
  try {
    const long long ms = std::stoll(env);
    if (ms >= 1 && ms <= 60000) return std::chrono::milliseconds(ms);
  } catch (const std::exception&) {
  }
  return std::chrono::minutes(1);
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  auto& o = impl_->options;
  impl_->base_url = o.base_url.empty() ? default_base_url() : o.base_url;
  if (impl_->base_url.back() != '/') impl_->base_url += '/';
  impl_->workspace = o.workspace.empty() ? workspace_of(o.token) : o.workspace;
  impl_->limiter =
      o.limiter ? o.limiter : std::make_shared<RateLimiter>(SystemClock::instance(), rate_window(impl_->base_url));
  impl_->jitter.seed(o.jitter_seed ? o.jitter_seed : std::random_device{}());
}

Client::~Client() = default;

ClientOptions Client::sibling_options() const {
  ClientOptions o = impl_->options;
  o.base_url = impl_->base_url;
  o.workspace = impl_->workspace;
  o.limiter = impl_->limiter;
  o.jitter_seed = 0;
  return o;
}

const std::string& Client::base_url() const { return impl_->base_url; }

Result Client::call(std::string_view method, const Params& params, CallKind kind, std::string_view lane_channel) {
  Result r = call_once(method, params, kind, lane_channel);
  if (r.outcome != Outcome::slack_error || r.error != "not_in_channel" || !impl_->options.auto_join) return r;
  std::string channel;
  for (const auto& [k, v] : params)
    if (k == "channel" || k == "channel_id") channel = v;
  if (channel.empty() || channel[0] != 'C' || method == "conversations.join") return r;
  Result join = call_once("conversations.join", {{"channel", channel}}, CallKind::read, {});
  if (!join.ok()) {
    log::info("not in " + channel + " and cannot join it (" + join.error + "): it must invite the bot");
    return r;
  }
  log::info("joined " + channel + " to " + std::string(method));
  return call_once(method, params, kind, lane_channel);
}

namespace {
// HTTP Basic authentication's encoding of "user:password" (base64).
std::string basic(const std::string& pair) {
  std::string out(4 * ((pair.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(pair.data()), static_cast<int>(pair.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}
}  // namespace

Result Client::call_once(std::string_view method, const Params& params, CallKind kind, std::string_view lane_channel) {
  auto& o = impl_->options;
  Result r;
  r.method = std::string(method);
  detail::HttpRequest req;
  req.url = impl_->base_url + r.method;
  req.body = encode_form(params);
  req.headers = {
      o.basic_auth.empty() ? "Authorization: Bearer " + o.token : "Authorization: Basic " + basic(o.basic_auth),
      "Content-Type: application/x-www-form-urlencoded", "Expect:"};
  req.connect_timeout = o.connect_timeout;
  req.timeout = o.timeout;
  req.fresh_connection = kind == CallKind::write;  // never resent by libcurl (see HttpRequest)
  Clock& clock = impl_->limiter->clock();

  for (int attempt = 1;; ++attempt) {
    r = Result{};
    r.method = std::string(method);
    r.attempts = attempt;
    detail::HttpResponse res;
    {
      auto lease = impl_->limiter->acquire(impl_->workspace, method, lane_channel);
      res = impl_->http.post(req);
    }
    impl_->last_headers = res.headers;
    const bool last = attempt >= o.max_attempts;

    if (!res.transport_ok) {
      r.outcome = Outcome::transport_error;
      r.error = log::redact(res.transport_error);
      r.maybe_sent = res.maybe_sent;
      const bool repeatable = kind == CallKind::read || !res.maybe_sent;
      if (!repeatable || last) return r;
      auto wait = impl_->backoff(attempt);
      log::warn(r.describe() + "; retrying in " + std::to_string(wait.count()) + " ms");
      clock.sleep_for(wait);
      continue;
    }
    r.http_status = res.status;
    if (res.status == 429) {
      r.outcome = Outcome::http_error;
      r.error = "ratelimited";
      long seconds = 1;
      if (auto it = res.headers.find("retry-after"); it != res.headers.end())
        seconds = std::max(1L, std::atol(it->second.c_str()));
      r.retry_after = std::chrono::seconds(seconds);
      // Slack answered without acting: waiting and repeating is safe for every kind of call.
      impl_->limiter->block(impl_->workspace, method, lane_channel, std::chrono::seconds(seconds));
      if (last) return r;
      log::info(r.method + " rate limited; waiting " + std::to_string(seconds) + " s as Slack asked");
      continue;
    }
    if (res.status != 200) {
      r.outcome = Outcome::http_error;
      r.error = "http_" + std::to_string(res.status);
      if (res.status >= 500 && kind == CallKind::read && !last) {
        auto wait = impl_->backoff(attempt);
        log::warn(r.describe() + "; retrying in " + std::to_string(wait.count()) + " ms");
        clock.sleep_for(wait);
        continue;
      }
      return r;
    }
    r.body = json::parse(res.body, nullptr, false);
    if (r.body.is_discarded() || !r.body.is_object()) {
      r.outcome = Outcome::http_error;
      r.error = "invalid_json";
      r.body = json();
      return r;
    }
    if (r.body.contains("warning") && r.body["warning"].is_string()) r.warnings.push_back(r.body["warning"]);
    if (r.body.contains("response_metadata") && r.body["response_metadata"].contains("warnings"))
      for (const auto& w : r.body["response_metadata"]["warnings"])
        r.warnings.push_back(w.is_string() ? w.get<std::string>() : w.dump());
    for (const auto& w : r.warnings) log::warn(r.method + ": Slack warns " + w);
    if (r.body.value("ok", false)) {
      r.outcome = Outcome::ok;
      return r;
    }
    r.outcome = Outcome::slack_error;
    r.error = r.body.value("error", std::string("unknown_error"));
    if ((r.error == "ratelimited" || r.error == "rate_limited") && !last) {
      // A refusal of the token, not of one method's lane: the whole workspace waits, and this
      // call (refused, so not acted on) is made again.
      long seconds = 30;
      if (auto it = res.headers.find("retry-after"); it != res.headers.end())
        seconds = std::max(1L, std::atol(it->second.c_str()));
      impl_->limiter->pause_workspace(impl_->workspace, std::chrono::seconds(seconds));
      log::info(r.method + ": Slack refused the token (" + r.error + "); the workspace waits " +
                std::to_string(seconds) + " s");
      continue;
    }
    r.needed = r.body.value("needed", std::string());
    r.provided = r.body.value("provided", std::string());
    return r;
  }
}

Result Client::paginate(std::string_view method, Params params, int limit,
                        const std::function<void(const json&)>& on_page) {
  params.emplace_back("limit", std::to_string(limit));
  std::string cursor;
  for (;;) {
    Params p = params;
    if (!cursor.empty()) p.emplace_back("cursor", cursor);
    Result r = call(method, p);
    if (!r.ok()) return r;
    on_page(r.body);
    cursor.clear();
    if (r.body.contains("response_metadata") && r.body["response_metadata"].is_object()) {
      const json& next = r.body["response_metadata"].value("next_cursor", json());
      if (next.is_string()) cursor = next.get<std::string>();
    }
    if (cursor.empty()) return r;  // empty, null or missing: the end
  }
}

json Client::checked(Result r, std::string_view target) {
  if (!r.ok()) throw SlackError(std::move(r), target);
  return std::move(r.body);
}

json Client::auth_test() {
  json body = checked(call("auth.test", {}));
  if (auto it = impl_->last_headers.find("x-oauth-scopes"); it != impl_->last_headers.end())
    body["scopes"] = it->second;
  return body;
}

std::vector<json> Client::users_list() {
  std::vector<json> out;
  Result r = paginate("users.list", {}, 200, [&](const json& page) {
    for (const auto& m : page.value("members", json::array())) out.push_back(m);
  });
  checked(std::move(r));
  return out;
}

std::vector<json> Client::conversations_list(std::string_view types) {
  std::vector<json> out;
  Result r = paginate("conversations.list", {{"types", std::string(types)}, {"exclude_archived", "false"}}, 200,
                      [&](const json& page) {
                        for (const auto& c : page.value("channels", json::array())) out.push_back(c);
                      });
  checked(std::move(r));
  return out;
}

json Client::conversations_info(std::string_view channel) {
  return checked(call("conversations.info", {{"channel", std::string(channel)}}), channel)["channel"];
}

void Client::conversations_history(std::string_view channel, std::string_view oldest, std::string_view latest,
                                   bool inclusive, const std::function<void(const json&)>& on_page) {
  Params p = {{"channel", std::string(channel)}, {"inclusive", inclusive ? "true" : "false"}};
  if (!oldest.empty()) p.emplace_back("oldest", std::string(oldest));
  if (!latest.empty()) p.emplace_back("latest", std::string(latest));
  checked(paginate("conversations.history", p, impl_->options.history_limit, on_page), channel);
}

void Client::conversations_replies(std::string_view channel, std::string_view thread_ts,
                                   const std::function<void(const json&)>& on_page) {
  checked(paginate("conversations.replies", {{"channel", std::string(channel)}, {"ts", std::string(thread_ts)}},
                   impl_->options.history_limit, on_page),
          channel);
}

json Client::conversations_join(std::string_view channel) {
  return checked(call("conversations.join", {{"channel", std::string(channel)}}, CallKind::read), channel);
}

std::string Client::open_dm(std::string_view user_id) {
  // Opening an open DM returns the same channel, so repeating it is harmless: a read.
  json body = checked(call("conversations.open", {{"users", std::string(user_id)}}, CallKind::read), user_id);
  return body["channel"]["id"].get<std::string>();
}

std::optional<bool> Client::workspace_admin(std::string_view user_id) {
  const auto r = call("users.info", {{"user", std::string(user_id)}});
  if (!r.ok() || !r.body.contains("user") || !r.body["user"].is_object()) return std::nullopt;
  const json& u = r.body["user"];
  return u.value("is_admin", false) || u.value("is_owner", false) || u.value("is_primary_owner", false);
}

json Client::post_message(std::string_view channel, std::string_view text, const json& blocks,
                          std::string_view thread_ts) {
  Params p = {{"channel", std::string(channel)}, {"text", std::string(text)}};
  if (!blocks.is_null()) p.emplace_back("blocks", blocks.dump());
  if (!thread_ts.empty()) p.emplace_back("thread_ts", std::string(thread_ts));
  return checked(call("chat.postMessage", p, CallKind::write, channel), channel);
}

json Client::post_ephemeral(std::string_view channel, std::string_view user, std::string_view text) {
  return checked(call("chat.postEphemeral",
                      {{"channel", std::string(channel)}, {"user", std::string(user)}, {"text", std::string(text)}},
                      CallKind::write),
                 channel);
}

std::string Client::permalink(std::string_view channel, std::string_view message_ts) {
  json body = checked(
      call("chat.getPermalink", {{"channel", std::string(channel)}, {"message_ts", std::string(message_ts)}}), channel);
  return body["permalink"].get<std::string>();
}

json Client::file_info(std::string_view file_id) {
  return checked(call("files.info", {{"file", std::string(file_id)}}), file_id)["file"];
}

UploadResult Client::store(const Upload& up, const std::function<void(const UploadStep&)>& on_step) {
  UploadResult out;
  auto& o = impl_->options;
  Clock& clock = impl_->limiter->clock();
  // Steps 1 and 2. An upload URL that was never completed is discarded by Slack, so a failed
  // bytes POST simply starts over with a fresh URL.
  for (int round = 1;; ++round) {
    Params p = {{"filename", up.filename}, {"length", std::to_string(up.bytes.size())}};
    if (!up.alt_txt.empty()) p.emplace_back("alt_txt", up.alt_txt);
    Result got = call("files.getUploadURLExternal", p, CallKind::read);
    if (!got.ok()) {
      out.failed_step = "getUploadURLExternal";
      out.result = std::move(got);
      return out;
    }
    out.file_id = got.body.value("file_id", std::string());
    const std::string url = got.body.value("upload_url", std::string());
    if (on_step) on_step({UploadStep::got_url, out.file_id});

    detail::HttpRequest req;
    req.url = url;
    req.body = up.bytes;
    // The upload URL needs no token. "Expect:" skips curl's 100-continue round trip.
    req.headers = {"Content-Type: application/octet-stream", "Expect:"};
    req.connect_timeout = o.connect_timeout;
    req.timeout = o.upload_timeout;
    auto res = impl_->http.post(req);
    Result sent;
    sent.method = "upload";
    sent.attempts = round;
    sent.http_status = res.status;
    if (res.transport_ok && res.status == 200) {
      if (on_step) on_step({UploadStep::bytes_sent, out.file_id});
      out.ok = true;
      out.result = std::move(sent);
      return out;
    }
    sent.outcome = res.transport_ok ? Outcome::http_error : Outcome::transport_error;
    sent.error = res.transport_ok ? "http_" + std::to_string(res.status) : log::redact(res.transport_error);
    if (round >= o.max_attempts) {
      out.failed_step = "upload";
      out.result = std::move(sent);
      return out;
    }
    auto wait = impl_->backoff(round);
    log::warn("upload of " + up.filename + " failed (" + sent.error + "); starting over in " +
              std::to_string(wait.count()) + " ms");
    clock.sleep_for(wait);
  }
}

Result Client::share(const std::vector<SharedFile>& list, std::string_view channel_id, std::string_view initial_comment,
                     std::string_view thread_ts) {
  // Step 3: share. Called once per file; never repeated after it may have been received.
  json files = json::array();
  for (const auto& f : list) files.push_back(json{{"id", f.id}, {"title", f.title}});
  Params p = {{"files", files.dump()}, {"channel_id", std::string(channel_id)}};
  if (!initial_comment.empty()) p.emplace_back("initial_comment", std::string(initial_comment));
  if (!thread_ts.empty()) p.emplace_back("thread_ts", std::string(thread_ts));
  Result done = call("files.completeUploadExternal", p, CallKind::write);
  if (done.ok() || list.empty()) return done;
  const bool unknown = (done.outcome == Outcome::transport_error && done.maybe_sent) ||
                       (done.outcome == Outcome::http_error && done.http_status >= 500);
  if (unknown) {
    // The share may have happened. Ask instead of repeating it; sharing is asynchronous, so
    // look a few times before calling the outcome unknown. Files of one message are shared
    // together: the first one tells.
    Clock& clock = impl_->limiter->clock();
    const std::string channel(channel_id);
    for (int look = 0; look < 4; ++look) {
      if (look) clock.sleep_for(std::chrono::seconds(1 << look));
      Result info = call("files.info", {{"file", list.front().id}});
      if (info.ok() && info.body.contains("file") && file_shared_in(info.body["file"], channel)) {
        log::info("files.completeUploadExternal for " + list.front().id +
                  " got no answer, but files.info shows it shared: not repeating it");
        return info;
      }
    }
  }
  return done;
}

void Client::pause(std::chrono::milliseconds how_long) { impl_->limiter->clock().sleep_for(how_long); }

UploadResult Client::upload(const Upload& up, const std::function<void(const UploadStep&)>& on_step) {
  UploadResult out = store(up, on_step);
  if (!out.ok) return out;
  out.ok = false;
  Result done = share({{out.file_id, up.title.empty() ? up.filename : up.title}}, up.channel_id, up.initial_comment,
                      up.thread_ts);
  if (done.ok()) {
    out.ok = true;
    out.result = std::move(done);
    if (on_step) on_step({UploadStep::completed, out.file_id});
    return out;
  }
  out.failed_step = "completeUploadExternal";
  out.result = std::move(done);
  return out;
}

Result Client::legacy_upload(const Upload& up) {
  if (!impl_->options.legacy_upload) {
    Result r;
    r.method = "files.upload";
    r.outcome = Outcome::slack_error;
    r.error = "method_deprecated";
    return r;
  }
  Params p = {{"channels", up.channel_id},
              {"filename", up.filename},
              {"title", up.title},
              {"initial_comment", up.initial_comment},
              {"content", up.bytes}};
  if (!up.thread_ts.empty()) p.emplace_back("thread_ts", up.thread_ts);
  return call("files.upload", p, CallKind::write);
}

}  // namespace paxstats::slack
