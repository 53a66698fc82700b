#pragma once
// `replay`'s timeline for a human: every record numbered by its index in the
// trace (the number violations and the Perfetto export use), the record a
// violation was found at marked, and filters to follow one actor, one
// connection or the run up to a moment.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {

struct TimelineFilter {
  std::vector<std::string> actors;      // globs ("user:u1*"); empty: every actor
  std::string conn;                     // a connection id; empty: every record
  std::optional<runtime::Nanos> until;  // records at or before this virtual time
};

// "1.5s", "250ms", "20us", "7ns" or plain seconds ("0.02") as virtual time;
// UsageError naming `what` otherwise.
runtime::Nanos parse_virtual_time(const std::string& text, const std::string& what);

// UsageError when an actor glob or the connection matches no record of the
// trace (a typo would print an empty timeline), with the ones there are.
void check_filter(const sim::Trace& trace, const TimelineFilter& filter);

std::string format_timeline(const sim::Trace& trace, const std::vector<properties::Violation>& violations,
                            const TimelineFilter& filter, bool colour);

}  // namespace bridgesim::cli
