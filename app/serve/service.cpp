#include "service.hpp"

#include <date/tz.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "paxstats/db/database.hpp"
#include "paxstats/db/jobs.hpp"
#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/admin_log.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/token.hpp"
#include "paxstats/slack/json_limits.hpp"
#include "paxstats/slack/signature.hpp"
#include "paxstats/slack/socket_mode.hpp"
#include "paxstats/slack/text.hpp"
#include "http_server.hpp"
#include "payloads.hpp"
#include "retry.hpp"

namespace paxstats::serve {

using json = nlohmann::json;
using Clock = std::chrono::system_clock;

std::string token_hash(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  std::string hex;
  static const char* d = "0123456789abcdef";
  for (unsigned char c : digest) hex += {d[c >> 4], d[c & 15]};
  return hex;
}

std::string new_token() {
  static const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  unsigned char bytes[40];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no randomness for a token (RAND_bytes failed)");
  std::string t = "pxs_";
  for (unsigned char b : bytes) t += alphabet[b % 62];  // 256 % 62 bias is negligible at 238 bits
  return t;
}

// Prometheus counters of the process.
struct Counters {
  std::mutex mu;
  std::map<std::string, long> requests;  // "path code" → count
  std::atomic<long> rejected_signatures{0}, events{0}, duplicate_events{0}, parse_errors{0}, files_sent{0},
      jobs_done{0}, jobs_failed{0};
};

namespace {

// The database connections shared by the HTTP threads: at most `capacity`, opened when first
// needed and kept. A request that finds them all busy waits for one to come back: opening a
// connection per request under a burst (a backend fork each) cost more than the wait.
class Pool {
 public:
  explicit Pool(std::string url, size_t capacity = 24) : url_(std::move(url)), capacity_(capacity) {}
  struct Lease {
    Pool* pool;
    std::unique_ptr<db::Database> db;
    Lease(Pool* p, std::unique_ptr<db::Database> d) : pool(p), db(std::move(d)) {}
    Lease(Lease&& other) noexcept : pool(other.pool), db(std::move(other.db)) {}
    Lease(const Lease&) = delete;
    ~Lease() { pool->put(std::move(db)); }
    db::Database& operator*() { return *db; }
  };
  // Opens connections ahead of the first burst (Slack retries a command not acked in 3 s).
  void warm(size_t n) {
    for (size_t k = 0; k < n; ++k) {
      auto db = std::make_unique<db::Database>(url_);
      std::lock_guard lock(mu_);
      if (open_ >= capacity_) return;
      ++open_;
      free_.push_back(std::move(db));
    }
  }
  Lease get() {
    std::unique_lock lock(mu_);
    returned_.wait(lock, [&] { return !free_.empty() || open_ < capacity_; });
    if (!free_.empty()) {
      auto db = std::move(free_.back());
      free_.pop_back();
      return Lease{this, std::move(db)};
    }
    ++open_;  // a slot of our own: connect outside the lock
    lock.unlock();
    try {
      return Lease{this, std::make_unique<db::Database>(url_)};
    } catch (...) {
      put(nullptr);
      throw;
    }
  }

 private:
  // A connection back (nullptr: one that failed, or was given up): its slot is free again.
  void put(std::unique_ptr<db::Database> db) {
    {
      std::lock_guard lock(mu_);
      if (db) free_.push_back(std::move(db));
      else --open_;
    }
    returned_.notify_one();
  }
  std::string url_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable returned_;
  size_t open_ = 0;  // connections out or free
  std::vector<std::unique_ptr<db::Database>> free_;
};

// Which region a workspace is, remembered for a few seconds: every event and command asks, and a
// burst of them asked the database the same question hundreds of times. A `region set team_id`
// or `active=false` takes effect within kFor.
class TeamRegions {
 public:
  std::optional<std::string> get(db::Database& db, const std::string& team) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu_);
      if (auto it = known_.find(team); it != known_.end() && it->second.second > now) return it->second.first;
    }
    auto slug = db.query_value("SELECT slug FROM paxstats.regions WHERE team_id = $1 AND active", {team});
    std::lock_guard lock(mu_);
    if (known_.size() > 1000) known_.clear();  // bounded: teams are few; junk team ids are not kept long
    known_[team] = {slug, now + kFor};
    return slug;
  }

 private:
  static constexpr std::chrono::seconds kFor{5};
  std::mutex mu_;
  std::map<std::string, std::pair<std::optional<std::string>, std::chrono::steady_clock::time_point>> known_;
};

const char* kHelp =
    "*paxstats* — your F3 numbers, from the backblasts in this workspace.\n"
    "• `/paxstats me [year]` (or DM me `stats`, `my stats 2025`): your posts by month and AO, by DM\n"
    "• `/paxstats ao`: this channel's AO charts for the month so far, by DM\n"
    "• `/paxstats stop` / `/paxstats start`: no more DMs from paxstats / DMs again\n"
    "• `/paxstats help`: this";


