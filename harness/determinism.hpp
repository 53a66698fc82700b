#pragma once
// Determinism, checked the way FoundationDB and madsim check it: run a seed
// twice and compare the traces record by record. The second run starts on a
// disturbed heap (blocks of seed-dependent sizes held for its whole life), so
// an order that depends on pointer values shows as a divergence instead of
// repeating by luck.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "scenarios/variants.hpp"

namespace bridgesim::harness {

struct Divergence {
  std::uint64_t seed = 0;
  std::size_t record_index = 0;  // the first record that differs (or the shorter trace's end)
  std::string first;             // that record in the first run ("<end of trace>" when it has none)
  std::string second;            // and in the second
};

// Heap blocks of sizes drawn from `seed`, some freed again, held while the
// value lives: the allocator then hands later allocations other addresses
// (and another relative order) than on an undisturbed heap.
using HeapDisturbance = std::vector<std::unique_ptr<char[]>>;
HeapDisturbance disturb_heap(std::uint64_t seed);

// nullopt when both runs of `seed` give the same trace.
std::optional<Divergence> check_determinism(const scenarios::Scenario& scenario, std::uint64_t seed,
                                            const scenarios::Variant* variant, bool force_swarm = false);

}  // namespace bridgesim::harness
