#pragma once
// Internal to web/: secrets, cookies and Sign in with Slack (access.cpp).
#include <optional>
#include <string>

#include "paxstats/db/database.hpp"
#include "paxstats/db/web_sessions.hpp"
#include "paxstats/web/dashboard.hpp"
#include "paxstats/web/slack_app.hpp"

namespace paxstats::web::detail {

std::string random_token(size_t bytes = 32);  // hex
std::string sha256_hex(const std::string& text);
bool same_secret(const std::string& a, const std::string& b);  // constant time
// `next` when it is a path of this site ("/r/stl?period=2026"), else "/": never another host
// ("//evil.example", "/\\evil.example", "https://…"), never a control character.
std::string local_path(const std::string& next);

constexpr const char* kSessionCookie = "pxs_session";
constexpr const char* kLoginCookie = "pxs_login";
std::string cookie_header(const Options& o, const std::string& name, const std::string& value, const std::string& path,
                          long max_age);

// The signed-in visitor of a request, if any.
std::optional<db::web::Session> session_of(db::Database& db, const Request& req);

// A page of one message (a refusal, a failure), never cached.
Response message_page(int status, const std::string& title, const std::string& message);
// A page of Slack's website (its authorize pages): the Web API's host + path.
std::string slack_page_url(const Options& o, const std::string& path);
SlackApp app_of(const Options& o);

// /login, /auth/slack/callback, /logout.
Response login(db::Database& db, const Options& o, const Request& req);
Response callback(db::Database& db, const Options& o, const Request& req);
Response logout(db::Database& db, const Options& o, const Request& req);

// Add to Slack: /slack/install and /slack/oauth/callback (install.cpp).
Response install(db::Database& db, const Options& o, const Request& req);
Response install_callback(db::Database& db, const Options& o, const Request& req);

}  // namespace paxstats::web::detail
