#pragma once
// Internal to db/: a stable, non-cryptographic hash for ids and change detection.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace paxstats::db::detail {

// 64-bit FNV-1a as 16 hex digits. Same input, same output, on every machine.
inline std::string fnv1a_hex(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace paxstats::db::detail
