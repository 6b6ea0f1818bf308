#pragma once
// Internal: a seeded generator whose output is the same on every machine and standard library
// (std::uniform_int_distribution and friends are implementation-defined, so they are not used).
#include <cstdint>
#include <string>
#include <vector>

namespace paxstats::mining::gen {

class Rng {
  __extension__ typedef unsigned __int128 u128;  // GCC/Clang; exact multiply-shift range reduction

 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<u128>(next()) * n) >> 64); }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo + 1))); }
  // True with probability p (p in [0, 1]); exact and portable: compares 53-bit integers.
  bool chance(double p) { return static_cast<double>(next() >> 11) < p * 9007199254740992.0; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }
  // An independent stream for a sub-task, so adding draws in one place does not shift others.
  Rng fork(uint64_t salt) { return Rng(next() ^ (salt * 0xD1B54A32D192ED03ULL)); }

 private:
  uint64_t state_;
};

}  // namespace paxstats::mining::gen
