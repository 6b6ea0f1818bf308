#pragma once
// Internal to db/: running the PostgreSQL server tools.
#include <optional>
#include <string>
#include <vector>

namespace paxstats::db::detail {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

struct RunAs {
  unsigned uid;
  unsigned gid;
};

// Runs argv[0] (a path) with argv, waits, and returns its exit code and output. When run_as is
// set (we are root), the child drops to that uid/gid before exec. Throws std::system_error if
// the process cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::optional<RunAs> run_as = {});

}  // namespace paxstats::db::detail
