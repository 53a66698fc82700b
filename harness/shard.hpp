#pragma once
// Splitting a seed range over CI shards.
#include <cstdint>
#include <utility>

namespace bridgesim::harness {

// Seeds [first, first + count) split into `shards` contiguous ranges that
// partition it exactly; returns shard `index` (1-based) as {first, count}.
// Throws std::invalid_argument unless 1 <= index <= shards.
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t first, std::uint64_t count, std::uint64_t index,
                                                    std::uint64_t shards);

}  // namespace bridgesim::harness
