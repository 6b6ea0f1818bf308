// /metrics: Prometheus text. Requests are counted by route in one place (the server's response
// hook calls count); the rest are counted where they happen.
#include <sstream>

#include "service_state.hpp"

namespace paxstats::serve {

using json = nlohmann::json;

void ServiceState::count(const std::string& path, int code) {
  std::lock_guard lock(counters.mu);
  ++counters.requests[{path, code}];
}

namespace {
// A Prometheus label value: backslash, quote and line break escaped (a route may hold spaces).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}
}  // namespace

void ServiceState::metrics(http::Response& res) {
  std::ostringstream m;
  m << "# HELP paxstats_http_requests_total HTTP requests by path and status.\n"
       "# TYPE paxstats_http_requests_total counter\n";
  {
    std::lock_guard lock(counters.mu);
    for (const auto& [key, n] : counters.requests)
      m << "paxstats_http_requests_total{path=\"" << label(key.first) << "\",code=\"" << key.second << "\"} " << n
        << "\n";
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
  counter("paxstats_dashboard_pages_warmed_total", "Dashboard pages rendered ahead of their visitors.",
          counters.pages_warmed);
  counter("paxstats_slack_429_total", "Slack rate-limit answers (429).", limiter->throttled());
  if (dashboard && read_pool) {
    const auto r = dashboard->replica_counts();
    counter("paxstats_dashboard_replica_reads_total", "Dashboard pages read from the read replica.", r.reads);
    counter("paxstats_dashboard_replica_fallbacks_total",
            "Dashboard pages read from the primary because the replica was behind or away.", r.fallbacks);
  }
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

}  // namespace paxstats::serve
