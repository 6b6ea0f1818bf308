#include "paxstats/slack/fake_fleet.hpp"

#include <httplib.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <thread>

namespace paxstats::slack::fake {

struct FakeFleet::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::map<std::string, int> port_of_token;
};

FakeFleet::FakeFleet(std::string host) : host_(std::move(host)), impl_(std::make_unique<Impl>()) {}

FakeFleet::~FakeFleet() { stop(); }

FakeSlack& FakeFleet::add(FakeSlack::Options options) {
  options.host = host_;
  workspaces_.push_back(std::make_unique<FakeSlack>(std::move(options)));
  return *workspaces_.back();
}

void FakeFleet::start() {
  for (auto& w : workspaces_) {
    w->start();
    if (!impl_->port_of_token.emplace(w->options().token, w->port()).second)
      throw std::logic_error("two fake workspaces have the token " + w->options().token);
  }
  auto forward = [this](const httplib::Request& req, httplib::Response& res) {
    std::string token;
    if (const auto auth = req.get_header_value("Authorization"); auth.rfind("Bearer ", 0) == 0)
      token = auth.substr(7);
    else
      token = req.get_param_value("token");
    const auto it = impl_->port_of_token.find(token);
    if (it == impl_->port_of_token.end()) {
      res.set_content(token.empty() ? R"({"ok":false,"error":"not_authed"})" : R"({"ok":false,"error":"invalid_auth"})",
                      "application/json; charset=utf-8");
      return;
    }
    httplib::Client to(host_, it->second);
    to.set_read_timeout(std::chrono::seconds(60));
    httplib::Headers headers;
    for (const char* name : {"Authorization", "Content-Type"})
      if (req.has_header(name)) headers.emplace(name, req.get_header_value(name));
    const std::string content_type = req.get_header_value("Content-Type");
    auto answer =
        req.method == "GET" ? to.Get(req.target, headers) : to.Post(req.target, headers, req.body, content_type);
    if (!answer) {
      res.status = 502;
      return;
    }
    res.status = answer->status;
    for (const char* name : {"Retry-After", "X-OAuth-Scopes"})
      if (answer->has_header(name)) res.set_header(name, answer->get_header_value(name));
    res.set_content(answer->body, answer->get_header_value("Content-Type"));
  };
  // Every workspace's calls come through here: a pool as big as theirs together, up to 256.
  impl_->server.new_task_queue = [n = std::clamp<size_t>(workspaces_.size() * 4, 8, 256)] {
    return new httplib::ThreadPool(n);
  };
  impl_->server.Post(R"(/api/([A-Za-z0-9.]+))", forward);
  impl_->server.Get(R"(/api/([A-Za-z0-9.]+))", forward);
  impl_->port = impl_->server.bind_to_any_port(host_);
  if (impl_->port <= 0) throw std::runtime_error("the fake Slack fleet could not listen on " + host_);
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void FakeFleet::stop() {
  if (impl_ && impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
  for (auto& w : workspaces_) w->stop();
}

std::string FakeFleet::base_url() const { return "http://" + host_ + ":" + std::to_string(impl_->port) + "/api/"; }

}  // namespace paxstats::slack::fake
