#include "paxstats/slack/fake_fleet.hpp"

#include <httplib.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <thread>

#include "state.hpp"

namespace paxstats::slack::fake {

// One server for every workspace: an API call goes to the handler of the fake whose token it
// carries, an upload to the fake named in its URL (/w/N/upload/v1/F…), each in this process, with
// no server or threads of their own.
struct FakeFleet::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::map<std::string, FakeSlack*> by_token;
};

FakeFleet::FakeFleet(std::string host) : host_(std::move(host)), impl_(std::make_unique<Impl>()) {}

FakeFleet::~FakeFleet() { stop(); }

FakeSlack& FakeFleet::add(FakeSlack::Options options) {
  options.host = host_;
  workspaces_.push_back(std::make_unique<FakeSlack>(std::move(options)));
  return *workspaces_.back();
}

void FakeFleet::start() {
  auto& s = impl_->server;
  // One request a connection: httplib keeps a connection alive by polling it every 10 ms on a
  // thread of its own, and a service delivering to hundreds of workspaces keeps hundreds open (the
  // fleet's own CPU was most of the machine's). Closing each costs a loopback connect instead.
  s.set_keep_alive_max_count(1);
  s.set_tcp_nodelay(true);
  s.new_task_queue = [n = std::clamp<size_t>(workspaces_.size(), 8, 64)] { return new httplib::ThreadPool(n); };
  impl_->port = s.bind_to_any_port(host_);
  if (impl_->port <= 0) throw std::runtime_error("the fake Slack fleet could not listen on " + host_);
  for (size_t i = 0; i < workspaces_.size(); ++i) {
    auto& w = *workspaces_[i];
    w.routes();
    w.impl_->upload_base = "http://" + host_ + ":" + std::to_string(impl_->port) + "/w/" + std::to_string(i);
    if (!impl_->by_token.emplace(w.options().token, &w).second)
      throw std::logic_error("two fake workspaces have the token " + w.options().token);
  }
  auto api = [this](const httplib::Request& req, httplib::Response& res) {
    std::string token;
    if (const auto auth = req.get_header_value("Authorization"); auth.rfind("Bearer ", 0) == 0)
      token = auth.substr(7);
    else
      token = req.get_param_value("token");
    const auto it = impl_->by_token.find(token);
    if (it == impl_->by_token.end()) {
      res.set_content(token.empty() ? R"({"ok":false,"error":"not_authed"})" : R"({"ok":false,"error":"invalid_auth"})",
                      "application/json; charset=utf-8");
      return;
    }
    it->second->impl_->api(req, res);
  };
  s.Post(R"(/api/([A-Za-z0-9.]+))", api);
  s.Get(R"(/api/([A-Za-z0-9.]+))", api);
  s.Post(R"(/w/([0-9]+)/upload/v1/(F[0-9]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const size_t i = std::stoul(req.matches[1]);
    if (i >= workspaces_.size()) {
      res.status = 404;
      return;
    }
    workspaces_[i]->impl_->upload(req, res);
  });
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeFleet::stop() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

std::string FakeFleet::base_url() const { return "http://" + host_ + ":" + std::to_string(impl_->port) + "/api/"; }

}  // namespace paxstats::slack::fake
