#pragma once
// A stable, non-cryptographic hash (64-bit FNV-1a) for ids, lanes, colours and change
// detection: the same input gives the same value on every machine. Not for secrets.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace paxstats {

constexpr uint64_t kFnv1aOffset = 1469598103934665603ULL;

// `h`: the hash so far, to hash several pieces as one (fnv1a(b, fnv1a(a)) == fnv1a(a + b)).
constexpr uint64_t fnv1a(std::string_view s, uint64_t h = kFnv1aOffset) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// fnv1a as 16 hex digits.
inline std::string fnv1a_hex(std::string_view s) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(s)));
  return buf;
}

}  // namespace paxstats
