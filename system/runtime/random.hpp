#pragma once
// Randomness as the system sees it: a seeded stream in the simulated world,
// a seeded stream too in the real world (seeded from the command line).
#include <cstdint>

namespace bridgesim::runtime {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;

  // Uniform in [lo, hi] (inclusive). Portable: Lemire's multiply-shift with
  // rejection, so every standard library gives the same numbers.
  std::uint64_t uniform(std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t span = hi - lo;
    if (span == ~std::uint64_t{0}) return next_u64();
    const std::uint64_t range = span + 1;
    const std::uint64_t threshold = (0 - range) % range;
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * range;
      if (static_cast<std::uint64_t>(m) >= threshold) return lo + static_cast<std::uint64_t>(m >> 64);
    }
  }

  // True with probability `per_million` / 1'000'000.
  bool chance(std::uint32_t per_million) { return uniform(0, 999'999) < per_million; }
};

}  // namespace bridgesim::runtime
