#include "paxstats/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <regex>

namespace paxstats::log {
namespace {

Level initial_level() {
  const char* v = std::getenv("PAXSTATS_LOG_LEVEL");
  if (!v) return Level::info;
  std::string s(v);
  if (s == "debug") return Level::debug;
  if (s == "warn") return Level::warn;
  if (s == "error") return Level::error;
  return Level::info;
}

std::atomic<Level> g_level{initial_level()};
std::mutex g_mu;

const char* name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    default: return "error";
  }
}

}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

std::string redact(std::string_view text) {
  static const std::regex token(R"(\b(xox[abposre]|xapp)-([A-Za-z0-9]{0,4})[A-Za-z0-9-]*)");
  static const std::regex bearer(R"((Bearer\s+)\S+)", std::regex::icase);
  static const std::regex uri_pw(R"(([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@/\s]*@)");
  static const std::regex kv_pw(R"((password\s*=\s*)('[^']*'|[^\s&]*))", std::regex::icase);
  std::string s(text);
  s = std::regex_replace(s, token, "$1-$2***");
  s = std::regex_replace(s, bearer, "$1***");
  s = std::regex_replace(s, uri_pw, "$1:***@");
  s = std::regex_replace(s, kv_pw, "$1***");
  return s;
}

void write(Level l, std::string_view message) {
  if (l < g_level.load()) return;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = redact(message);
  for (auto& c : line)
    if (c == '\n') c = ' ';  // one event, one line
  std::lock_guard lock(g_mu);
  std::fprintf(stderr, "%s %s %s\n", stamp, name(l), line.c_str());
}

}  // namespace paxstats::log
