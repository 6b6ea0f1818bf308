// The trigger API: POST /api/v1/regions/SLUG/runs queues a monthly run, GET /api/v1/runs/N says
// how it goes. Bearer tokens, compared by hash in constant time.
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <charconv>

#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/slack/json_limits.hpp"
#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

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

// Authorization: Bearer <token>, checked against every live token's hash in constant time.
bool ServiceState::authorised(const http::Request& req, http::Response& res, db::Database& db,
                              const std::string& path) {
  const std::string h = req.get_header_value("Authorization");
  const std::string given = h.rfind("Bearer ", 0) == 0 ? token_hash(h.substr(7)) : std::string(64, 'x');
  bool ok = false;
  for (const auto& [name, hash] : db::jobs::live_tokens(db))
    ok |= hash.size() == given.size() && CRYPTO_memcmp(hash.data(), given.data(), hash.size()) == 0;
  if (ok) return true;
  res.status = 401;
  res.set_content(
      json{{"error", "missing or invalid API token (Authorization: Bearer …; paxstats token create)"}}.dump(),
      "application/json");
  log::warn("rejected " + path + " from " + req.remote_addr + ": bad API token");
  return false;
}

void ServiceState::trigger(const http::Request& req, http::Response& res) {
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
  if (!body.is_object())
    return fail(400, "the body must be a JSON object: {\"report\":\"monthly\",\"month\":\"YYYY-MM\"}");
  if (text_of(body, "report") != "monthly") return fail(400, "report must be \"monthly\"");
  if (!body.contains("month") || !body["month"].is_string())
    return fail(400, "month must be a string \"YYYY-MM\", e.g. \"2026-10\"");
  if (body.contains("allow_partial") && !body["allow_partial"].is_boolean())
    return fail(400, "allow_partial must be true or false");
  date::year_month month;
  try {
    month = calendar::parse_month(body["month"].get<std::string>());
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
  const long id = db::jobs::create_run(*db, slug, db::jobs::RunKind::monthly, calendar::month_period(month));
  enqueue(*db, slug, RunMonthlyJob{id, month});
  sleep_cv.notify_all();  // a sender waiting between polls takes it now
  log::info("run " + std::to_string(id) + ": monthly report of " + slug + " for " + calendar::format(month) +
            " queued (trigger API)");
  res.status = 202;
  res.set_content(json{{"run_id", id}, {"status", "queued"}}.dump(), "application/json");
}

void ServiceState::run_status(const http::Request& req, http::Response& res) {
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
  json body{{"run_id", run->id},
            {"region", run->region},
            {"kind", run->kind},
            {"period", run->period ? run->period->name : ""},
            {"status", run->status},
            {"started_at", run->started_at},
            {"finished_at", run->finished_at},
            {"error", run->error},
            {"summary", run->summary}};
  // A report run's deliveries as the outbox holds them now: live while the run works (the
  // summary is written when it ends).
  if (run->kind == db::jobs::RunKind::monthly && run->period) {
    const auto c = db::outbox::counts(*db, run->region, run->period->name);
    body["progress"] = json{{"planned", c.pending() + c.sent + c.skipped + c.failed + c.in_doubt},
                            {"sent", c.sent},
                            {"skipped", c.skipped},
                            {"failed", c.failed},
                            {"in_doubt", c.in_doubt},
                            {"pending", c.pending()}};
  }
  res.set_content(body.dump(), "application/json");
}

}  // namespace paxstats::serve