// "stats", "my stats", "stats 2025", "my stats 2025" (any case) → the year ("" for this one).
std::optional<std::string> stats_request(const std::string& text) {
  static const std::regex re(R"(^\s*(?:my\s+)?stats(?:\s+(\d{4}))?\s*[.!?]?\s*$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  return m[1].str();
}

}  // namespace

// Thrown by a job that cannot run yet (its region is busy): queued again, attempt not counted.
struct Deferred {
  int seconds;
};

struct Service::Impl {
  Options o;
  Counters counters;
  Pool pool;
  TeamRegions team_regions;
  http::Server server;
  int bound_port = 0;
  std::thread scheduler_thread;
  std::vector<std::thread> workers;
  std::atomic<bool> stopping{false};
  std::mutex sleep_mu;
  std::condition_variable sleep_cv;
  std::shared_ptr<slack::RateLimiter> limiter;
  std::unique_ptr<slack::SocketModeClient> socket_mode;

  explicit Impl(Options options)
      : o(std::move(options)),
        pool(o.database_url),
        limiter(std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), o.slack_window)) {
    if (!o.wall_now) o.wall_now = [] { return Clock::now(); };
    if (!o.business_now) o.business_now = business_clock_from_env();
  }

  void count(const std::string& path, int code) {
    std::lock_guard lock(counters.mu);
    ++counters.requests[path + " " + std::to_string(code)];
  }

  // ---- HTTP

  bool verified(const http::Request& req, http::Response& res, const std::string& path) {
    const auto v = slack::verify_signature(o.signing_secret, req.get_header_value("X-Slack-Request-Timestamp"),
                                           req.get_header_value("X-Slack-Signature"), req.body, o.wall_now());
    if (v == slack::Verification::ok) return true;
    ++counters.rejected_signatures;
    log::warn(std::string("rejected ") + path + " from " + req.remote_addr + ": " + slack::to_string(v));
    res.status = 401;
    res.set_content("invalid request signature\n", "text/plain");
    return false;
  }

  void routes() {
    // Every request and answer is counted here, once, by route (paxstats_http_requests_total).
    server.on_response([this](const std::string& label, int status, std::chrono::microseconds) {
      count(label.empty() ? "(no route)" : label, status);
    });
    server.route("POST", "/slack/events", "/slack/events", [this](const http::Request& req, http::Response& res) { events(req, res); });
    server.route("POST", "/slack/commands", "/slack/commands",
                 [this](const http::Request& req, http::Response& res) { command(req, res); });
    server.route("POST", "/slack/interactions", "/slack/interactions", [this](const http::Request& req, http::Response& res) {
      if (!verified(req, res, "/slack/interactions")) return;
      res.status = 200;
    });
    server.route("GET", "/healthz", "/healthz", [this](const http::Request&, http::Response& res) {
      try {
        auto db = pool.get();
        (*db).query_value("SELECT 1");
        res.set_content("ok\n", "text/plain");
      } catch (const std::exception& e) {
        res.status = 503;
        res.set_content(std::string("database unreachable: ") + e.what() + "\n", "text/plain");
      }
    });
    server.route("GET", "/metrics", "/metrics", [this](const http::Request&, http::Response& res) { metrics(res); });
    server.route("POST", R"(/api/v1/regions/([^/]+)/runs)", "/api/v1/regions/runs",
                 [this](const http::Request& req, http::Response& res) { trigger(req, res); });
    server.route("GET", R"(/api/v1/runs/(\d+))", "/api/v1/runs",
                 [this](const http::Request& req, http::Response& res) { run_status(req, res); });
  }

  void events(const http::Request& req, http::Response& res) {
    if (!verified(req, res, "/slack/events")) return;
    const auto read = read_event_body(req.body);
    if (!read.body) {
      res.status = 400;
      res.set_content(read.refusal + "\n", "text/plain");
      return;
    }
    if (read.body->type == "url_verification") {
      res.set_content(json{{"challenge", read.body->challenge}}.dump(), "application/json");
      return;
    }
    res.status = accept_event(*read.body, req.get_header_value("X-Slack-Retry-Num"));
  }

  // An event_callback (over HTTP or Socket Mode): queued in the jobs table, never worked on
  // here, so the ack is immediate. Slack's retries of an event carry the same event_id and are
  // dropped by its dedupe key. Returns the HTTP status to answer (500 only when not queued).
  int accept_event(const EventBody& body, const std::string& retry) {
    if (body.type != "event_callback") return 200;
    ++counters.events;
    const std::string& team = body.team_id;
    const std::string& event_id = body.event_id;
    try {
      auto db = pool.get();
      const auto region = team_regions.get(*db, team);
      if (!region) {
        log::warn("event " + event_id + " from team " + team + ": no active region has this team_id (paxstats region set "
                  "SLUG team_id=" + team + ")");
        return 200;
      }
      const json& event = body.event;
      const bool fresh = db::jobs::enqueue(*db, *region, "event", json{{"event", event}, {"event_id", event_id}},
                                           event_id.empty() ? std::nullopt : std::optional<std::string>("event:" + event_id));
      if (!fresh) ++counters.duplicate_events;
      log::info("event " + event_id + " (" + text_of(event, "type") + ") for " + *region +
                (fresh ? " queued" : " already seen") + (retry.empty() || retry == "0" ? "" : ", Slack's retry " + retry));
      return 200;
    } catch (const std::exception& e) {
      // Not acked then: Slack retries, and the dedupe key makes the retry safe.
      log::error("event " + event_id + " not queued: " + log::redact(e.what()));
      return 500;
    }
  }

  // A Socket Mode envelope: the same work as the HTTP endpoints; a slash command's reply goes
  // back in the ack.
  std::optional<json> envelope(const json& env) {
    if (!env.is_object()) return std::nullopt;
    const std::string type = text_of(env, "type");
    const json payload = env.contains("payload") && env["payload"].is_object() ? env["payload"] : json::object();
    if (type == "events_api") {
      const auto retry = env.contains("retry_attempt") && env["retry_attempt"].is_number_integer()
                             ? env["retry_attempt"].get<long long>() : 0;
      if (const auto read = read_event_body(payload.dump()); read.body) accept_event(*read.body, std::to_string(retry));
      return std::nullopt;
    }
    if (type == "slash_commands")
      return command_reply(text_of(payload, "team_id"), text_of(payload, "user_id"), text_of(payload, "channel_id"),
                           text_of(payload, "text"));
    return std::nullopt;  // interactive: acknowledged
  }

  void command(const http::Request& req, http::Response& res) {
    if (!verified(req, res, "/slack/commands")) return;
    res.set_content(command_reply(req.get_param_value("team_id"), req.get_param_value("user_id"),
                                  req.get_param_value("channel_id"), req.get_param_value("text"))
                        .dump(),
                    "application/json");
  }

  // /paxstats WORDS: answered at once (an ephemeral reply); slow work goes to the jobs table.
  json command_reply(const std::string& team, const std::string& user, const std::string& channel, const std::string& text) {
    auto reply = [](const std::string& message) { return json{{"response_type", "ephemeral"}, {"text", message}}; };
    std::vector<std::string> words;
    {
      std::istringstream in(text);
      for (std::string w; in >> w;) {
        std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
        words.push_back(w);
      }
    }
    const std::string verb = words.empty() ? "help" : words[0];
    try {
      auto db = pool.get();
      const auto region = team_regions.get(*db, team);
      if (!region) return reply("paxstats is not set up for this workspace yet: ask your admin to run `paxstats region set "
                                "SLUG team_id=" + team + "`.");
      log::info("command /paxstats " + verb + " from " + user + " in " + *region);
      if (verb == "me" || verb == "stats") {
        const std::string year = words.size() > 1 ? words[1] : "";
        if (!year.empty() && !std::regex_match(year, std::regex(R"(\d{4})")))
          return reply("`" + slack::escape_text(year) + "` is not a year: try `/paxstats me 2025`.");
        db::jobs::enqueue(*db, *region, "stats", json{{"user", user}, {"year", year}});
        return reply("On it: your chart comes by DM in a few seconds.");
      }
      if (verb == "ao") {
        db::jobs::enqueue(*db, *region, "ao_stats", json{{"user", user}, {"channel", channel}});
        return reply("On it: this AO's charts for the month so far come by DM in a few seconds.");
      }
      if (verb == "stop") {
        db::set_opt_out(*db, *region, user, true, "slack");
        return reply("Done: paxstats will not DM you any more (monthly charts included). `/paxstats start` undoes it.");
      }
      if (verb == "start") {
        db::set_opt_out(*db, *region, user, false, "slack");
        return reply("Welcome back: paxstats DMs are on again.");
      }
      if (verb != "help") return reply("I don't know `" + slack::escape_text(text) + "`.\n" + kHelp);
      return reply(kHelp);
    } catch (const std::exception& e) {
      log::error("command /paxstats " + verb + ": " + log::redact(e.what()));
      return reply("Sorry, that failed on our side; try again in a minute.");
    }
  }

  // Authorization: Bearer <token>, checked against every live token's hash in constant time.
  bool authorised(const http::Request& req, http::Response& res, db::Database& db, const std::string& path) {
    const std::string h = req.get_header_value("Authorization");
    const std::string given = h.rfind("Bearer ", 0) == 0 ? token_hash(h.substr(7)) : std::string(64, 'x');
    bool ok = false;
    for (const auto& [name, hash] : db::jobs::live_tokens(db))
      ok |= hash.size() == given.size() && CRYPTO_memcmp(hash.data(), given.data(), hash.size()) == 0;
    if (ok) return true;
    res.status = 401;
    res.set_content(json{{"error", "missing or invalid API token (Authorization: Bearer …; paxstats token create)"}}.dump(),
                    "application/json");
    log::warn("rejected " + path + " from " + req.remote_addr + ": bad API token");
    return false;
  }

  void trigger(const http::Request& req, http::Response& res) {
    const std::string path = "/api/v1/regions/runs";
    auto db = pool.get();
    if (!authorised(req, res, *db, path)) return;
    auto fail = [&](int code, const std::string& why) {
      res.status = code;
      res.set_content(json{{"error", why}}.dump(), "application/json");
    };
    const std::string slug = req.matches[1];
    json body;
    try {
      body = slack::parse_json_limited(req.body);
    } catch (const std::exception&) {
      return fail(400, "the body must be JSON: {\"report\":\"monthly\",\"month\":\"YYYY-MM\"}");
    }
    if (!body.is_object()) return fail(400, "the body must be a JSON object: {\"report\":\"monthly\",\"month\":\"YYYY-MM\"}");
    if (text_of(body, "report") != "monthly") return fail(400, "report must be \"monthly\"");
    if (!body.contains("month") || !body["month"].is_string())
      return fail(400, "month must be a string \"YYYY-MM\", e.g. \"2026-10\"");
    if (body.contains("allow_partial") && !body["allow_partial"].is_boolean())
      return fail(400, "allow_partial must be true or false");
    const std::string month = body["month"].get<std::string>();
    try {
      db::report::month(month);
    } catch (const UserError& e) {
      return fail(400, e.what());
    }
    try {
      db::get_region(*db, slug);
    } catch (const UserError& e) {
      return fail(404, e.what());
    }
    try {
      reports::check_month_is_over(*db, slug, month, o.business_now(), body.value("allow_partial", false));
    } catch (const UserError& e) {
      return fail(400, e.what());
    }
    const long id = db::jobs::create_run(*db, slug, "report", month);
    db::jobs::enqueue(*db, slug, "run_monthly", json{{"run_id", id}, {"month", month}});
    log::info("run " + std::to_string(id) + ": monthly report of " + slug + " for " + month + " queued (trigger API)");
    res.status = 202;
    res.set_content(json{{"run_id", id}, {"status", "queued"}}.dump(), "application/json");
  }

  void run_status(const http::Request& req, http::Response& res) {
    const std::string path = "/api/v1/runs";
    auto db = pool.get();
    if (!authorised(req, res, *db, path)) return;
    long id = 0;
    const std::string digits = req.matches[1];
    if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ec != std::errc()) {
      res.status = 400;
      res.set_content(json{{"error", "the run id is not a number paxstats gave out"}}.dump(), "application/json");
      return;
    }
    const auto run = db::jobs::get_run(*db, id);
    if (!run) {
      res.status = 404;
      res.set_content(json{{"error", "no such run"}}.dump(), "application/json");
      return;
    }
    json body{{"run_id", run->id}, {"region", run->region}, {"kind", run->kind}, {"period", run->period},
              {"status", run->status}, {"started_at", run->started_at}, {"finished_at", run->finished_at},
              {"error", run->error}, {"summary", run->summary}};
    // A report run's deliveries as the outbox holds them now: live while the run works (the
    // summary is written when it ends).
    if (run->kind == "report" && !run->period.empty()) {
      const auto c = db::outbox::counts(*db, run->region, run->period);
      body["progress"] = json{{"planned", c.pending() + c.sent + c.skipped + c.failed + c.in_doubt},
                              {"sent", c.sent},
                              {"skipped", c.skipped},
                              {"failed", c.failed},
                              {"in_doubt", c.in_doubt},
                              {"pending", c.pending()}};
    }
    res.set_content(body.dump(), "application/json");
  }

  void metrics(http::Response& res) {
    std::ostringstream m;
    m << "# HELP paxstats_http_requests_total HTTP requests by path and status.\n"
         "# TYPE paxstats_http_requests_total counter\n";
    {
      std::lock_guard lock(counters.mu);
      for (const auto& [key, n] : counters.requests) {
        const auto sp = key.find(' ');
        m << "paxstats_http_requests_total{path=\"" << key.substr(0, sp) << "\",code=\"" << key.substr(sp + 1) << "\"} " << n
          << "\n";
      }
    }
    auto counter = [&](const char* name, const char* help, long v) {
      m << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n" << name << " " << v << "\n";
    };
    counter("paxstats_rejected_signatures_total", "Requests refused for a bad or stale Slack signature.",
            counters.rejected_signatures);
    counter("paxstats_events_total", "Slack events received.", counters.events);
    counter("paxstats_duplicate_events_total", "Slack events already seen (retries).", counters.duplicate_events);
    counter("paxstats_parse_errors_total", "Backblasts mined live that had parse errors.", counters.parse_errors);
    counter("paxstats_files_sent_total", "Charts delivered to Slack by this process.", counters.files_sent);
    counter("paxstats_jobs_done_total", "Jobs finished.", counters.jobs_done);
    counter("paxstats_jobs_failed_total", "Job attempts that failed.", counters.jobs_failed);
    counter("paxstats_slack_429_total", "Slack rate-limit answers (429).", limiter->throttled());
    try {
      auto db = pool.get();
      const auto d = db::jobs::depth(*db);
      m << "# HELP paxstats_jobs Jobs by status.\n# TYPE paxstats_jobs gauge\n"
        << "paxstats_jobs{status=\"queued\"} " << d.queued << "\npaxstats_jobs{status=\"running\"} " << d.running
        << "\npaxstats_jobs{status=\"failed\"} " << d.failed << "\n";
    } catch (const std::exception&) {
    }
    res.set_content(m.str(), "text/plain; version=0.0.4");
  }

  // ---- workers

  // A Slack client for a region: its bot token from the environment variable it names.
  std::unique_ptr<slack::Client> client_for(db::Database& db, const std::string& slug) {
    const auto region = db::get_region(db, slug);
    const std::string token = slack::bot_token_from_env(region.token_env, slug);
    return std::make_unique<slack::Client>(slack::ClientOptions{.token = token,
                                                                .base_url = o.slack_base_url,
                                                                .workspace = region.team_id.value_or(slug),
                                                                .limiter = limiter,
                                                                .backoff_base = o.slack_backoff});
  }

  void upload_to_user(slack::Client& client, const std::string& user, const reports::PlannedDelivery& d) {
    reports::send_to_user(client, user, d);
    ++counters.files_sent;
  }

  void run_job(db::Database& db, const db::jobs::Job& job) {
    const std::string& region = job.region;
    if (job.kind == "event") {
      const json& ev = job.payload["event"];
      if (text_of(ev, "type") != "message") return;
      if (text_of(ev, "channel_type") == "im") {  // a DM to the bot: "stats"?
        if (ev.contains("bot_id") || text_of(ev, "subtype") != "") return;
        if (auto year = stats_request(text_of(ev, "text"))) {
          db::jobs::enqueue(db, region, "stats", json{{"user", text_of(ev, "user")}, {"year", *year}});
        } else {
          auto client = client_for(db, region);
          client->post_message(text_of(ev, "channel"), std::string("I answer `stats` (or `my stats 2025`).\n") + kHelp);
        }
        return;
      }
      mined(db, region, {job.payload}, {mining::ingest_message_event(db, region, ev)});
      return;
    }
    if (job.kind == "feedback") return feedback(db, job);
    if (job.kind == "stats") {
      const std::string user = text_of(job.payload, "user"), year = text_of(job.payload, "year");
      auto client = client_for(db, region);
      if (db::is_opted_out(db, region, user)) {
        client->post_message(client->open_dm(user), "You turned paxstats DMs off, so no chart: `/paxstats start` turns them on.");
        return;
      }
      const std::string through = reports::through_month(reports::current_month(db, region, o.business_now()), year);
      const auto d = reports::personal_stats(db, region, user, through);
      if (!d) {
        client->post_message(client->open_dm(user), "I found no posts of yours in " + through.substr(0, 4) +
                                                        ". Backblasts that tag you (<@" + user + ">) count.");
        return;
      }
      upload_to_user(*client, user, *d);
      return;
    }
    if (job.kind == "ao_stats") {
      // This month so far; last month's when this one has no beatdown here yet (the 1st).
      const std::string user = text_of(job.payload, "user"), channel = text_of(job.payload, "channel");
      auto client = client_for(db, region);
      std::string month = reports::current_month(db, region, o.business_now());
      for (int tries = 0; tries < 2; ++tries) {
        int sent = 0;
        for (const auto& d : reports::plan_monthly(db, region, month, {"q_counts", "leaderboards", "ao_trend"}).deliveries)
          if (d.recipient == channel) upload_to_user(*client, user, d), ++sent;
        if (sent) return;
        const auto ym = date::year_month{date::year{std::stoi(month.substr(0, 4))},
                                         date::month{static_cast<unsigned>(std::stoi(month.substr(5, 2)))}} -
                        date::months{1};
        month = date::format("%Y-%m", ym);
      }
      client->post_message(client->open_dm(user), "<#" + channel + "> has had no beatdowns this month or last, so no AO charts.");
      return;
    }
    if (job.kind == "run_monthly") return monthly(db, job);
    if (job.kind == "sync") {
      auto client = client_for(db, region);
      const auto r = mining::sync(db, region, *client);
      log::info("sync " + region + ": " + std::to_string(r.inserted) + " new, " + std::to_string(r.updated) + " updated, " +
                std::to_string(r.derived.beatdowns) + " beatdowns derived, " + std::to_string(r.skipped.size()) +
                " channels skipped");
      for (const auto& sk : r.skipped) log::warn("sync " + region + ": skipped " + sk.name + ": " + sk.reason);
      return;
    }
    throw std::runtime_error("unknown job kind " + job.kind);
  }

  // After mining: a log line per event, and a feedback DM queued for a backblast version that
  // could not be read (once per version, after a pause: a burst of edits ends in one DM at most).
  void mined(db::Database& db, const std::string& region, const std::vector<json>& payloads,
             const std::vector<mining::EventIngest>& results) {
    for (size_t i = 0; i < results.size(); ++i) {
      const auto& in = results[i];
      if (in.channel.empty()) continue;
      log::info("event " + text_of(payloads[i], "event_id") + ": " + in.channel + "/" + in.ts +
                (in.is_backblast ? " mined as a backblast" : " stored") +
                (in.errors.empty() ? "" : ", " + std::to_string(in.errors.size()) + " parse error(s)"));
      if (in.is_backblast && !in.errors.empty() && !in.deleted && !in.poster.empty()) {
        ++counters.parse_errors;
        db::jobs::enqueue(db, region, "feedback",
                          json{{"channel", in.channel}, {"ts", in.ts}, {"edited_ts", in.edited_ts}, {"poster", in.poster}},
                          "feedback:" + region + ":" + in.channel + ":" + in.ts + ":" + in.edited_ts, o.feedback_delay_seconds);
      }
    }
  }

  // A burst of channel message events of one region, mined in one transaction. DMs to the bot
  // ("stats") are handled one by one. Throws when the batch failed (each is then tried alone).
  void run_event_batch(db::Database& db, const std::string& region, const std::vector<db::jobs::Job>& jobs) {
    std::vector<json> payloads, events;
    for (const auto& j : jobs) {
      const json& ev = j.payload["event"];
      if (text_of(ev, "type") != "message") continue;
      if (text_of(ev, "channel_type") == "im") {
        run_job(db, j);
        continue;
      }
      payloads.push_back(j.payload);
      events.push_back(ev);
    }
    if (!events.empty()) mined(db, region, payloads, mining::ingest_message_events(db, region, events));
  }

  void feedback(db::Database& db, const db::jobs::Job& job) {
    const std::string& region = job.region;
    const std::string channel = job.payload["channel"], ts = job.payload["ts"], edited = job.payload["edited_ts"],
                      poster = job.payload["poster"];
    // Only for the version it was made for: a newer one has its own job; a fixed one needs none.
    const auto state = mining::message_state(db, region, channel, ts);
    if (!state || state->deleted || state->edited_ts != edited || state->errors.empty()) return;
    const auto r = db::get_region(db, region);
    const bool dm = r.flags.at("send_feedback_dms") && !db::is_opted_out(db, region, poster);
    if (!dm && !r.log_channel) return;
    auto client = client_for(db, region);
    std::vector<reports::ParseProblem> problems;
    for (const auto& e : state->errors) problems.push_back({e.field, e.reason, e.line});
    std::string link;
    try {
      link = client->permalink(channel, ts);
    } catch (const std::exception&) {  // the DM still helps without the link
    }
    // The admins' log first: it never fails the job (and so is never posted twice).
    reports::post_to_log(db, region, *client, reports::log_parse_message(db, region, poster, channel, problems, link));
    if (!dm) return;
    client->post_message(client->open_dm(poster), reports::feedback_message(db, region, poster, channel, problems, link));
    log::info("feedback: DM to " + poster + " about " + channel + "/" + ts + " (" + std::to_string(problems.size()) +
              " error(s))");
  }

  void monthly(db::Database& db, const db::jobs::Job& job) {
    const std::string& region = job.region;
    const long run = job.payload.value("run_id", 0L);
    const std::string month = text_of(job.payload, "month");
    // One run per region at a time: another one (any process) holds the region's delivery lock.
    if (!db::outbox::try_lock(db, region)) throw Deferred{30};
    const db::outbox::Held held(db, region);
    db::jobs::set_run(db, run, "running");
    try {
      auto client = client_for(db, region);
      const auto plan = reports::plan_monthly(db, region, month);
      const int added = reports::queue_plan(db, plan);
      const auto r = reports::deliver(db, region, *client);
      counters.files_sent += r.sent;
      const auto left = db::outbox::counts(db, region, month);
      const json summary{{"planned", plan.deliveries.size()}, {"new", added}, {"sent", r.sent}, {"skipped", r.skipped},
                         {"failed", r.failed}, {"in_doubt", left.in_doubt}, {"pending", left.pending()},
                         {"reasons", r.reasons},
                         {"notes", plan.notes}};
      if (left.pending() > 0) {
        // Slack failed for a while (5xx, timeouts): the run is not over; the job is tried again later
        // and the outbox picks up where it stopped.
        db::jobs::set_run(db, run, "running", summary);
        throw TransientError(std::to_string(left.pending()) + " deliveries of " + region + " " + month +
                             " still pending after Slack failures; retrying later");
      }
      db::jobs::set_run(db, run, "succeeded", summary);
      reports::post_to_log(db, region, *client,
                           reports::log_run_message(db, region, "the " + month + " run (" + std::to_string(run) + ")", r,
                                                    plan.notes));
      log::info("run " + std::to_string(run) + ": " + region + " " + month + ": sent " + std::to_string(r.sent) + ", skipped " +
                std::to_string(r.skipped) + ", failed " + std::to_string(r.failed));
    } catch (const TransientError&) {
      throw;  // the run stays open: the job is retried
    } catch (const std::exception& e) {
      // Retried too when the failure is transient; the run says what happened meanwhile.
      db::jobs::set_run(db, run, retry_policy(e) == Retry::backoff ? "running" : "failed", json::object(),
                        log::redact(e.what()));
      throw;
    }
  }

  void worker() {
    // Jobs (rendering, uploads) yield the CPU to the HTTP threads: Slack wants every ack within
    // 3 s, and a burst of "/paxstats me" must not wait behind the charts it asked for. Linux
    // gives each thread its own nice value.
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0)
      log::warn("serve: cannot lower the job workers' priority: " + std::string(std::strerror(errno)));
    std::unique_ptr<db::Database> db;
    while (!stopping) {
      std::optional<db::jobs::Job> job;
      try {
        if (!db) db = std::make_unique<db::Database>(o.database_url);
        job = db::jobs::claim(*db);
      } catch (const std::exception& e) {
        log::error(std::string("worker: ") + log::redact(e.what()));
        db.reset();
      }
      if (!job) {
        std::unique_lock lock(sleep_mu);
        sleep_cv.wait_for(lock, o.worker_idle, [&] { return stopping.load(); });
        continue;
      }
      if (job->kind == "event" && !job->region.empty()) {
        std::vector<db::jobs::Job> batch{*job};
        try {
          for (auto& more : db::jobs::claim_batch(*db, job->region, "event", 499)) batch.push_back(std::move(more));
          run_event_batch(*db, job->region, batch);
          std::vector<long> ids;
          for (const auto& j : batch) ids.push_back(j.id);
          db::jobs::finish(*db, ids);
          counters.jobs_done += static_cast<long>(batch.size());
          continue;
        } catch (const std::exception& e) {
          log::warn("a batch of " + std::to_string(batch.size()) + " events failed (" + log::redact(e.what()) +
                    "); trying each alone");
        }
        for (const auto& j : batch) attempt(*db, j);
        continue;
      }
      attempt(*db, *job);
    }
  }

  void attempt(db::Database& db, const db::jobs::Job& job) {
    try {
      run_job(db, job);
      db::jobs::finish(db, job.id);
      ++counters.jobs_done;
    } catch (const Deferred& d) {
      log::info("job " + std::to_string(job.id) + " (" + job.kind + ", " + job.region + "): region busy, again in " +
                std::to_string(d.seconds) + " s");
      db::jobs::defer(db, job.id, d.seconds);
    } catch (const std::exception& e) {
      const std::string why = log::redact(e.what());
      const std::string what = "job " + std::to_string(job.id) + " (" + job.kind + ", " + job.region + ")";
      const Retry retry = retry_policy(e);
      try {
        if (retry == Retry::skip) {  // the recipient is gone: nothing to retry, nothing failed
          log::info(what + ": skipped: " + why);
          db::jobs::finish(db, job.id);
          ++counters.jobs_done;
          return;
        }
        ++counters.jobs_failed;
        if (retry == Retry::backoff) {
          log::warn(what + " failed (attempt " + std::to_string(job.attempts + 1) + " of " +
                    std::to_string(o.job_max_attempts) + "), will retry: " + why);
          db::jobs::fail(db, job.id, why, o.job_max_attempts, o.job_backoff_seconds);
        } else {
          // A bad input, setting or token will not get better by waiting: one attempt.
          log::error(what + " failed for good: " + why);
          db::jobs::fail(db, job.id, why, 1);
        }
      } catch (const std::exception&) {
      }
    }
  }

  // ---- scheduler: per region, the monthly run on day D at HH:MM local (the month before), and
  // a daily sync at 04:00 local. A slot missed while down is caught up at start.

  void schedule_once() {
    auto lease = pool.get();
    auto& db = *lease;
    if (const int n = db::jobs::requeue_stale(db))
      log::info("scheduler: " + std::to_string(n) + " job(s) of a worker that died queued again");
    for (const auto& r : db.query("SELECT slug, tz, monthly_day, monthly_time, token_env, "
                                  "extract(epoch FROM created_at)::bigint FROM paxstats.regions WHERE active")) {
      const std::string slug = *r[0], tz = *r[1];
      const int day = std::stoi(*r[2]);
      const int hh = std::stoi(r[3]->substr(0, 2)), mm = std::stoi(r[3]->substr(3, 2));
      const auto created = Clock::time_point(std::chrono::seconds(std::stoll(*r[5])));
      try {
        const auto* zone = date::locate_zone(tz);
        const auto now = o.business_now();
        const auto local = zone->to_local(now);
        const auto ymd = date::year_month_day{date::floor<date::days>(local)};
        auto slot_of = [&](date::year_month ym) {
          return zone->to_sys(date::local_days{ym / date::day(static_cast<unsigned>(day))} + std::chrono::hours(hh) +
                                  std::chrono::minutes(mm),
                              date::choose::earliest);
        };
        date::year_month ym = ymd.year() / ymd.month();
        if (slot_of(ym) > now) ym -= date::months{1};
        const auto slot = slot_of(ym);
        const date::year_month reported = ym - date::months{1};
        const std::string period = date::format("%Y-%m", reported);
        if (slot >= created && !db::jobs::has_run(db, slug, "report", period)) {
          const long run = db::jobs::create_run(db, slug, "report", period);
          if (db::jobs::enqueue(db, slug, "run_monthly", json{{"run_id", run}, {"month", period}},
                                "monthly:" + slug + ":" + period))
            log::info("scheduler: monthly report of " + slug + " for " + period + " queued (run " + std::to_string(run) + ")");
          else
            db::jobs::set_run(db, run, "failed", json::object(), "already queued");
        }
        const char* token = std::getenv(r[4]->c_str());
        if (token && *token && local - date::floor<date::days>(local) >= std::chrono::hours(4))
          db::jobs::enqueue(db, slug, "sync", json::object(), "sync:" + slug + ":" + date::format("%F", ymd));
      } catch (const std::exception& e) {
        log::error("scheduler: " + slug + ": " + log::redact(e.what()));
      }
    }
  }
};

