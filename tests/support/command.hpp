#pragma once
// Running a shell command from a test and reading what it printed.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace paxstats::test {

struct CommandResult {
  int status;          // exit status; -1 when killed by a signal
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace paxstats::test
