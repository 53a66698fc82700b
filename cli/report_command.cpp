#include "cli/report_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/cli_support.hpp"
#include "cli/commands.hpp"
#include "cli/report_environment.hpp"
#include "reports/reports.hpp"

namespace bridgesim::cli {

ReportCommand::ReportCommand(CLI::App& app) {
  command_ = app.add_subcommand("report", "Merge JSON result files (shards, jobs) into one set of reports");
  command_->add_option("inputs", inputs_, "JSON files written by `run --json`")->required()->check(CLI::ExistingFile);
  command_->add_option("--junit", junit_, "Write merged JUnit XML here");
  command_->add_option("--json", json_, "Write the merged JSON here");
  command_->add_option("--markdown", markdown_, "Write a merged Markdown summary here");
  command_->add_option("--html", html_, "Write the merged HTML readiness report here");
  command_->add_option("--color", color_, kColorHelp)
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  command_->footer(
      "Example:\n  bridgesim run --shard 1/2 --json out/s1.json && bridgesim run --shard 2/2 --json out/s2.json\n"
      "  bridgesim report out/s1.json out/s2.json --html out/readiness.html\n"
      "A seed in two inputs is refused; seeds no input ran (a shard left out) make the reports\n"
      "INCOMPLETE / NOT READY, are named, and exit 2.");
}

bool ReportCommand::parsed() const { return command_->parsed(); }

int ReportCommand::run() const {
  std::vector<reports::SweepReport> parts;
  for (const auto& path : inputs_) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    parts.push_back(reports::from_json(text.str(), path));
  }
  auto merged = reports::merge(parts);
  // The merged reports are made here and now; the shards' own facts stay in
  // their JSON. Their wall times add up (reports::merge) into the JUnit's.
  merged.command = "bridgesim report";
  for (const auto& path : inputs_) merged.command += " " + path;
  merged.environment = current_environment();
  merged.json_beside = json_beside(html_, json_);
  write_file(json_, reports::to_json(merged));
  write_file(junit_, reports::to_junit_xml(merged));
  write_file(markdown_, reports::to_markdown(merged));
  write_file(html_, reports::to_html(merged));
  const std::string verdict = merged.verdict();
  const bool colour = use_colour(color_, STDOUT_FILENO);
  std::printf("merged %zu files: %llu runs, %llu failing seeds, verdict %s\n", parts.size(),
              static_cast<unsigned long long>(merged.total_runs()),
              static_cast<unsigned long long>(merged.total_failing_seeds()),
              verdict == "pass"   ? paint(colour, "32", "PASS").c_str()
              : verdict == "fail" ? paint(colour, "31", "FAIL").c_str()
                                  : paint(colour, "33", "INCOMPLETE").c_str());
  for (const auto* path : {&junit_, &json_, &markdown_, &html_}) {
    if (!path->empty()) std::printf("wrote %s\n", path->c_str());
  }
  // Seeds that never ran are an input error whatever the others found: the
  // reports say NOT READY and name them, and CI must not read a pass.
  for (const auto& r : merged.results) {
    if (r.missing.empty()) continue;
    const std::string name = r.variant.empty() ? r.scenario : r.scenario + "[" + r.variant + "]";
    std::fprintf(stderr, "error: incomplete: %s seeds %s never ran (merge the shards that ran them)\n", name.c_str(),
                 reports::ranges_text(r.missing).c_str());
  }
  if (merged.partial)
    std::fprintf(stderr, "error: incomplete: an input is partial (its sweep was stopped by a signal)\n");
  for (const auto& name : merged.missing_scenarios)
    std::fprintf(stderr, "error: incomplete: scenario %s never ran (merge every partition of the --partition run)\n",
                 name.c_str());
  if (!merged.complete() || merged.partial) return kExitUsage;
  return merged.passed() ? kExitPass : kExitViolation;
}

}  // namespace bridgesim::cli
