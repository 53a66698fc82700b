#pragma once
// Checks only the probe makes, on what its clients saw of a live server
// (docs/probe.md): they need no record the simulator writes.
//
//  * fanout (a property of its own): each event of a user's run reaches
//    every tab of that user that was welcomed before the run was asked for
//    and stayed open past the event, and no tab gets an event twice unless
//    it asked again (resume, or the request resent) in between. Users a
//    fault aimed at (fault_hit) are not judged.
//  * event_gap (its own, judged when --max-event-gap-ms is given):
//    consecutive events (seq n, n + 1) of a run on one socket at most that
//    far apart, for users no fault aimed at.
//  * under protocol: a socket the server left open after `disconnect`
//    (the probe's disconnect_ignored record).
//  * under isolation: a run ended "cancelled" by another user's cancel.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {

inline constexpr std::string_view kFanout = "fanout";
inline constexpr std::string_view kEventGap = "event_gap";

std::optional<properties::Violation> check_fanout(const sim::Trace& trace, const properties::ClientView& view);
std::optional<properties::Violation> check_event_gap(const sim::Trace& trace, const properties::ClientView& view,
                                                     std::int64_t max_gap_ms);
std::optional<properties::Violation> check_disconnect_honoured(const sim::Trace& trace,
                                                               runtime::Nanos disconnect_timeout_ns);
std::optional<properties::Violation> check_foreign_cancel(const sim::Trace& trace, const properties::ClientView& view);

}  // namespace bridgesim::cli
