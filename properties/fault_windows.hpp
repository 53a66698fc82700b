#pragma once
// When injected faults may explain what a connection saw: each planned fault
// (the faults' `planned` records) from its start until it healed plus a
// settle margin, for the user it targets or for everyone; and each time the
// server shed a lagging reader (close 1013), for that user, until the settle
// margin has passed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace bridgesim::properties {

// Time for clients to notice a healed fault (stall timer, backoff) and for
// what they asked again to arrive.
inline constexpr runtime::Nanos kFaultSettleNs = 5 * runtime::kNanosPerSecond;

struct FaultWindow {
  std::string kind;
  std::string target;  // "*" or "user:<id>"
  runtime::Nanos from_ns = 0;
  runtime::Nanos to_ns = 0;  // heal + settle margin
};

std::vector<FaultWindow> fault_windows(const sim::Trace& trace);
// "12.5s" -> ns; nullopt when not "<seconds>[.<fraction>]s".
std::optional<runtime::Nanos> parse_virtual_time(std::string_view text);

// The first window for `user` (or everyone) that overlaps [from, to].
const FaultWindow* fault_explaining(const std::vector<FaultWindow>& windows, std::string_view user,
                                    runtime::Nanos from_ns, runtime::Nanos to_ns);

// Whether the auth service was down, slow or flapping at `at` (until heal +
// settle): its cache then stands in for it, so a revocation it could not
// announce is hidden.
bool auth_service_degraded(const std::vector<FaultWindow>& windows, runtime::Nanos at_ns);

// "[0.100000s, 0.300000s]"
std::string format_window(runtime::Nanos from_ns, runtime::Nanos to_ns);

// How a violation names the window it judged fault-free.
std::string fault_free_note(std::string_view user, runtime::Nanos from_ns, runtime::Nanos to_ns);

}  // namespace bridgesim::properties
