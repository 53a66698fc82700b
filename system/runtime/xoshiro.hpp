#pragma once
// xoshiro256** seeded by SplitMix64 (Blackman & Vigna): small, fast and the
// same numbers for the same seed on every platform and standard library.
// Shared by the simulated world (sim::Rng) and the real one
// (net::SeededRandom), which may both depend on system/runtime/.
#include <array>
#include <cstdint>

namespace bridgesim::runtime {

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Xoshiro256ss {
 public:
  explicit constexpr Xoshiro256ss(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }
  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace bridgesim::runtime
