#pragma once
// The only source of randomness in a simulated run: xoshiro256** seeded by
// SplitMix64. Components get their own stream with fork(label), so adding a
// draw in one component does not shift the numbers of another.
#include <array>
#include <cstdint>
#include <string_view>

#include "system/runtime/random.hpp"
#include "system/runtime/xoshiro.hpp"

namespace bridgesim::sim {

std::uint64_t splitmix64(std::uint64_t& state);
// FNV-1a, 64 bit: stable across platforms and runs.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t basis = 14695981039346656037ull);

class Rng final : public runtime::Random {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64() override;
  // An independent stream derived from this stream's seed and `label`;
  // does not advance this stream.
  Rng fork(std::string_view label) const;
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  runtime::Xoshiro256ss generator_;
};

}  // namespace bridgesim::sim
