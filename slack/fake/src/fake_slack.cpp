#include "paxstats/slack/fake_slack.hpp"

#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace paxstats::slack::fake {
namespace {

using Params = std::map<std::string, std::string>;
using Clock = std::chrono::steady_clock;

// Slack's published tiers (requests per minute), held here independently of the client's table.
int default_budget(const std::string& method) {
  static const std::unordered_map<std::string, int> budget = {
      {"users.list", 20},          {"conversations.list", 20},   {"files.upload", 20},
      {"conversations.history", 50}, {"conversations.replies", 50}, {"conversations.info", 50},
      {"conversations.join", 50},  {"conversations.open", 50},   {"auth.test", 100},
      {"chat.postEphemeral", 100}, {"chat.getPermalink", 100},   {"files.info", 100},
      {"files.getUploadURLExternal", 100}, {"files.completeUploadExternal", 100},
      {"chat.postMessage", 60},  // per channel: about one a second
  };
  auto it = budget.find(method);
  return it == budget.end() ? 50 : it->second;
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(t[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(t[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

std::string unbase64(const std::string& in) {
  static const std::string t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    if (c == '=') break;
    auto pos = t.find(c);
    if (pos == std::string::npos) return {};
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string cursor_for(const std::string& method, size_t offset) { return base64(method + ":" + std::to_string(offset)); }

// The offset a cursor stands for; nullopt when it is not one of ours.
std::optional<size_t> offset_of(const std::string& method, const std::string& cursor) {
  if (cursor.empty()) return 0;
  std::string s = unbase64(cursor);
  if (s.rfind(method + ":", 0) != 0) return std::nullopt;
  try {
    return std::stoul(s.substr(method.size() + 1));
  } catch (...) {
    return std::nullopt;
  }
}

json ok(json body = json::object()) {
  body["ok"] = true;
  return body;
}

json fail(const std::string& error) { return json{{"ok", false}, {"error", error}}; }

bool truthy(const std::string& v) { return v == "true" || v == "1"; }

}  // namespace

struct FakeSlack::Impl {
  Options options;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mu;
  std::map<std::string, User> users;            // by id, in id order
  std::vector<std::string> user_order;
  std::map<std::string, Channel> channels;
  std::vector<std::string> channel_order;
  std::map<std::string, std::vector<json>> messages;  // by channel, sorted by ts
  std::map<std::string, std::string> dms;       // user id → D id
  std::map<std::string, File> files;
  std::vector<std::string> file_order;
  std::vector<Request> log;
  std::vector<Fault> faults;
  std::map<std::string, int> budgets;
  struct Bucket {
    double tokens = -1;
    Clock::time_point at;
  };
  std::map<std::string, Bucket> buckets;
  bool revoked = false;
  long long ts_counter = 0;
  int id_counter = 0;

  std::string next_id(char prefix) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%09d", prefix, ++id_counter);
    return buf;
  }

  std::string next_ts() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    long long secs = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%06lld", secs, ++ts_counter % 1000000);
    return buf;
  }

  // Token bucket per key: a burst of `budget`, refilled at budget per window.
  std::optional<int> take(const std::string& key, int budget) {
    auto now = Clock::now();
    Bucket& b = buckets[key];
    const double per_ms = static_cast<double>(budget) / static_cast<double>(options.window.count());
    if (b.tokens < 0) b.tokens = budget;
    else
      b.tokens = std::min<double>(budget, b.tokens + per_ms * static_cast<double>(
                                                          std::chrono::duration_cast<std::chrono::microseconds>(now - b.at).count()) /
                                                          1000.0);
    b.at = now;
    if (b.tokens >= 1.0) {
      b.tokens -= 1.0;
      return std::nullopt;
    }
    const double wait_ms = (1.0 - b.tokens) / per_ms;
    return std::max(1, static_cast<int>(std::ceil(wait_ms / 1000.0)));
  }

  std::optional<Fault> next_fault(const std::string& method, const Params& p) {
    for (auto it = faults.begin(); it != faults.end(); ++it) {
      if (it->method != method) continue;
      if (!it->channel.empty()) {
        auto c = p.find("channel");
        auto c2 = p.find("channel_id");
        bool match = (c != p.end() && c->second == it->channel) || (c2 != p.end() && c2->second == it->channel);
        if (!match) continue;
      }
      if (it->after > 0) {
        --it->after;
        return std::nullopt;
      }
      Fault f = *it;
      if (--it->times <= 0) faults.erase(it);
      return f;
    }
    return std::nullopt;
  }

  json user_json(const User& u) const {
    return json{{"id", u.id},
                {"team_id", options.team_id},
                {"name", u.name},
                {"deleted", u.deleted},
                {"real_name", u.real_name},
                {"is_bot", u.is_bot},
                {"tz", "America/Chicago"},
                {"profile", json{{"real_name", u.real_name}, {"display_name", u.display_name}}}};
  }

  json channel_json(const Channel& c) const {
    json j = {{"id", c.id},
              {"name", c.name},
              {"is_channel", !c.is_private && !c.is_im},
              {"is_group", c.is_private},
              {"is_im", c.is_im},
              {"is_private", c.is_private || c.is_im},
              {"is_archived", c.is_archived},
              {"is_member", c.members.count(options.bot_user_id) > 0},
              {"created", c.created},
              {"num_members", c.members.size()}};
    if (c.is_im) j["user"] = c.im_user;
    return j;
  }

  // The channel a message may be posted to; U… means the user's DM. Sets error on failure.
  Channel* postable(const std::string& id, std::string& error) {
    std::string cid = id;
    if (!id.empty() && id[0] == 'U') {
      if (!users.count(id)) {
        error = "channel_not_found";
        return nullptr;
      }
      cid = open_dm(id);
    }
    auto it = channels.find(cid);
    if (it == channels.end()) {
      error = "channel_not_found";
      return nullptr;
    }
    Channel& c = it->second;
    if (c.is_archived) {
      error = "is_archived";
      return nullptr;
    }
    if (!c.is_im && !c.members.count(options.bot_user_id)) {
      error = "not_in_channel";
      return nullptr;
    }
    return &c;
  }

  std::string open_dm(const std::string& user) {
    auto it = dms.find(user);
    if (it != dms.end()) return it->second;
    Channel dm;
    dm.id = next_id('D');
    dm.is_im = true;
    dm.im_user = user;
    dm.members = {user, options.bot_user_id};
    channels[dm.id] = dm;
    channel_order.push_back(dm.id);
    dms[user] = dm.id;
    return dm.id;
  }

  void store_message(const std::string& channel, json m) {
    auto& list = messages[channel];
    const std::string ts = m["ts"];
    auto pos = std::upper_bound(list.begin(), list.end(), ts,
                                [](const std::string& t, const json& x) { return t < x["ts"].get<std::string>(); });
    list.insert(pos, std::move(m));
  }

  int page_limit(const Params& p, int fallback, int max) {
    auto it = p.find("limit");
    int limit = fallback;
    if (it != p.end() && !it->second.empty()) {
      try {
        limit = std::stoi(it->second);
      } catch (...) {
        return -1;
      }
      if (limit <= 0) limit = fallback;
    }
    return std::min(limit, max);
  }

  // Pages `items` from the cursor in p; fills key and response_metadata; false on a bad cursor.
  bool page(const std::string& method, const Params& p, const std::vector<json>& items, int limit, const char* key,
            json& out) {
    auto c = p.find("cursor");
    auto offset = offset_of(method, c == p.end() ? "" : c->second);
    if (!offset) return false;
    json arr = json::array();
    size_t i = *offset;
    for (; i < items.size() && arr.size() < static_cast<size_t>(limit); ++i) arr.push_back(items[i]);
    out[key] = arr;
    out["response_metadata"] = json{{"next_cursor", i < items.size() ? cursor_for(method, i) : ""}};
    if (std::string(key) == "messages") out["has_more"] = i < items.size();
    return true;
  }

  json dispatch(const std::string& method, const Params& p);
};

FakeSlack::FakeSlack() : FakeSlack(Options{}) {}

FakeSlack::FakeSlack(Options options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->options = options_;
  add_user({options_.bot_user_id, "paxstats", "paxstats", "paxstats", false, true});
}

FakeSlack::~FakeSlack() { stop(); }

namespace {
std::string param(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}
}  // namespace

json FakeSlack::Impl::dispatch(const std::string& method, const Params& p) {
  if (method == "apps.connections.open") {
    if (options.socket_mode_url.empty()) return fail("not_allowed_token_type");
    return ok({{"url", options.socket_mode_url}});
  }
  if (method == "auth.test")
    return ok({{"url", "https://fake.slack.com/"},
               {"team", options.team_name},
               {"user", "paxstats"},
               {"team_id", options.team_id},
               {"user_id", options.bot_user_id},
               {"bot_id", options.bot_id},
               {"is_enterprise_install", false}});

  if (method == "users.list") {
    int limit = page_limit(p, 100, 1000);
    std::vector<json> all;
    for (const auto& id : user_order) all.push_back(user_json(users.at(id)));
    json out = ok();
    if (!page(method, p, all, limit, "members", out)) return fail("invalid_cursor");
    return out;
  }

  if (method == "conversations.list") {
    int limit = page_limit(p, 100, 999);
    if (p.count("limit") && param(p, "limit") != "" && std::atoi(param(p, "limit").c_str()) >= 1000) return fail("invalid_limit");
    std::string types = param(p, "types");
    if (types.empty()) types = "public_channel";
    const bool exclude_archived = truthy(param(p, "exclude_archived"));
    std::vector<json> all;
    for (const auto& id : channel_order) {
      const Channel& c = channels.at(id);
      const char* type = c.is_im ? "im" : c.is_private ? "private_channel" : "public_channel";
      if (types.find(type) == std::string::npos) continue;
      if (exclude_archived && c.is_archived) continue;
      all.push_back(channel_json(c));
    }
    json out = ok();
    if (!page(method, p, all, limit, "channels", out)) return fail("invalid_cursor");
    return out;
  }

  if (method == "conversations.info") {
    auto it = channels.find(param(p, "channel"));
    if (it == channels.end()) return fail("channel_not_found");
    return ok({{"channel", channel_json(it->second)}});
  }

  if (method == "conversations.history" || method == "conversations.replies") {
    auto it = channels.find(param(p, "channel"));
    if (it == channels.end()) return fail("channel_not_found");
    if (!it->second.is_im && !it->second.members.count(options.bot_user_id)) return fail("not_in_channel");
    const int max = options.nonmarketplace_history ? 15 : 999;
    int limit = page_limit(p, options.nonmarketplace_history ? 15 : 100, max);
    if (limit < 0) return fail("invalid_limit");
    std::vector<json> selected;
    const auto& list = messages[it->first];
    if (method == "conversations.history") {
      const std::string oldest = param(p, "oldest"), latest = param(p, "latest");
      const bool inclusive = truthy(param(p, "inclusive"));
      for (auto m = list.rbegin(); m != list.rend(); ++m) {
        const std::string ts = (*m)["ts"];
        const std::string thread_ts = m->value("thread_ts", std::string());
        if (!thread_ts.empty() && thread_ts != ts && m->value("subtype", "") != "thread_broadcast") continue;
        if (!oldest.empty() && (inclusive ? ts < oldest : ts <= oldest)) continue;
        if (!latest.empty() && (inclusive ? ts > latest : ts >= latest)) continue;
        selected.push_back(*m);
      }
    } else {
      const std::string ts = param(p, "ts");
      bool found = false;
      for (const auto& m : list) {
        if (m["ts"] == ts) found = true;
        if (m["ts"] == ts || m.value("thread_ts", std::string()) == ts) selected.push_back(m);
      }
      if (!found) return fail("thread_not_found");
    }
    json out = ok();
    if (!page(method, p, selected, limit, "messages", out)) return fail("invalid_cursor");
    return out;
  }

  if (method == "conversations.join") {
    auto it = channels.find(param(p, "channel"));
    if (it == channels.end()) return fail("channel_not_found");
    Channel& c = it->second;
    if (c.is_private || c.is_im) return fail("method_not_supported_for_channel_type");
    if (c.is_archived) return fail("is_archived");
    json out = ok();
    if (c.members.count(options.bot_user_id)) out["warning"] = "already_in_channel";
    c.members.insert(options.bot_user_id);
    out["channel"] = channel_json(c);
    return out;
  }

  if (method == "conversations.open") {
    const std::string user = param(p, "users");
    if (user.empty()) return fail("users_list_not_supplied");
    if (user.find(',') != std::string::npos) return fail("not_implemented_in_fake");
    auto it = users.find(user);
    if (it == users.end()) return fail("user_not_found");
    if (it->second.deleted) return fail("user_disabled");
    const bool already = dms.count(user) > 0;
    json out = ok({{"channel", json{{"id", open_dm(user)}}}});
    if (already) out["already_open"] = true;
    return out;
  }

  if (method == "chat.postMessage") {
    std::string error;
    Channel* c = postable(param(p, "channel"), error);
    if (!c) return fail(error);
    if (param(p, "text").empty() && param(p, "blocks").empty()) return fail("no_text");
    json m = {{"type", "message"}, {"user", options.bot_user_id}, {"bot_id", options.bot_id}, {"text", param(p, "text")},
              {"ts", next_ts()}};
    if (!param(p, "blocks").empty()) m["blocks"] = json::parse(param(p, "blocks"), nullptr, false);
    if (!param(p, "thread_ts").empty()) m["thread_ts"] = param(p, "thread_ts");
    store_message(c->id, m);
    return ok({{"channel", c->id}, {"ts", m["ts"]}, {"message", m}});
  }

  if (method == "chat.postEphemeral") {
    std::string error;
    Channel* c = postable(param(p, "channel"), error);
    if (!c) return fail(error);
    if (!c->is_im && !c->members.count(param(p, "user"))) return fail("user_not_in_channel");
    return ok({{"message_ts", next_ts()}});
  }

  if (method == "chat.getPermalink") {
    const std::string cid = param(p, "channel"), ts = param(p, "message_ts");
    if (!channels.count(cid)) return fail("channel_not_found");
    for (const auto& m : messages[cid])
      if (m["ts"] == ts) {
        std::string digits = ts;
        digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
        return ok({{"channel", cid}, {"permalink", "https://fake.slack.com/archives/" + cid + "/p" + digits}});
      }
    return fail("message_not_found");
  }

  if (method == "files.getUploadURLExternal") {
    const std::string filename = param(p, "filename"), length = param(p, "length");
    if (filename.empty() || length.empty()) return fail("invalid_arguments");
    long long n = 0;
    try {
      n = std::stoll(length);
    } catch (...) {
      return fail("invalid_arguments");
    }
    if (n <= 0) return fail("missing_argument");
    if (param(p, "alt_txt").size() > 1000) return fail("alt_txt_too_large");
    File f;
    f.id = next_id('F');
    f.filename = filename;
    f.alt_txt = param(p, "alt_txt");
    f.length = static_cast<size_t>(n);
    files[f.id] = f;
    file_order.push_back(f.id);
    return ok({{"upload_url", "http://" + options.host + ":" + std::to_string(port) + "/upload/v1/" + f.id},
               {"file_id", f.id}});
  }

  if (method == "files.completeUploadExternal") {
    json list = json::parse(param(p, "files"), nullptr, false);
    if (!list.is_array() || list.empty()) return fail("invalid_arguments");
    for (const auto& entry : list) {
      auto it = files.find(entry.value("id", std::string()));
      if (it != files.end()) ++it->second.complete_calls;
    }
    for (const auto& entry : list) {
      auto it = files.find(entry.value("id", std::string()));
      // Once per file: a completed file's ticket is gone.
      if (it == files.end() || !it->second.uploaded || it->second.completed) return fail("file_not_found");
    }
    const std::string channel = param(p, "channel_id");
    Channel* c = nullptr;
    if (!channel.empty()) {
      std::string error;
      c = postable(channel, error);
      if (!c) return fail(error);
    }
    json out_files = json::array();
    json shared = json::array();
    for (const auto& entry : list) {
      File& f = files.at(entry["id"].get<std::string>());
      f.completed = true;
      f.title = entry.value("title", f.filename);
      f.channel_id = c ? c->id : "";
      f.initial_comment = param(p, "initial_comment");
      f.thread_ts = param(p, "thread_ts");
      out_files.push_back(json{{"id", f.id}, {"title", f.title}, {"name", f.filename}});
      shared.push_back(json{{"id", f.id}, {"name", f.filename}, {"title", f.title}});
    }
    if (c) {
      json m = {{"type", "message"}, {"subtype", "file_share"}, {"user", options.bot_user_id},
                {"text", param(p, "initial_comment")}, {"files", shared}, {"ts", next_ts()}};
      if (!param(p, "thread_ts").empty()) m["thread_ts"] = param(p, "thread_ts");
      for (const auto& entry : list) files.at(entry["id"].get<std::string>()).share_ts = m["ts"];
      store_message(c->id, m);
    }
    return ok({{"files", out_files}});
  }

  if (method == "files.info") {
    auto it = files.find(param(p, "file"));
    if (it == files.end() || !it->second.completed) return fail("file_not_found");
    const File& f = it->second;
    json file = {{"id", f.id}, {"name", f.filename}, {"title", f.title}, {"size", f.length}, {"alt_txt", f.alt_txt}};
    json channels_list = json::array(), ims = json::array(), shares = json::object();
    if (!f.channel_id.empty()) {
      const Channel& c = channels.at(f.channel_id);
      (c.is_im ? ims : channels_list).push_back(c.id);
      shares[c.is_private || c.is_im ? "private" : "public"][c.id] = json::array({json{{"ts", f.share_ts}}});
    }
    file["channels"] = channels_list;
    file["ims"] = ims;
    file["groups"] = json::array();
    file["shares"] = shares;
    return ok({{"file", file}});
  }

  if (method == "files.upload") return fail("method_deprecated");

  return fail("unknown_method");
}

void FakeSlack::start() {
  auto& s = impl_->server;
  s.set_keep_alive_max_count(1000000);
  s.set_tcp_nodelay(true);  // headers and body go out in separate writes: no Nagle delay between them
  s.set_keep_alive_timeout(30);

  auto api = [this](const httplib::Request& req, httplib::Response& res) {
    const std::string method = req.matches[1];
    Params p;
    for (const auto& [k, v] : req.params) p[k] = v;  // query string (and form bodies httplib parsed)
    const std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) == 0) {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_object())
        for (auto& [k, v] : body.items()) p[k] = v.is_string() ? v.get<std::string>() : v.dump();
    } else if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
      httplib::Params form;
      httplib::detail::parse_query_text(req.body, form);
      for (const auto& [k, v] : form) p[k] = v;
    }
    std::string token;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) token = auth.substr(7);
    else if (p.count("token")) token = p["token"];

