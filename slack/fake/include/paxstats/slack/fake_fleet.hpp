#pragma once
// Many fake workspaces behind one URL, as Slack is one API for every workspace: each call goes
// to the fake whose bot token it carries (the Authorization header, else the token field), and an
// upload to the fake its URL names. One server and its threads answer for all of them (400
// workspaces with a server each were 3,000 threads). For tests and benchmarks of many regions on
// one service. A fake of a fleet is never start()ed itself.
#include <memory>
#include <string>
#include <vector>

#include "paxstats/slack/fake_slack.hpp"

namespace paxstats::slack::fake {

class FakeFleet {
 public:
  // Listens on host (any free port). The workspaces are added before start().
  explicit FakeFleet(std::string host = "127.0.0.1");
  ~FakeFleet();
  FakeFleet(const FakeFleet&) = delete;
  FakeFleet& operator=(const FakeFleet&) = delete;

  // A workspace of its own (options.token must differ from every other's); started with the fleet.
  FakeSlack& add(FakeSlack::Options options);
  void start();
  void stop();
  std::string base_url() const;  // http://HOST:PORT/api/
  const std::vector<std::unique_ptr<FakeSlack>>& workspaces() const { return workspaces_; }

 private:
  struct Impl;
  std::string host_;
  std::vector<std::unique_ptr<FakeSlack>> workspaces_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace paxstats::slack::fake
