#pragma once
// A probe's outcome in the sweep's report formats (JUnit, JSON, Markdown, HTML).
#include <string>

#include "cli/probe_outcome.hpp"
#include "reports/reports.hpp"

namespace bridgesim::cli {

// One ScenarioResult named "probe:<scenario>", seeds_run = 1. The latency
// histogram stays empty: the reports label it emit-to-receive, which a
// client cannot measure against another machine's clock.
reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command);

}  // namespace bridgesim::cli