    const bool app_method = method == "apps.connections.open";  // app-level token, in the header only
    if (app_method && auth.rfind("Bearer ", 0) != 0) token.clear();
    const std::string& expected = app_method ? options_.app_token : options_.token;
    Request rec{method, p, token == expected, 200, ""};
    std::optional<Fault> fault;
    json answer;
    {
      std::lock_guard lock(impl_->mu);
      fault = impl_->next_fault(method, p);
      std::optional<int> retry;
      if (fault && fault->kind == Fault::rate_limit) retry = fault->retry_after;
      if (token.empty()) answer = fail(app_method ? "missing_args" : "not_authed");
      else if (token != expected) answer = fail("invalid_auth");
      else if (impl_->revoked) answer = fail("token_revoked");
      else if (fault && fault->kind == Fault::http_500) rec.http_status = 500;
      else if (fault && fault->kind == Fault::drop_before) rec.error = "dropped before acting";
      else if (fault && fault->kind == Fault::slack_error) {
        answer = fail(fault->error);
        if (fault->error == "missing_scope") {  // Slack names the scope it wanted and those the token has
          answer["needed"] = fault->needed;
          answer["provided"] = options_.scopes;
        }
      }
      else {
        if (!retry && options_.enforce_budgets) {
          int budget = impl_->budgets.count(method) ? impl_->budgets[method] : default_budget(method);
          if (options_.nonmarketplace_history && (method == "conversations.history" || method == "conversations.replies"))
            budget = impl_->budgets.count(method) ? impl_->budgets[method] : 1;
          std::string key = method;
          if (method == "chat.postMessage") key += "|" + p["channel"];
          retry = impl_->take(key, budget);
        }
        if (retry) rec.http_status = 429;
        else answer = impl_->dispatch(method, p);
      }
      if (rec.http_status == 429) {
        res.set_header("Retry-After", std::to_string(*retry));
        answer = fail("ratelimited");
      }
      if (answer.is_object() && !answer.value("ok", true)) rec.error = answer.value("error", "");
      impl_->log.push_back(rec);
    }
    res.set_header("X-OAuth-Scopes", options_.scopes);
    if (rec.http_status == 500) {
      res.status = 500;
      res.set_content("Internal Server Error", "text/plain");
      return;
    }
    res.status = rec.http_status;
    if (fault && fault->kind == Fault::slow) std::this_thread::sleep_for(fault->delay);
    if (fault && (fault->kind == Fault::drop_connection || fault->kind == Fault::drop_before)) {
      // Acted on; the answer never arrives in full.
      res.set_chunked_content_provider("application/json", [](size_t, httplib::DataSink&) { return false; });
      return;
    }
    res.set_content(answer.dump(), "application/json; charset=utf-8");
  };
  s.Post(R"(/api/([A-Za-z.]+))", api);
  s.Get(R"(/api/([A-Za-z.]+))", api);

  s.Post(R"(/upload/v1/(F[0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(impl_->mu);
    const std::string id = req.matches[1];
    Request rec{"upload", {{"file", id}, {"bytes", std::to_string(req.body.size())}}, true, 200, ""};
    auto it = impl_->files.find(id);
    std::string bytes = req.body;
    if (req.is_multipart_form_data() && !req.files.empty()) bytes = req.files.begin()->second.content;
    auto fault = impl_->next_fault("upload", {});
    if (fault && fault->kind == Fault::http_500) rec.http_status = 500;  // bytes not stored
    else if (it == impl_->files.end() || it->second.completed) rec.http_status = 404;
    else if (bytes.size() != it->second.length) rec.http_status = 400;  // must match the announced length
    else {
      it->second.bytes = bytes;
      it->second.uploaded = true;
    }
    impl_->log.push_back(rec);
    res.status = rec.http_status;
    res.set_content(rec.http_status == 200 ? "OK - " + std::to_string(bytes.size()) : "upload refused", "text/plain");
  });

  if (options_.port > 0) impl_->port = s.bind_to_port(options_.host, options_.port) ? options_.port : -1;
  else impl_->port = s.bind_to_any_port(options_.host);
  if (impl_->port <= 0)
    throw std::runtime_error("fake Slack could not listen on " + options_.host +
                             (options_.port > 0 ? ":" + std::to_string(options_.port) + " (in use?)" : ""));
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeSlack::stop() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

