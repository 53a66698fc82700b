#pragma once
// The probe's live loop: the scenario's clients (scenarios::populate) on the
// Beast client in real time, until every one is done or the deadline.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "cli/probe_outcome.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {

struct LiveRun {
  bool all_finished = false;
  std::vector<std::string> actors;  // every client, in creation order
  std::set<std::string> finished;
};

// Connects every client and runs the io loop on the calling thread. The
// clients record into `trace`; the probe adds only records of its own
// (actor "probe"): `not_admitted {client, why}` for each user client still
// trying to get in when it stopped (never opened a socket, or its latest
// socket was never welcomed with connection_established), then `end {reason, clients, finished}`.
LiveRun run_live(const ProbeSpec& spec, sim::Trace& trace, const std::function<void(const std::string&)>& say);

}  // namespace bridgesim::cli
