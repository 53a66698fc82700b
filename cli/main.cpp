#include <cstdlib>

#include "cli/commands.hpp"
#include "harness/determinism.hpp"

int main(int argc, char** argv) {
  // Hidden, for tests/sweep/fresh_process_test.sh: BRIDGESIM_HEAP_DISTURB=N
  // starts the process on a heap disturbed by a pattern drawn from N, so the
  // same seeds run on another heap layout and must still give the same traces.
  const char* disturb = std::getenv("BRIDGESIM_HEAP_DISTURB");
  const auto held = disturb ? bridgesim::harness::disturb_heap(std::strtoull(disturb, nullptr, 10))
                            : bridgesim::harness::HeapDisturbance{};
  return bridgesim::cli::main_with_args(argc, argv);
}
