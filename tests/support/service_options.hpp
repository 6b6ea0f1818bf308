#pragma once
// paxstats serve as the tests run it in-process: against a fake Slack and its app credentials,
// fast (a 100 ms rate window, 5 ms backoff, workers polling every 20 ms, DMs and Home refreshes
// without their waits, retries after 50 ms × attempts²), no scheduler, the business clock pinned.
// Include after service.hpp and paxstats/slack/fake_slack.hpp (the tests that run serve link both).
#include <chrono>
#include <string>

#include "paxstats/business_clock.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "service.hpp"

namespace paxstats::test {

inline serve::Options fast_service_options(const std::string& database_url, const slack::fake::FakeSlack& fake,
                                           const std::string& signing_secret, BusinessTime now) {
  using namespace std::chrono_literals;
  serve::Options so;
  so.database_url = database_url;
  so.port = 0;
  so.signing_secret = signing_secret;
  so.slack_base_url = fake.base_url();
  so.slack_window = 100ms;
  so.slack_backoff = 5ms;
  so.scheduler = false;
  so.worker_idle = 20ms;
  so.feedback_delay_seconds = 0;
  so.home_refresh_delay_seconds = 0;
  so.job_backoff_seconds = 0.05;
  so.client_id = fake.options().client_id;
  so.client_secret = fake.options().client_secret;
  so.business_now = fixed_business_clock(now);
  return so;
}

}  // namespace paxstats::test
