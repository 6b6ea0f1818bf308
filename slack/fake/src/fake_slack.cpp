// The fake Slack's server: HTTP, tokens, rate limits, faults; the methods are in methods_*.cpp.
#include "state.hpp"

#include <httplib.h>

#include <fstream>
#include <sstream>

namespace paxstats::slack::fake {

FakeSlack::FakeSlack() : FakeSlack(Options{}) {}

FakeSlack::FakeSlack(Options options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->options = options_;
  impl_->bot_tokens[options_.token] = Clock::time_point::max();
  add_user({options_.bot_user_id, "paxstats", "paxstats", "paxstats", false, true});
}

FakeSlack::~FakeSlack() { stop(); }

json FakeSlack::Impl::dispatch(const std::string& method, const Params& p) {
  using Method = json (Impl::*)(const std::string&, const Params&);
  static const std::map<std::string, Method> methods = {
      {"apps.connections.open", &FakeSlack::Impl::apps_connections_open},
      {"auth.test", &FakeSlack::Impl::auth_test},
      {"users.list", &FakeSlack::Impl::users_list},
      {"users.info", &FakeSlack::Impl::users_info},
      {"conversations.list", &FakeSlack::Impl::conversations_list},
      {"conversations.info", &FakeSlack::Impl::conversations_info},
      {"conversations.history", &FakeSlack::Impl::conversations_history},
      {"conversations.replies", &FakeSlack::Impl::conversations_history},
      {"conversations.join", &FakeSlack::Impl::conversations_join},
      {"conversations.open", &FakeSlack::Impl::conversations_open},
      {"chat.postMessage", &FakeSlack::Impl::chat_postMessage},
      {"chat.postEphemeral", &FakeSlack::Impl::chat_postEphemeral},
      {"views.publish", &FakeSlack::Impl::views_publish},
      {"chat.getPermalink", &FakeSlack::Impl::chat_getPermalink},
      {"files.getUploadURLExternal", &FakeSlack::Impl::files_getUploadURLExternal},
      {"files.completeUploadExternal", &FakeSlack::Impl::files_completeUploadExternal},
      {"files.info", &FakeSlack::Impl::files_info},
      {"files.upload", &FakeSlack::Impl::files_upload},
  };
  const auto it = methods.find(method);
  return it == methods.end() ? fail("unknown_method") : (this->*(it->second))(method, p);
}

// The fake's "who are you?" page (a browser at the fake with nobody named): the workspace's
// people, each a link back to `path` with as=USER. Called with the lock held.
std::string FakeSlack::Impl::who_are_you_page(const httplib::Request& req, const std::string& path,
                                              const std::string& doing) const {
  auto esc = [](const std::string& t) {
    std::string o;
    for (char c : t)
      o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
    return o;
  };
  std::string query;
  for (const auto& [k, v] : req.params)
    if (k != "as") query += (query.empty() ? "" : "&") + k + "=" + httplib::detail::encode_query_param(v);
  std::string page =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fake Slack: who are you?</title>"
      "</head><body><h1>Fake Slack: who are you?</h1><p>This is paxstats-fake-slack, not Slack: pick a person of " +
      esc(options.team_name) + " to " + esc(doing) + " it as.</p><ul>";
  int shown = 0;
  for (const auto& [id, u] : users) {
    if (u.deleted || u.is_bot || ++shown > 200) continue;
    const std::string name = !u.display_name.empty() ? u.display_name : !u.real_name.empty() ? u.real_name : u.name;
    page += "<li><a href=\"" + path + "?" + esc(query) + "&amp;as=" + esc(id) + "\">" + esc(name) + "</a> (" + esc(id) +
            (u.is_admin ? ", admin" : "") + ")</li>";
  }
  return page + "</ul></body></html>";
}

void FakeSlack::start() {
  routes();
  auto& s = impl_->server;
  if (options_.port > 0)
    impl_->port = s.bind_to_port(options_.host, options_.port) ? options_.port : -1;
  else
    impl_->port = s.bind_to_any_port(options_.host);
  if (impl_->port <= 0)
    throw std::runtime_error("fake Slack could not listen on " + options_.host +
                             (options_.port > 0 ? ":" + std::to_string(options_.port) + " (in use?)" : ""));
  impl_->upload_base = "http://" + options_.host + ":" + std::to_string(impl_->port);
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeSlack::routes() {
  auto& s = impl_->server;
  s.set_keep_alive_max_count(1000000);
  s.set_tcp_nodelay(true);  // headers and body go out in separate writes: no Nagle delay between them
  s.set_keep_alive_timeout(30);
  s.new_task_queue = [n = static_cast<size_t>(std::max(1, options_.threads))] { return new httplib::ThreadPool(n); };

  impl_->api = [this](const httplib::Request& req, httplib::Response& res) {
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
    if (auth.rfind("Bearer ", 0) == 0)
      token = auth.substr(7);
    else if (p.count("token"))
      token = p["token"];

    // Sign in with Slack: the token method takes the app's credentials, userInfo the person's
    // access token; neither takes the bot token.
    if (method == "openid.connect.token" || method == "openid.connect.userInfo" || method == "oauth.v2.access") {
      // oauth.v2.access takes the app's credentials as form fields or as HTTP Basic auth.
      // (The log below keeps what came as fields: Basic credentials are the header's.)
      Params with_app = p;
      if (method == "oauth.v2.access" && auth.rfind("Basic ", 0) == 0) {
        const std::string pair = unbase64(auth.substr(6));
        if (const auto colon = pair.find(':'); colon != std::string::npos) {
          with_app["client_id"] = pair.substr(0, colon);
          with_app["client_secret"] = pair.substr(colon + 1);
        }
      }
      json answer;
      {
        std::lock_guard lock(impl_->mu);
        answer = method == "openid.connect.token" ? impl_->openid_token(p)
                 : method == "oauth.v2.access"    ? impl_->oauth_v2_access(with_app)
                                                  : impl_->openid_user_info(auth.rfind("Bearer ", 0) == 0 ? token : "");
        impl_->log.push_back({method, p, true, 200, answer.value("ok", false) ? "" : answer.value("error", "")});
      }
      res.set_content(answer.dump(), "application/json; charset=utf-8");
      return;
    }
    const bool app_method = method == "apps.connections.open";  // app-level token, in the header only
    if (app_method && auth.rfind("Bearer ", 0) != 0) token.clear();
    Request rec{method, p, false, 200, ""};
    std::optional<Fault> fault;
    json answer;
    {
      std::lock_guard lock(impl_->mu);
      rec.authorized = app_method ? token == options_.app_token : impl_->bot_token_ok(token);
      fault = impl_->next_fault(method, p);
      std::optional<int> retry;
      if (fault && fault->kind == Fault::rate_limit) retry = fault->retry_after;
      if (token.empty())
        answer = fail(app_method ? "missing_args" : "not_authed");
      else if (!rec.authorized)
        answer =
            fail(!app_method && token.rfind("xoxe.xoxb-", 0) == 0 && impl_->bot_tokens.count(token) ? "token_expired"
                                                                                                    : "invalid_auth");
      else if (impl_->revoked)
        answer = fail("token_revoked");
      else if (fault && fault->kind == Fault::http_500)
        rec.http_status = 500;
      else if (fault && fault->kind == Fault::drop_before)
        rec.error = "dropped before acting";
      else if (fault && fault->kind == Fault::slack_error) {
        answer = fail(fault->error);
        if (fault->error == "missing_scope") {  // Slack names the scope it wanted and those the token has
          answer["needed"] = fault->needed;
          answer["provided"] = options_.scopes;
        }
      } else {
        if (!retry && options_.enforce_budgets) {
          int budget = impl_->budgets.count(method) ? impl_->budgets[method] : default_budget(method);
          if (options_.nonmarketplace_history &&
              (method == "conversations.history" || method == "conversations.replies"))
            budget = impl_->budgets.count(method) ? impl_->budgets[method] : 1;
          std::string key = method;
          if (method == "chat.postMessage") key += "|" + p["channel"];
          retry = impl_->take(key, budget);
        }
        if (retry)
          rec.http_status = 429;
        else
          answer = impl_->dispatch(method, p);
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
  s.Post(R"(/api/([A-Za-z0-9.]+))", impl_->api);
  s.Get(R"(/api/([A-Za-z0-9.]+))", impl_->api);

  // Slack's authorize page, where the person says yes: the fake signs in whoever sign_in_as()
  // named and sends the browser back to redirect_uri with a one-use code and the state.
  // In a browser with nobody named (the local fake), it asks who you are: a list of the
  // workspace's people, each a link back here with as=USER. Only ever a fake's page.
  s.Get("/openid/connect/authorize", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(impl_->mu);
    const std::string redirect = req.get_param_value("redirect_uri");
    if (req.get_param_value("client_id") != options_.client_id || redirect.empty() ||
        req.get_param_value("response_type") != "code" ||
        req.get_param_value("scope").find("openid") == std::string::npos) {
      res.status = 400;
      res.set_content("fake Slack: bad authorize request", "text/plain");
      return;
    }
    std::string user = impl_->oidc_user, team = impl_->oidc_team;
    if (const std::string as = req.get_param_value("as"); !as.empty() && impl_->users.count(as)) {
      user = as;
      team.clear();
    }
    if (user.empty()) {
      res.set_content(impl_->who_are_you_page(req, "/openid/connect/authorize", "sign in to"),
                      "text/html; charset=utf-8");
      return;
    }
    const std::string code = "code-" + std::to_string(++impl_->id_counter) + "-" + user;
    impl_->oidc_codes[code] = {user, team.empty() ? options_.team_id : team, req.get_param_value("nonce"), redirect};
    impl_->log.push_back({"openid.connect.authorize", {{"state", req.get_param_value("state")}}, true, 302, ""});
    res.status = 302;
    res.set_header("Location", redirect + (redirect.find('?') == std::string::npos ? "?" : "&") +
                                   "code=" + httplib::detail::encode_query_param(code) +
                                   "&state=" + httplib::detail::encode_query_param(req.get_param_value("state")));
  });

  // Add to Slack: Slack's OAuth v2 authorize page. Whoever sign_in_as() named (or picks
  // themselves on the page, as above) approves the install; the browser goes back to
  // redirect_uri with a one-use code and the state.
  s.Get("/oauth/v2/authorize", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(impl_->mu);
    const std::string redirect = req.get_param_value("redirect_uri");
    if (req.get_param_value("client_id") != options_.client_id || redirect.empty() ||
        req.get_param_value("scope").empty()) {
      res.status = 400;
      res.set_content("fake Slack: bad install request (client_id, scope and redirect_uri are required)", "text/plain");
      return;
    }
    impl_->requested_scopes = req.get_param_value("scope");
    std::string user = impl_->oidc_user;
    if (const std::string as = req.get_param_value("as"); !as.empty() && impl_->users.count(as)) user = as;
    if (user.empty()) {
      res.set_content(impl_->who_are_you_page(req, "/oauth/v2/authorize", "install paxstats into"),
                      "text/html; charset=utf-8");
      return;
    }
    const std::string code = "v2code-" + std::to_string(++impl_->id_counter) + "-" + user;
    impl_->install_codes[code] = {user, redirect, req.get_param_value("scope")};
    impl_->log.push_back({"oauth.v2.authorize", {{"state", req.get_param_value("state")}}, true, 302, ""});
    res.status = 302;
    res.set_header("Location", redirect + (redirect.find('?') == std::string::npos ? "?" : "&") +
                                   "code=" + httplib::detail::encode_query_param(code) +
                                   "&state=" + httplib::detail::encode_query_param(req.get_param_value("state")));
  });

  impl_->upload = [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(impl_->mu);
    const std::string id = req.path.substr(req.path.rfind('/') + 1);  // …/upload/v1/F123
    Request rec{"upload", {{"file", id}, {"bytes", std::to_string(req.body.size())}}, true, 200, ""};
    auto it = impl_->files.find(id);
    std::string bytes = req.body;
    if (req.is_multipart_form_data() && !req.files.empty()) bytes = req.files.begin()->second.content;
    auto fault = impl_->next_fault("upload", {});
    if (fault && fault->kind == Fault::http_500)
      rec.http_status = 500;  // bytes not stored
    else if (it == impl_->files.end() || it->second.completed)
      rec.http_status = 404;
    else if (bytes.size() != it->second.length)
      rec.http_status = 400;  // must match the announced length
    else {
      if (options_.keep_upload_bytes) it->second.bytes = bytes;
      it->second.uploaded = true;
    }
    impl_->log.push_back(rec);
    res.status = rec.http_status;
    res.set_content(rec.http_status == 200 ? "OK - " + std::to_string(bytes.size()) : "upload refused", "text/plain");
  };
  s.Post(R"(/upload/v1/(F[0-9]+))", impl_->upload);
}

void FakeSlack::stop() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

int FakeSlack::port() const { return impl_->port; }
std::string FakeSlack::base_url() const {
  return "http://" + options_.host + ":" + std::to_string(impl_->port) + "/api/";
}

void FakeSlack::add_user(User user) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->users.count(user.id)) impl_->user_order.push_back(user.id);
  impl_->users[user.id] = std::move(user);
}

void FakeSlack::sign_in_as(const std::string& user_id, const std::string& team_id) {
  std::lock_guard lock(impl_->mu);
  impl_->oidc_user = user_id;
  impl_->oidc_team = team_id;
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
  if (member)
    m.insert(user_id);
  else
    m.erase(user_id);
}

void FakeSlack::set_archived(const std::string& channel_id, bool archived) {
  std::lock_guard lock(impl_->mu);
  impl_->channels.at(channel_id).is_archived = archived;
}

void FakeSlack::revoke_token() {
  std::lock_guard lock(impl_->mu);
  impl_->revoked = true;
}

std::string FakeSlack::bot_token() const {
  std::lock_guard lock(impl_->mu);
  std::string newest = options_.token;
  auto latest = Clock::time_point::min();
  for (const auto& [t, until] : impl_->bot_tokens)
    if (until != Clock::time_point::max() && until > latest) {
      latest = until;
      newest = t;
    }
  return newest;
}

std::string FakeSlack::requested_scopes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requested_scopes;
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
      if (!options_.load_messages) continue;
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
  return static_cast<int>(
      std::count_if(impl_->log.begin(), impl_->log.end(), [&](const Request& r) { return r.method == method; }));
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

json FakeSlack::home_view(const std::string& user_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->home_views.find(user_id);
  return it == impl_->home_views.end() ? json() : it->second;
}

std::string FakeSlack::dm_channel(const std::string& user_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->dms.find(user_id);
  return it == impl_->dms.end() ? "" : it->second;
}

}  // namespace paxstats::slack::fake
