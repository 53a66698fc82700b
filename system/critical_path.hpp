#pragma once
// What startup's critical-path validation requires. The harness draws its
// `component_missing` faults from these lists, so a component or handler
// added here is one the simulator can take away.
#include <string_view>

#include "protocol/message_types.hpp"

namespace bridgesim::system {

// Handlers the router must have for the golden path to work.
inline constexpr std::string_view kRequiredHandlers[] = {
    protocol::client_type::kUserMessage, protocol::client_type::kStartAgent, protocol::client_type::kPing,
    protocol::client_type::kDisconnect,  protocol::client_type::kResume,     protocol::client_type::kCancel};

// Components whose factory may return nothing (a component missing at
// startup), each caught by validation: /health 503 naming it.
inline constexpr std::string_view kCriticalComponents[] = {"bridge", "llm"};

}  // namespace bridgesim::system
