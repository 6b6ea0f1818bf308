#pragma once
// `paxstats serve` as a process of its own, as systemd runs it: started through sh with an
// environment, its output to a file, stopped with SIGTERM.
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace paxstats::test {

// A loopback port nobody listens on now.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

class ServeProcess {
 public:
  // env: "env A=b C=d …"; args: after `serve`. Waits until /healthz answers (up() says whether it did).
  ServeProcess(const std::string& bin, const std::string& env, const std::string& args,
               const std::filesystem::path& log)
      : port_(free_port()) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string cmd = "exec " + env + " '" + bin + "' serve " + args +
                              " --listen 127.0.0.1:" + std::to_string(port_) + " > '" + log.string() + "' 2>&1";
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    httplib::Client http("127.0.0.1", port_);
    for (int i = 0; i < 300 && !up_; ++i) {
      if (auto r = http.Get("/healthz"); r && r->status == 200)
        up_ = true;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool up() const { return up_; }
  int port() const { return port_; }
  // SIGTERM, then waits: the exit status (-1 if a signal ended it) and how long the stop took.
  std::pair<int, std::chrono::duration<double>> stop() {
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::chrono::steady_clock::now() - t0};
  }

 private:
  int port_;
  pid_t pid_ = -1;
  bool up_ = false;
};

}  // namespace paxstats::test
