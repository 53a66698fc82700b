// Client frames through the App's message loop (system/message_loop.*,
// system/app.*): a small App admits alice and bob, and each line of the
// input is one text frame from alice, with 5 ms of virtual time after each.
// Checks beyond "no crash" (a BRIDGESIM_ASSERT throws and escapes as one):
// the connection contract holds, every frame the server sends is a JSON
// object with a string type and every run event meets the schema and names
// alice, bob hears nothing, and once both leave the App holds nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/app_fixture.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace bridgesim;
using fuzz::check_frames;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::FuzzApp w;
  auto alice = w.connect_as("alice");
  auto bob = w.connect_as("bob");
  FUZZ_CHECK(alice->accepted && bob->accepted, "valid tokens are admitted");
  const std::size_t bob_heard = bob->frames.size();

  while (!input.empty()) {
    const auto nl = input.find('\n');
    alice->deliver_text(std::string(input.substr(0, nl)));
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    w.run_for(5 * runtime::kNanosPerMilli);
  }
  w.run_for(3 * runtime::kNanosPerSecond);
  check_frames(*alice, "alice");
  check_frames(*bob, "bob");
  FUZZ_CHECK(bob->frames.size() == bob_heard, "bob hears nothing of alice's frames");

  alice->deliver_closed();
  bob->deliver_closed();
  w.run_for(60 * runtime::kNanosPerSecond);
  fuzz::check_empty(w.app());
  return 0;
}
