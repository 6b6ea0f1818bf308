#pragma once
// Internal to the fake Slack: its state and helpers.
#include "paxstats/slack/fake_slack.hpp"

#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace paxstats::slack::fake {

using Params = std::map<std::string, std::string>;
using Clock = std::chrono::steady_clock;

// Slack's published tiers (requests per minute), held here independently of the client's table.
inline int default_budget(const std::string& method) {
  static const std::unordered_map<std::string, int> budget = {
      {"users.list", 20},
      {"conversations.list", 20},
      {"files.upload", 20},
      {"conversations.history", 50},
      {"conversations.replies", 50},
      {"conversations.info", 50},
      {"conversations.join", 50},
      {"conversations.open", 50},
      {"auth.test", 100},
      {"chat.postEphemeral", 100},
      {"views.publish", 100},
      {"chat.getPermalink", 100},
      {"files.info", 100},
      {"files.getUploadURLExternal", 100},
      {"files.completeUploadExternal", 100},
      {"chat.postMessage", 60},  // per channel: about one a second
  };
  auto it = budget.find(method);
  return it == budget.end() ? 50 : it->second;
}

inline std::string base64(const std::string& in) {
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

inline std::string unbase64(const std::string& in) {
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

inline std::string cursor_for(const std::string& method, size_t offset) {
  return base64(method + ":" + std::to_string(offset));
}

// The offset a cursor stands for; nullopt when it is not one of ours.
inline std::optional<size_t> offset_of(const std::string& method, const std::string& cursor) {
  if (cursor.empty()) return 0;
  std::string s = unbase64(cursor);
  if (s.rfind(method + ":", 0) != 0) return std::nullopt;
  try {
    return std::stoul(s.substr(method.size() + 1));
  } catch (...) {
    return std::nullopt;
  }
}

inline json ok(json body = json::object()) {
  body["ok"] = true;
  return body;
}

inline json fail(const std::string& error) { return json{{"ok", false}, {"error", error}}; }

inline bool truthy(const std::string& v) { return v == "true" || v == "1"; }
inline std::string param(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

// The fake's state and its Web API methods (methods_*.cpp), found by name in a table
// (fake_slack.cpp).
struct FakeSlack::Impl {
  Options options;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  // The handlers of the Web API and of the upload URLs (routes()), and where upload URLs point:
  // this fake's own server, or a FakeFleet's, which calls the handlers itself.
  std::function<void(const httplib::Request&, httplib::Response&)> api, upload;
  std::string upload_base;  // "http://HOST:PORT" (+ a fleet's path prefix)

  mutable std::mutex mu;
  std::map<std::string, User> users;  // by id, in id order
  std::vector<std::string> user_order;
  std::map<std::string, Channel> channels;
  std::vector<std::string> channel_order;
  std::map<std::string, std::vector<json>> messages;  // by channel, sorted by ts
  std::map<std::string, json> home_views;             // by user: the App Home view last published
  std::map<std::string, std::string> dms;             // user id → D id
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
  // OpenID Connect: who signs in, the codes given out (one use each) and the access tokens.
  struct Grant {
    std::string user_id, team_id, nonce, redirect_uri;
  };
  std::string oidc_user, oidc_team;
  std::map<std::string, Grant> oidc_codes, oidc_tokens;
  // Add to Slack (OAuth v2): the codes the authorize page gave out (one use each), the bot tokens
  // the API takes (the workspace's, and rotated ones until they expire), the refresh token.
  struct Install {
    std::string user_id, redirect_uri, scope;
  };
  std::map<std::string, Install> install_codes;
  std::map<std::string, Clock::time_point> bot_tokens;  // token → when it expires (max: never)
  std::string refresh_token, requested_scopes;
  bool bot_token_ok(const std::string& token) {
    const auto it = bot_tokens.find(token);
    return it != bot_tokens.end() && Clock::now() < it->second;
  }
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
    if (b.tokens < 0)
      b.tokens = budget;
    else
      b.tokens = std::min<double>(
          budget,
          b.tokens +
              per_ms * static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(now - b.at).count()) /
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
                {"is_admin", u.is_admin},
                {"is_owner", false},
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

  // The methods, one per Slack method (conversations.history and .replies share one).
  json apps_connections_open(const std::string& method, const Params& p);
  json auth_test(const std::string& method, const Params& p);
  json users_list(const std::string& method, const Params& p);
  json users_info(const std::string& method, const Params& p);
  json openid_token(const Params& p);
  json openid_user_info(const std::string& access_token);
  json oauth_v2_access(const Params& p);
  std::string who_are_you_page(const httplib::Request& req, const std::string& path, const std::string& doing) const;
  json conversations_list(const std::string& method, const Params& p);
  json conversations_info(const std::string& method, const Params& p);
  json conversations_history(const std::string& method, const Params& p);
  json conversations_join(const std::string& method, const Params& p);
  json conversations_open(const std::string& method, const Params& p);
  json chat_postMessage(const std::string& method, const Params& p);
  json chat_postEphemeral(const std::string& method, const Params& p);
  json views_publish(const std::string& method, const Params& p);
  json chat_getPermalink(const std::string& method, const Params& p);
  json files_getUploadURLExternal(const std::string& method, const Params& p);
  json files_completeUploadExternal(const std::string& method, const Params& p);
  json files_info(const std::string& method, const Params& p);
  json files_upload(const std::string& method, const Params& p);
};

}  // namespace paxstats::slack::fake
