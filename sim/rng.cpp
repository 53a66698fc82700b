#include "sim/rng.hpp"

namespace bridgesim::sim {
std::uint64_t splitmix64(std::uint64_t& state) { return runtime::splitmix64(state); }

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) : seed_(seed), generator_(seed) {}

std::uint64_t Rng::next_u64() { return generator_.next(); }

Rng Rng::fork(std::string_view label) const {
  std::uint64_t mix = seed_ ^ fnv1a64(label);
  return Rng(splitmix64(mix));
}

}  // namespace bridgesim::sim
