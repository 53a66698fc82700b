#pragma once
// Shared by the fault-effect tests: a small run with a fault and, same seed,
// without it, and readers for what the clients, the network and the system
// recorded. None of them reads a fault_hit record: a fault's own record is
// not the proof that it did anything.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::fault_effect {

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;
inline constexpr std::string_view kClient = "user:u1";
inline constexpr std::uint64_t kSeeds[] = {1, 2, 3};

struct Runs {
  sim::Trace with;     // the fault planned
  sim::Trace without;  // the same scenario and seed, no fault
};

// `users` users (u1..), one question each, all connecting at 0; `faults` is
// the [[fault]] tables of the run with the fault.
Runs run_both(const std::string& faults, std::uint64_t seed, int users = 1);

std::vector<const sim::TraceRecord*> records(const sim::Trace& trace, std::string_view actor, std::string_view kind);
std::optional<runtime::Nanos> first_at(const sim::Trace& trace, std::string_view actor, std::string_view kind);

// Net records (accept, reject, close, abort) of the connections `client` opened.
std::vector<const sim::TraceRecord*> net_records(const sim::Trace& trace, std::string_view client,
                                                 std::string_view kind);

// A frame `client` received, parsed.
struct Received {
  runtime::Nanos at_ns = 0;
  std::string type;
  std::string run;
  std::uint64_t seq = 0;
  std::string code;          // error frames
  bool has_session = false;  // connection_established carries a session_id
};
std::vector<Received> received(const sim::Trace& trace, std::string_view client);
bool received_type(const sim::Trace& trace, std::string_view client, std::string_view type);

// Every event the relay published for u1, with when `client` first received
// it (nullopt: never).
struct Delivery {
  runtime::Nanos published_ns = 0;
  std::optional<runtime::Nanos> received_ns;
};
std::vector<Delivery> deliveries(const sim::Trace& trace, std::string_view client);

// Largest and smallest publish-to-receive delay over the delivered events.
runtime::Nanos max_delay(const std::vector<Delivery>& d);
runtime::Nanos min_delay(const std::vector<Delivery>& d);

// The codes of the client's `closed` records.
std::vector<std::string> closed_codes(const sim::Trace& trace, std::string_view client);

}  // namespace bridgesim::fault_effect
