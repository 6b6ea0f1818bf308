#pragma once
// How long a step took (db/'s bulk writes, the export's tally), logged at debug level
// (PAXSTATS_LOG_LEVEL=debug).
#include <chrono>
#include <string>

#include "paxstats/log.hpp"

namespace paxstats {

class StepTimer {
 public:
  explicit StepTimer(std::string what) : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}
  ~StepTimer() {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
    log::debug(what_ + ": " + std::to_string(ms) + " ms");
  }
  StepTimer(const StepTimer&) = delete;
  StepTimer& operator=(const StepTimer&) = delete;

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace paxstats
