#pragma once
// A fake Slack with a small workspace, and clients pointed at it.
#include <memory>

#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"

namespace paxstats::test {

struct SlackWorld {
  explicit SlackWorld(slack::fake::FakeSlack::Options options = {}) : fake(options) {
    fake.add_user({"U0000000A1", "gilmore", "Gil More", "Gilmore"});
    fake.add_user({"U0000000A2", "doppler", "Dop Pler", "Doppler"});
    fake.add_user({"U0000000GN", "gone", "Gone Guy", "Gone", /*deleted=*/true});
    fake.add_channel({"C0000000F1", "1st-f", false, false, false, {bot(), "U0000000A1", "U0000000A2"}});
    fake.add_channel({"C0000000AO", "ao-the-forge", false, false, false, {}});        // bot not a member
    fake.add_channel({"C0000000PR", "site-qs", true, false, false, {"U0000000A1"}});  // private, bot not in it
    fake.add_channel({"C0000000AR", "ao-closed", false, true, false, {bot()}});       // archived
    fake.start();
  }
  std::string bot() const { return fake.options().bot_user_id; }

  // A client on the given clock, with every Slack rate applied (tests that want speed shrink them).
  std::unique_ptr<slack::Client> client(slack::Clock& clock, slack::ClientOptions o = {}) {
    limiter = std::make_shared<slack::RateLimiter>(clock);
    o.token = o.token.empty() ? fake.options().token : o.token;
    o.base_url = fake.base_url();
    o.limiter = limiter;
    o.jitter_seed = 7;
    return std::make_unique<slack::Client>(o);
  }

  slack::fake::FakeSlack fake;
  std::shared_ptr<slack::RateLimiter> limiter;
};

}  // namespace paxstats::test
