#pragma once
// What a probe's trace says per client and per request: the figures it
// prints beside the properties' verdict (informational, never a verdict).
#include <set>
#include <string>
#include <vector>

#include "cli/probe_outcome.hpp"
#include "properties/client_view.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {

// One row per actor, in the order given: requests asked, runs completed or
// errored, lifecycle events and refusals (first receipt per run and seq).
std::vector<ClientSummary> summarize(const sim::Trace& trace, const properties::ClientView& view,
                                     const std::vector<std::string>& actors, const std::set<std::string>& finished);

// The largest gap between consecutive events of one run as one client
// received them: sets out.max_event_gap_ns and out.max_event_gap_where.
void measure_gaps(const properties::ClientView& view, ProbeOutcome& out);

// From each request's first send to its first terminal event, per client:
// fills out.request_to_terminal_ns, sorted.
void measure_requests(const properties::ClientView& view, ProbeOutcome& out);

}  // namespace bridgesim::cli