int FakeSlack::port() const { return impl_->port; }
std::string FakeSlack::base_url() const { return "http://" + options_.host + ":" + std::to_string(impl_->port) + "/api/"; }

void FakeSlack::add_user(User user) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->users.count(user.id)) impl_->user_order.push_back(user.id);
  impl_->users[user.id] = std::move(user);
}

void FakeSlack::add_channel(Channel channel) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->channels.count(channel.id)) impl_->channel_order.push_back(channel.id);
  impl_->channels[channel.id] = std::move(channel);
}

void FakeSlack::add_message(const std::string& channel_id, json message) {
  std::lock_guard lock(impl_->mu);
  impl_->store_message(channel_id, std::move(message));
}

void FakeSlack::set_member(const std::string& channel_id, const std::string& user_id, bool member) {
  std::lock_guard lock(impl_->mu);
  auto& m = impl_->channels.at(channel_id).members;
  if (member) m.insert(user_id);
  else m.erase(user_id);
}

void FakeSlack::set_archived(const std::string& channel_id, bool archived) {
  std::lock_guard lock(impl_->mu);
  impl_->channels.at(channel_id).is_archived = archived;
}

void FakeSlack::revoke_token() {
  std::lock_guard lock(impl_->mu);
  impl_->revoked = true;
}

