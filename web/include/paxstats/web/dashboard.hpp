#pragma once
// The dashboard (README "Dashboard"): server-rendered pages of every region, AO, PAX and
// community, with Sign in with Slack (OpenID Connect), sessions in PostgreSQL, CSRF-checked admin
// forms, ETags, and a static export of the public pages. It knows HTTP only as the plain
// Request and Response below: `paxstats serve` mounts it on its own listener.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>

#include "paxstats/business_clock.hpp"
#include "paxstats/db/database.hpp"

namespace paxstats::web {

struct Request {
  std::string method, path;                           // path without the query string
  std::multimap<std::string, std::string> params;     // query string and form body
  std::map<std::string, std::string> headers;         // names lower-cased
  std::string remote;                                 // the client's address, as the server saw it
  std::string param(const std::string& name) const;   // "" when absent
  std::string header(const std::string& name) const;  // "" when absent (name lower-case)
  std::string cookie(const std::string& name) const;  // "" when absent
};

struct Response {
  int status = 200;
  std::string body, content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
};

// A borrowed connection to a read replica, given back when destroyed.
class ReadLease {
 public:
  virtual ~ReadLease() = default;
  virtual db::Database& db() = 0;
};

struct Options {
  // Where people reach the service, e.g. https://stats.example.org (no trailing slash): Slack
  // sends them back to PUBLIC_URL/auth/slack/callback. Cookies are Secure when it is https.
  std::string public_url = "http://127.0.0.1:8080";
  std::string client_id, client_secret;  // SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: no sign-in without them
  std::string slack_base_url;            // the Web API ("" = $SLACK_API_BASE_URL or Slack's)
  // Slack's authorize page; "" = the Web API's host + /openid/connect/authorize.
  std::string authorize_url;
  std::chrono::seconds session_ttl{std::chrono::hours(12)};
  std::chrono::seconds login_ttl{std::chrono::minutes(10)};  // from /login to the callback
  BusinessClock business_now;                                // "this month", "the last 30 days"
  size_t cache_bytes = 256u << 20;                           // rendered pages kept, all regions
  // Queues a region's monthly report run (the admin page's buttons): the run's id. The service
  // sets it; without it the buttons say reports run from paxstats serve.
  std::function<long(db::Database& db, const std::string& region, date::year_month month)> queue_monthly_run;
  // Add to Slack: called once a region is installed (`first`: it was created now) or installed
  // again; the service queues its first sync and wakes its held work.
  std::function<void(db::Database& db, const std::string& region, bool first)> on_installed;
  // A hot standby for the pages' reads (DATABASE_READ_URL): given the primary's connection, a
  // connection to a standby that has replayed everything the primary had committed when asked
  // (db/replica.hpp), or nullptr (it is behind, or away): the page is read from the primary then.
  // Unset: every read is the primary's. Sessions, actions and the version a page names are
  // always the primary's.
  std::function<std::unique_ptr<ReadLease>(db::Database& primary)> read_replica;
};

// The dashboard's routes, for the server to mount: method, a regular expression over the path,
// and the label metrics count it by.
struct Route {
  std::string method, pattern, label;
};

class Dashboard {
 public:
  explicit Dashboard(Options options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  static const std::vector<Route>& routes();
  // Answers one request of a route above. Thread-safe (one database connection per call).
  Response handle(db::Database& db, const Request& request);
  // Pages read from the read replica, and pages that were to be but were read from the primary.
  struct ReplicaCounts {
    long reads = 0, fallbacks = 0;
  };
  ReplicaCounts replica_counts() const;

  // Renders ahead the pages visitors ask for most, as a member who is no admin sees them, so
  // they find them ready: each region's page (and its periods), every AO's and every PAX's (latest
  // poster first),
  // when they are not rendered at the region's current posts version. A lone change of a region's
  // posts (they had stood still for `settle` before it) is rendered at once; one that follows
  // another within `settle` (an import or a sync moves them batch by batch) waits until they have
  // stood still for `settle`. Stops between pages when `stop()` says so, and when the pages kept
  // fill three quarters of the cache (the rest is for what visitors ask; pages rendered ahead
  // never push each other out in a loop). Returns the number of pages rendered.
  // `paxstats serve` calls it every few seconds from a thread of its own.
  int warm(db::Database& db, std::chrono::milliseconds settle, const std::function<bool()>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// paxstats dashboard export: the region's public pages as a static site in `dir` (HTML with
// inline SVG, CSV files, relative links), as an anonymous visitor sees them. Returns the number
// of pages written. Throws UserError when the region's dashboard is off.
int export_static(db::Database& db, std::string_view region, const std::filesystem::path& dir,
                  BusinessClock business_now);

}  // namespace paxstats::web
