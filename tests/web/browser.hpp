#pragma once
// Headless Chromium driven through ChromeDriver (W3C WebDriver over HTTP), for the tests that
// look at paxstats in a real browser. Tests skip when either program is missing
// (scripts/bootstrap installs chromium and chromium-driver).
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "eventually.hpp"

namespace paxstats::test {

using namespace std::chrono_literals;
using json = nlohmann::json;

inline const char* kDriver = "/usr/bin/chromedriver";
inline const char* kChromium = "/usr/bin/chromium";
inline bool have_browser() { return std::filesystem::exists(kDriver) && std::filesystem::exists(kChromium); }

inline std::string base64_decode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '+')
      d = 62;
    else if (c == '/')
      d = 63;
    else
      continue;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// A port nobody listens on now (the kernel's choice, closed again for ChromeDriver to take).
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  close(fd);
  return ntohs(a.sin_port);
}

// ChromeDriver as a child process, and one browser session through it.
class Browser {
 public:
  Browser(const std::filesystem::path& profile) : port_(free_port()) {
    pid_ = fork();
    if (pid_ == 0) {
      // Chromium keeps the wall clock even when the tests run under faketime.
      ::unsetenv("LD_PRELOAD");
      ::unsetenv("FAKETIME");
      const std::string arg = "--port=" + std::to_string(port_);
      execl(kDriver, kDriver, arg.c_str(), "--log-level=SEVERE", static_cast<char*>(nullptr));
      _exit(127);
    }
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    http_->set_read_timeout(120, 0);
    const bool up = test::eventually(
        [&] { return waitpid(pid_, nullptr, WNOHANG) != 0 || static_cast<bool>(http_->Get("/status")); }, 20s);
    if (!up || waitpid(pid_, nullptr, WNOHANG) != 0) throw std::runtime_error("chromedriver did not start");
    json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions",
                      {{"binary", kChromium},
                       {"args",
                        {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1300,1800", "--hide-scrollbars", "--user-data-dir=" + profile.string()}}}},
                     {"goog:loggingPrefs", {{"browser", "ALL"}}}}}}}};
    const json r = call("POST", "/session", caps);
    session_ = r["value"]["sessionId"];
  }
  ~Browser() {
    if (!session_.empty()) http_->Delete(("/session/" + session_).c_str());
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  json call(const std::string& method, const std::string& path, const json& body = json::object()) {
    httplib::Result r = method == "GET"      ? http_->Get(path.c_str())
                        : method == "DELETE" ? http_->Delete(path.c_str())
                                             : http_->Post(path.c_str(), body.dump(), "application/json");
    if (!r) throw std::runtime_error("chromedriver " + path + ": no answer");
    json j = json::parse(r->body, nullptr, false);
    if (r->status != 200) throw std::runtime_error("chromedriver " + path + ": " + r->body.substr(0, 400));
    return j;
  }
  json s(const std::string& method, const std::string& path, const json& body = json::object()) {
    return call(method, "/session/" + session_ + path, body);
  }
  void go(const std::string& url) { s("POST", "/url", {{"url", url}}); }
  std::string url() { return s("GET", "/url")["value"]; }
  json run(const std::string& script) {
    return s("POST", "/execute/sync", {{"script", script}, {"args", json::array()}})["value"];
  }
  std::string text(const std::string& css) {
    return run("var e = document.querySelector(" + json(css).dump() + "); return e ? e.textContent : null;")
        .get<std::string>();
  }
  std::string figure(const std::string& label) { return text("[data-figure=" + json(label).dump() + "] .value"); }
  void click(const std::string& css) {
    const json e = s("POST", "/element", {{"using", "css selector"}, {"value", css}})["value"];
    s("POST", "/element/" + e.begin().value().get<std::string>() + "/click");
  }
  void screenshot(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << base64_decode(s("GET", "/screenshot")["value"].get<std::string>());
  }
  // Console messages at SEVERE (JavaScript errors, failed loads) since the last call.
  std::vector<std::string> errors() {
    std::vector<std::string> out;
    for (const auto& e : s("POST", "/se/log", {{"type", "browser"}})["value"])
      if (e.value("level", "") == "SEVERE") out.push_back(e.value("message", ""));
    return out;
  }
  void clear_cookies() { s("DELETE", "/cookie"); }

 private:
  int port_;
  pid_t pid_ = -1;
  std::unique_ptr<httplib::Client> http_;
  std::string session_;
};

}  // namespace paxstats::test