Service::Service(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Service::~Service() { stop(); }

void Service::start() {
  auto& i = *impl_;
  if (i.o.signing_secret.empty())
    throw UserError("SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page");
  {
    db::Database db(i.o.database_url);
    const int requeued = db::jobs::requeue_stale(db);  // a dead process's unfinished jobs
    if (requeued) log::info("serve: " + std::to_string(requeued) + " unfinished job(s) of an earlier run queued again");
  }
  i.pool.warm(8);
  i.routes();
  try {
    i.bound_port = i.server.bind(i.o.host, i.o.port);
  } catch (const std::exception& e) {
    throw UserError("cannot listen on " + i.o.host + ":" + std::to_string(i.o.port) + " (" + e.what() +
                    "; in use? try another --listen port)");
  }
  i.server.start();

  for (int w = 0; w < std::max(1, i.o.workers); ++w) i.workers.emplace_back([&i] { i.worker(); });
  if (i.o.scheduler)
    i.scheduler_thread = std::thread([&i] {
      while (!i.stopping) {
        i.schedule_once();
        std::unique_lock lock(i.sleep_mu);
        i.sleep_cv.wait_for(lock, i.o.scheduler_every, [&] { return i.stopping.load(); });
      }
    });
  if (!i.o.app_token.empty()) {
    i.socket_mode = std::make_unique<slack::SocketModeClient>(slack::SocketModeOptions{
        .app_token = i.o.app_token, .api_base_url = i.o.slack_base_url,
        .on_envelope = [&i](const json& env) { return i.envelope(env); }});
    i.socket_mode->start();
  }
  log::info("serve: listening on http://" + i.o.host + ":" + std::to_string(i.bound_port) + " with " +
            std::to_string(i.workers.size()) + " worker(s)");
}

int Service::port() const { return impl_->bound_port; }

long Service::socket_mode_connections() const { return impl_->socket_mode ? impl_->socket_mode->connections() : 0; }

void Service::stop() {
  auto& i = *impl_;
  if (i.stopping.exchange(true)) return;
  if (i.socket_mode) i.socket_mode->stop();
  i.server.stop();
  i.sleep_cv.notify_all();
  for (auto& w : i.workers)
    if (w.joinable()) w.join();
  if (i.scheduler_thread.joinable()) i.scheduler_thread.join();
  log::info("serve: stopped");
}

void Service::schedule_once() { impl_->schedule_once(); }

}  // namespace paxstats::serve
