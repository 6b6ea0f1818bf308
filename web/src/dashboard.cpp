// The dashboard's front door: which page a path is, who may see it, the page cache and ETags,
// CSV downloads, and the admin forms (CSRF-checked, logged).
#include "paxstats/web/dashboard.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>

#include <mutex>
#include <regex>

#include "access.hpp"
#include "dashboard_impl.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/reports/monthly.hpp"
#include "site.hpp"

namespace paxstats::web {

using namespace detail;

std::string Request::param(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}
std::string Request::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}
std::string Request::cookie(const std::string& name) const {
  const std::string all = header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    const auto end = std::min(all.find(';', pos), all.size());
    std::string part = all.substr(pos, end - pos);
    const auto start = part.find_first_not_of(' ');
    if (start != std::string::npos) part = part.substr(start);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=')
      return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

const std::vector<Route>& Dashboard::routes() {
  static const std::vector<Route> r = {
      {"GET", "/", "dashboard /"},
      {"GET", "/assets/dashboard\\.(css|js)", "dashboard /assets"},
      {"GET", "/login", "dashboard /login"},
      {"GET", "/auth/slack/callback", "dashboard /auth/slack/callback"},
      {"GET", "/logout", "dashboard /logout"},
      {"GET", "/slack/install", "dashboard /slack/install"},
      {"GET", "/slack/oauth/callback", "dashboard /slack/oauth/callback"},
      {"POST", "/logout", "dashboard /logout"},
      {"GET", "/r/[a-z][a-z0-9_]{0,39}", "dashboard /r/region"},
      {"GET", "/r/[a-z][a-z0-9_]{0,39}/ao/[A-Z0-9]{1,24}", "dashboard /r/ao"},
      {"GET", "/r/[a-z][a-z0-9_]{0,39}/pax/[A-Z0-9]{1,24}", "dashboard /r/pax"},
      {"GET", "/r/[a-z][a-z0-9_]{0,39}/(kotter|community|search|admin)", "dashboard /r/page"},
      {"POST", "/r/[a-z][a-z0-9_]{0,39}/admin", "dashboard /r/admin (POST)"},
  };
  return r;
}

namespace {

std::string hash_hex(const std::string& s) { return sha256_hex(s).substr(0, 32); }

void security_headers(Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' "
                         "data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

// The query parameters a page reads: period and year, and q on the search page. Any other is
// dropped here, so it neither reaches the page nor keys a cache entry of its own (junk parameters
// would otherwise force a render each and evict the pages rendered ahead); a repeated one counts once.
std::multimap<std::string, std::string> page_params(const Request& req) {
  std::multimap<std::string, std::string> out;
  for (const auto& [k, v] : req.params)
    if ((k == "period" || k == "year" || k == "q") && !out.count(k)) out.emplace(k, v);
  return out;
}

std::string with_query(const std::string& path, const std::multimap<std::string, std::string>& params) {
  std::string q;
  for (const auto& [k, v] : params) q += (q.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
  return path + q;
}

// /login?next=… as an escaped query value.
std::string next_param(const std::string& path_and_query) { return url_encode(path_and_query, "/"); }

Response html_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  security_headers(r);
  return r;
}

}  // namespace

namespace detail {  // shared with the warmer (dashboard_impl.hpp)
date::sys_days today_in(const std::string& tz, BusinessTime now) {
  const auto local = date::floor<date::days>(date::make_zoned(tz, now).get_local_time());
  return date::sys_days{local.time_since_epoch()};
}

std::string version_of(db::Database& db, const std::string& slug, const std::string& kind) {
  return kind.empty() || kind == "ao" || kind == "pax" ? "p" + std::to_string(db::dashboard::posts_version(db, slug))
                                                       : "d" + std::to_string(db::dashboard::data_version(db, slug));
}

std::string page_key(const std::string& version, const db::Region& region, const PageContext& cx,
                     const std::string& here) {
  // A region's settings (its name, time zone, who sees real names, …) are in the key through
  // the time they last changed: a page made before a change is not served after it.
  return region.slug + "|" + version + "|" + region.updated_at + "|" + calendar::format(cx.today) + "|" +
         (cx.viewer.admin ? "a" : "m") + "|" + here;
}

Page build_page(PageContext& cx, const std::string& kind, const std::string& id, db::RowMemo* memo) {
  const db::dashboard::PostsCache posts(cx.db, cx.region.slug, memo);
  const ReadingThrough reading(cx, posts);
  return kind.empty()          ? region_page(cx)
         : kind == "ao"        ? ao_page(cx, id)
         : kind == "pax"       ? pax_page(cx, id)
         : kind == "kotter"    ? kotter_page(cx)
         : kind == "community" ? community_page(cx)
                               : search_page(cx);
}
}  // namespace detail

Dashboard::Dashboard(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Dashboard::~Dashboard() = default;

Response Dashboard::handle(db::Database& db, const Request& req) {
  try {
    if (req.path == "/assets/dashboard.css" || req.path == "/assets/dashboard.js") {
      const bool css = req.path.ends_with(".css");
      Response r;
      r.body = css ? stylesheet() : script();
      r.content_type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      const std::string etag = "\"" + hash_hex(r.body) + "\"";
      r.headers.emplace_back("ETag", etag);
      r.headers.emplace_back("Cache-Control", "public, max-age=3600");
      r.headers.emplace_back("X-Content-Type-Options", "nosniff");
      if (req.header("if-none-match") == etag) {
        r.status = 304;
        r.body.clear();
      }
      return r;
    }
    if (req.path == "/login") return login(db, impl_->o, req);
    if (req.path == "/auth/slack/callback") return callback(db, impl_->o, req);
    if (req.path == "/slack/install") return install(db, impl_->o, req);
    if (req.path == "/slack/oauth/callback") return install_callback(db, impl_->o, req);

    const auto session = session_of(db, req);
    Viewer viewer;
    if (session) {
      viewer.signed_in = true;
      viewer.user_id = session->user_id;
      viewer.name = session->name;
      viewer.team_id = session->team_id;
      viewer.csrf = session->csrf;
    }
    if (req.path == "/logout") {
      // Signing out is a POST carrying the session's CSRF token: a link or a form on another site
      // cannot sign anyone out. GET /logout shows the button.
      if (req.method == "POST" && session && same_secret(req.param("csrf"), session->csrf))
        return logout(db, impl_->o, req);
      Page p;
      p.title = session ? "Sign out" : "Signed out";
      if (!session) {
        p.add("<p>You are not signed in. <a href=\"/\">Go to the start page</a>.</p>");
      } else {
        if (req.method == "POST")
          p.add("<p class=\"notice\">That sign-out form was stale or came from another site.</p>");
        p.add("<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
              esc(session->csrf) + "\"><button type=\"submit\">Sign out of paxstats</button></form>");
      }
      const Links links("", false, 0);
      auto r = html_response(req.method == "POST" && session ? 403 : 200, layout(p, viewer, links, "", "", "/"));
      r.headers.emplace_back("Cache-Control", "no-store");
      return r;
    }
    if (req.path == "/") {
      std::vector<db::Region> visible;
      for (auto& r : db::list_regions(db))
        if (r.active && (r.dashboard == db::DashboardAccess::public_pages ||
                         (r.dashboard == db::DashboardAccess::members && session && r.team_id == session->team_id)))
          visible.push_back(std::move(r));
      const Links links("", false, 0);
      Page index = index_page(db, visible, viewer, links);
      // A service that can install itself says so: a region joins from here.
      if (!impl_->o.client_id.empty() && !impl_->o.client_secret.empty())
        index.add(
            "<p><a class=\"button\" href=\"/slack/install\">Add paxstats to your Slack workspace</a> "
            "<span class=\"empty\">Your region's backblasts counted, monthly charts by DM, and this "
            "dashboard.</span></p>");
      auto r = html_response(200, layout(index, viewer, links, "", "", "/"));
      r.headers.emplace_back("Cache-Control", "private, no-cache");
      return r;
    }
    return impl_->region_request(db, req, viewer, session);
  } catch (const UserError& e) {
    Page p;
    p.title = "Cannot show this";
    p.add("<p class=\"notice\">" + esc(e.what()) + "</p>");
    auto r = html_response(400, layout(p, Viewer{}, Links("", false, 0), "", "", "/"));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  } catch (const std::exception& e) {
    log::error("dashboard " + req.path + ": " + log::redact(e.what()));
    Page p;
    p.title = "Something went wrong";
    p.add("<p class=\"notice\">paxstats could not show this page; the service's log says why.</p>");
    auto r = html_response(500, layout(p, Viewer{}, Links("", false, 0), "", "", "/"));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
}

Response Dashboard::Impl::region_request(db::Database& db, const Request& req, const Viewer& anonymous,
                                         const std::optional<db::web::Session>& session) {
  static const std::regex shape(
      R"(/r/([a-z][a-z0-9_]{0,39})(?:/(ao|pax)/([A-Z0-9]{1,24})|/(kotter|community|search|admin))?)");
  std::smatch m;
  if (!std::regex_match(req.path, m, shape)) return html_response(404, "");
  const std::string slug = m[1],
                    kind = m[2].matched   ? std::string(m[2])
                           : m[4].matched ? std::string(m[4])
                                          : "",
                    id = m[3];
  std::optional<db::Region> region;
  try {
    region = db::get_region(db, slug);
  } catch (const UserError&) {  // no such region: the same 404 as one whose dashboard is off
  }
  auto missing = [&] {
    Page p = not_found("There is no dashboard at this address.");
    auto r = html_response(404, layout(p, anonymous, Links("", false, 0), "", "", "/"));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  };
  if (!region || !region->active || region->dashboard == db::DashboardAccess::off) return missing();

  Viewer viewer = anonymous;
  const bool member = session && region->team_id && session->team_id == *region->team_id;
  viewer.admin = member && (session->workspace_admin || db::is_listed_admin(*region, session->user_id));
  const bool needs_admin = kind == "kotter" || kind == "admin";
  // A site Q reads the Kotter page his monthly DM links to.
  const bool site_q = member && kind == "kotter" && !viewer.admin && [&] {
    for (const auto& [ao, user] : db::report::Reader(db, slug).site_qs())
      if (user == session->user_id) return true;
    return false;
  }();
  const auto params = page_params(req);
  const std::string here = with_query(req.path, params);
  auto sign_in = [&] {
    Response r;
    r.status = 302;
    r.headers.emplace_back("Location", "/login?next=" + next_param(here));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  };
  auto forbidden = [&](const std::string& why) {
    Page p;
    p.title = "Not for you";
    p.add("<p class=\"notice\">" + esc(why) + "</p>");
    auto r = html_response(403, layout(p, viewer, Links("", false, 0), "", "", next_param(here)));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  };
  if ((region->dashboard == db::DashboardAccess::members && !member) || (needs_admin && !viewer.admin && !site_q)) {
    if (!session) return sign_in();
    if (!member)
      return forbidden(
          "This region's dashboard is for members of its Slack workspace. You are signed in from "
          "another one.");
    return forbidden("This page is for the region's admins.");
  }

  // A workspace that mines no backblasts has no F3 figures: its front page is its community page.
  if (kind.empty() && req.method == "GET") {
    if (!region->flags.scrape_backblasts) {
      Response r;
      r.status = 302;
      r.headers.emplace_back("Location", "/r/" + slug + "/community");
      r.headers.emplace_back("Cache-Control", "no-store");
      return r;
    }
  }
  const Links links(slug, false, 0);
  const BusinessTime now = o.business_now();
  PageContext cx{db, *region, viewer, links, today_in(region->tz, now), now, params, req.path, "", 0};
  if (req.method == "POST") {
    if (!same_secret(req.param("csrf"), viewer.csrf))
      return forbidden("This form is stale or was not sent from this site: reload the page and try again.");
    return admin_post(db, cx, req);
  }

  const bool admin_page_kind = kind == "admin";
  const std::string key = page_key(version_of(db, slug, kind), *region, cx, here);
  const std::string etag = "\"" + hash_hex(key + "|" + viewer.user_id + "|" + viewer.csrf) + "\"";
  const bool anonymous_public = region->dashboard == db::DashboardAccess::public_pages && !session;
  const std::string cache_control = admin_page_kind    ? "no-store"
                                    : anonymous_public ? "public, max-age=60"
                                                       : "private, no-cache";
  const std::string csv = req.param("csv");
  if (!admin_page_kind && csv.empty() && req.header("if-none-match") == etag) {
    Response r;
    r.status = 304;
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Cache-Control", cache_control);
    r.headers.emplace_back("Vary", "Cookie");
    return r;
  }
  std::shared_ptr<const Page> page;
  // Server-Timing (the browser's developer tools show it): whether the page was rendered for this
  // request, and how long that took, or came ready from the cache.
  std::string timing = "cache;desc=\"hit\"";
  const auto started = std::chrono::steady_clock::now();
  auto rendered = [&] {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f",
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    timing = std::string("render;dur=") + ms;
  };
  if (admin_page_kind) {
    const db::dashboard::PostsCache posts(db, slug, &memo);
    const detail::ReadingThrough reading(cx, posts);
    page = std::make_shared<const Page>(admin_page(cx, [&] {
      static const std::map<std::string, std::string> done = {
          {"alias_confirmed", "The name is that person now."},
          {"alias_removed", "The name is nobody's now."},
          {"run_queued", "The report run is queued."},
          {"retry_queued", "The deliveries will be tried again."},
          {"installed",
           "paxstats is in your workspace. It is reading its "
           "channels now; choose 1st-F and the others below."},
          {"reinstalled", "paxstats is installed again: held work resumes."},
          {"channels_set", "The channels are set."}};
      const auto it = done.find(req.param("done"));
      return it == done.end() ? std::string() : it->second;
    }()));
    rendered();
  } else {
    bool made = false;
    auto build = [&] {
      // The primary only when the standby could not serve it (value_or would build it anyway).
      if (auto from_replica = build_from_replica(db, cx, kind, id)) return std::move(*from_replica);
      return build_page(cx, kind, id, &memo);
    };
    if (kind == "search") {  // any text can be searched for: rendered each time, never kept
      page = std::make_shared<const Page>(build());
      made = true;
    } else {
      page = cache.get_or_make(key, build, &made);
    }
    if (made) rendered();
  }
  if (!csv.empty()) {
    for (const auto& t : page->tables)
      if (t.id == csv) {
        Response r;
        r.body = to_csv(t);
        r.content_type = "text/csv; charset=utf-8";
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + slug + "-" +
                                                          (kind.empty() ? "region" : kind) +
                                                          (id.empty() ? "" : "-" + id) + "-" + csv + ".csv\"");
        r.headers.emplace_back("Cache-Control", cache_control);
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return r;
      }
    Page p = not_found("This page has no table \"" + csv + "\".");
    return html_response(404, layout(p, viewer, links, region->name, slug, next_param(here)));
  }
  auto r = html_response(page->status, layout(*page, viewer, links, region->name, slug, next_param(here)));
  if (page->status == 200 && !admin_page_kind) r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", cache_control);
  r.headers.emplace_back("Vary", "Cookie");
  r.headers.emplace_back("Server-Timing", timing);
  return r;
}

Dashboard::ReplicaCounts Dashboard::replica_counts() const {
  return {impl_->replica_reads.load(), impl_->replica_fallbacks.load()};
}

// A page read from the hot standby (Options::read_replica): the primary's posts cache made
// fresh first (the standby reads the primary's, replicated), then a standby connection that has
// replayed everything the primary had then, so the page is never older than the version its key
// names. nullopt: no standby, or it is behind or failed; the caller reads the primary.
std::optional<Page> Dashboard::Impl::build_from_replica(db::Database& primary, const PageContext& cx,
                                                        const std::string& kind, const std::string& id) {
  if (!o.read_replica) return std::nullopt;
  try {
    { const db::dashboard::PostsCache fresh(primary, cx.region.slug); }
    const auto lease = o.read_replica(primary);
    if (!lease) {
      ++replica_fallbacks;
      return std::nullopt;
    }
    PageContext on_replica{lease->db(), cx.region, cx.viewer, cx.links, cx.today, cx.now, cx.params, cx.path, "", 0};
    auto page = build_page(on_replica, kind, id, &memo);
    ++replica_reads;
    return page;
  } catch (const std::exception& e) {  // the standby went away, or cancelled the query to replay
    log::warn("dashboard: a page read from the replica failed (" + log::redact(e.what()) + "); read from the primary");
    ++replica_fallbacks;
    return std::nullopt;
  }
}

Response Dashboard::Impl::admin_post(db::Database& db, PageContext& cx, const Request& req) {
  const std::string& slug = cx.region.slug;
  const std::string action = req.param("action");
  std::string done, detail;
  if (action == "confirm_alias") {
    db::confirm_alias(db, slug, req.param("typed"), req.param("user"));
    done = "alias_confirmed";
    detail = "\"" + req.param("typed") + "\" is " + req.param("user");
  } else if (action == "remove_alias") {
    if (!db::remove_alias(db, slug, req.param("typed")))
      throw UserError("\"" + req.param("typed") + "\" is not one of the region's typed names");
    done = "alias_removed";
    detail = "\"" + req.param("typed") + "\" is nobody";
  } else if (action == "run" || action == "retry" || action == "resend_in_doubt") {
    const std::string month = req.param("month");
    const date::year_month asked = calendar::parse_month(month);
    reports::check_month_is_over(db, slug, asked, cx.now, false);
    if (!o.queue_monthly_run)
      throw UserError("reports run from paxstats serve: this dashboard has no job queue (paxstats report send)");
    // Only the month the button names, and deliveries in doubt only by the button that says so.
    if (action == "resend_in_doubt")
      detail = std::to_string(db::outbox::resend_in_doubt(db, slug, month)) + " in doubt of " + month + " resent; ";
    const long run = o.queue_monthly_run(db, slug, asked);
    done = action == "run" ? "run_queued" : "retry_queued";
    detail += "run " + std::to_string(run) + " for " + month;
  } else if (action == "set_channels") {
    // The channel settings, chosen from the region's channels (UserError for anything else).
    std::vector<db::Setting> settings;
    for (const char* key : {"firstf_channel", "awards_channel", "kotter_channel", "log_channel"})
      if (req.params.count(key)) {
        settings.emplace_back(key, req.param(key));
        detail +=
            std::string(detail.empty() ? "" : ", ") + key + "=" + (req.param(key).empty() ? "(none)" : req.param(key));
      }
    if (settings.empty()) throw UserError("no channel was chosen");
    db::set_region(db, slug, settings);
    done = "channels_set";
  } else {
    throw UserError("unknown admin action \"" + action.substr(0, 40) + "\"");
  }
  db::dashboard::log_action(db, slug, cx.viewer.user_id, action, detail);
  log::info("dashboard: " + cx.viewer.user_id + " in " + slug + ": " + action + " (" + detail + ")");
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", "/r/" + slug + "/admin?done=" + done);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace paxstats::web
