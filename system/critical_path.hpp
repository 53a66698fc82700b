#pragma once
// What startup's critical-path validation requires. The harness draws its
// `component_missing` faults from these lists, so a component or handler
// added here is one the simulator can take away.
#include <string_view>

namespace bridgesim::system {

// Handlers the router must have for the golden path to work.
inline constexpr std::string_view kRequiredHandlers[] = {"user_message", "start_agent", "ping",
                                                         "disconnect",   "resume",      "cancel"};

// Components whose factory may return nothing (a component missing at
// startup), each caught by validation: /health 503 naming it.
inline constexpr std::string_view kCriticalComponents[] = {"bridge", "llm"};

}  // namespace bridgesim::system
