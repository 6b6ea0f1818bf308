#pragma once
// The dashboard's tests: a generated region served by paxstats serve (dashboard on), the fake
// Slack with its OpenID endpoints, and a visitor with a cookie jar that signs in through them.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "../mining/truth_support.hpp"
#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "postgres_env.hpp"
#include "service.hpp"

namespace paxstats::test {

using json = nlohmann::json;

// "http://host:port/path?q" → "/path?q".
inline std::string path_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// A browser without the browser: keeps cookies (Set-Cookie in, Cookie out), follows nothing.
struct Visitor {
  explicit Visitor(int port) : http("127.0.0.1", port) {}
  httplib::Client http;
  std::map<std::string, std::string> cookies;

  httplib::Headers headers(httplib::Headers extra = {}) const {
    std::string c;
    for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
    if (!c.empty()) extra.emplace("Cookie", c);
    return extra;
  }
  void keep(const httplib::Result& r) {
    if (!r) return;
    for (const auto& [k, v] : r->headers) {
      if (k != "Set-Cookie") continue;
      const auto eq = v.find('='), semi = v.find(';');
      const std::string name = v.substr(0, eq), value = v.substr(eq + 1, semi - eq - 1);
      if (v.find("Max-Age=0") != std::string::npos)
        cookies.erase(name);
      else
        cookies[name] = value;
    }
  }
  httplib::Result get(const std::string& path, httplib::Headers extra = {}) {
    auto r = http.Get(path.c_str(), headers(std::move(extra)));
    keep(r);
    return r;
  }
  httplib::Result post(const std::string& path, const std::string& form) {
    auto r = http.Post(path.c_str(), headers(), form, "application/x-www-form-urlencoded");
    keep(r);
    return r;
  }
};

// What a page says a figure is: <div class="figure" data-figure="LABEL"><div class="value…">V<.
inline std::string figure(const std::string& html, const std::string& label) {
  const std::regex re("data-figure=\"" + label + "\"><div class=\"value[^\"]*\">([^<]*)<");
  std::smatch m;
  return std::regex_search(html, m, re) ? std::string(m[1]) : "(no figure " + label + ")";
}

// Text as the dashboard escapes it for HTML.
inline std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

inline std::string sql_value(db::Database& db, const std::string& q, const db::Params& p = {}) {
  return db::sql::value(db, q, p).value_or("");
}

// The display names of a generated export's users (users.json): id → name.
inline std::map<std::string, std::string> display_names(const std::filesystem::path& export_dir) {
  std::ifstream in(export_dir / "users.json");
  const json users = json::parse(in);
  std::map<std::string, std::string> out;
  for (const auto& u : users) out[u["id"]] = u["profile"].value("display_name", "");
  return out;
}

}  // namespace paxstats::test
