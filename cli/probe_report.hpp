#pragma once
// A probe's outcome in the sweep's report formats (JUnit, JSON, Markdown,
// HTML), each with the live part a sweep has not: the server's /health
// answer, the per-client table, request -> terminal latency, the largest
// gap between events, the faults applied live and those that could not be
// (why), the properties judged and those not judgeable live, and what made
// the probe unable to judge (unreachable, misconfigured).
#include <string>

#include "cli/probe_outcome.hpp"
#include "reports/reports.hpp"

namespace bridgesim::cli {

// One ScenarioResult named "probe:<scenario>", seeds_run = 1. The latency
// histogram stays empty: the reports label it emit-to-receive, which a
// client cannot measure against another machine's clock. A probe that could
// not judge (ProbeOutcome::misconfiguration) fails a "configuration" check.
reports::SweepReport probe_report(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command);

// The live part as Markdown (also inside the HTML and the JUnit's system-out).
std::string live_markdown(const ProbeSpec& spec, const ProbeOutcome& outcome);

struct ProbeDocuments {
  std::string junit, json, markdown, html;
};
// The four reports, each with the live part ("live" in the JSON).
ProbeDocuments probe_documents(const ProbeSpec& spec, const ProbeOutcome& outcome, const std::string& command);

}  // namespace bridgesim::cli