void FakeSlack::load_export(const std::filesystem::path& dir) {
  auto load = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) return json::array();
    json j = json::parse(in, nullptr, false);
    return j.is_discarded() ? json::array() : j;
  };
  for (const auto& u : load(dir / "users.json")) {
    // The export's workspace is the one the fake serves: auth.test answers its team_id, as
    // Slack answers for the workspace a token belongs to.
    if (u.contains("team_id") && u["team_id"].is_string() && !u["team_id"].get<std::string>().empty()) {
      std::lock_guard lock(impl_->mu);
      options_.team_id = impl_->options.team_id = u["team_id"].get<std::string>();
    }
    const json profile = u.value("profile", json::object());
    add_user({u.value("id", ""), u.value("name", ""), u.value("real_name", ""), profile.value("display_name", ""),
              u.value("deleted", false), u.value("is_bot", false)});
  }
  for (const char* file : {"channels.json", "groups.json"}) {
    for (const auto& c : load(dir / file)) {
      Channel ch;
      ch.id = c.value("id", "");
      ch.name = c.value("name", "");
      ch.is_private = std::string(file) == "groups.json";
      ch.is_archived = c.value("is_archived", false);
      ch.created = c.value("created", 0LL);
      for (const auto& m : c.value("members", json::array())) ch.members.insert(m.get<std::string>());
      ch.members.insert(options_.bot_user_id);
      add_channel(ch);
      std::error_code ec;
      for (const auto& day : std::filesystem::directory_iterator(dir / ch.name, ec))
        for (auto& m : load(day.path())) add_message(ch.id, m);
    }
  }
}

void FakeSlack::set_budget(const std::string& method, int per_window) {
  std::lock_guard lock(impl_->mu);
  impl_->budgets[method] = per_window;
}

void FakeSlack::inject(Fault fault) {
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(std::move(fault));
}

std::vector<FakeSlack::Request> FakeSlack::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->log;
}

int FakeSlack::calls(const std::string& method) const {
  std::lock_guard lock(impl_->mu);
  return static_cast<int>(std::count_if(impl_->log.begin(), impl_->log.end(), [&](const Request& r) { return r.method == method; }));
}

std::vector<FakeSlack::File> FakeSlack::files() const {
  std::lock_guard lock(impl_->mu);
  std::vector<File> out;
  for (const auto& id : impl_->file_order) out.push_back(impl_->files.at(id));
  return out;
}

std::vector<json> FakeSlack::messages(const std::string& channel_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->messages.find(channel_id);
  return it == impl_->messages.end() ? std::vector<json>{} : it->second;
}

std::string FakeSlack::dm_channel(const std::string& user_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->dms.find(user_id);
  return it == impl_->dms.end() ? "" : it->second;
}

}  // namespace paxstats::slack::fake
