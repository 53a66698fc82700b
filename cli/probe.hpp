#pragma once
// `bridgesim probe` as a function: drive a live server that speaks the wire
// protocol (docs/protocol.md) with the simulated clients' own workload code
// (scenarios::UserClient, HostileClient, built by scenarios::populate) over
// real sockets in real time, record what they do and see in the same trace
// format, judge it with the same client-side properties.
#include <string>
#include <vector>

#include "cli/probe_endpoint.hpp"
#include "cli/probe_outcome.hpp"
#include "cli/probe_report.hpp"

namespace bridgesim::cli {

// What a probe can judge: only what clients see. runs, resources, health
// and no_crash read the server's own records, which a live server does not
// give out; on a probe trace they would pass without having looked.
const std::vector<std::string>& client_side_properties();

// Runs the probe on the calling thread until every client is done or the
// deadline passes. Throws ProbeInputError (unreachable server, unknown
// property); a misbehaving server shows up as violations, never as a throw.
ProbeOutcome probe(const ProbeSpec& spec);

}  // namespace bridgesim::cli
