#include "harness/shard.hpp"

#include <algorithm>
#include <stdexcept>

namespace bridgesim::harness {

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t first, std::uint64_t count, std::uint64_t index,
                                                    std::uint64_t shards) {
  if (shards == 0 || index == 0 || index > shards) throw std::invalid_argument("shard must be K/N with 1 <= K <= N");
  // The first (count % shards) shards take one seed more.
  const std::uint64_t base = count / shards, extra = count % shards;
  const std::uint64_t k = index - 1;
  const std::uint64_t start = first + k * base + std::min(k, extra);
  return {start, base + (k < extra ? 1 : 0)};
}

}  // namespace bridgesim::harness
