#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/bench_command.hpp"
#include "cli/bench_regressions_command.hpp"
#include "cli/cli_support.hpp"
#include "cli/probe_command.hpp"
#include "cli/progress.hpp"
#include "cli/proxy_command.hpp"
#include "cli/report_command.hpp"
#include "cli/report_environment.hpp"
#include "cli/run_command.hpp"
#include "cli/sim_commands.hpp"
#include "harness/determinism.hpp"
#include "harness/harness.hpp"
#include "harness/interrupt.hpp"
#include "reports/reports.hpp"
#include "scenarios/world.hpp"
#include "sim/trace.hpp"

namespace bridgesim::cli {
namespace {

// The command line as a shell would take it back, the binary as invoked.
std::string command_line(int argc, char** argv) {
  std::string out = harness::shell_quote(harness::program_name());
  for (int i = 1; i < argc; ++i) out += " " + harness::shell_quote(argv[i]);
  return out;
}

const char* kSubcommandHelp =
    "Examples:\n"
    "  bridgesim run --seeds 1000 --html out/readiness.html\n"
    "  bridgesim run --scenario golden_path --seeds 100 --jobs 2\n"
    "  bridgesim run -s 'auth_*' --exclude auth_flapping --swarm --seeds 200\n"
    "  bridgesim replay --scenario golden_path --seed 17 --perfetto out/seed17.json\n"
    "  bridgesim shrink --scenario swarm --seed 11 --variant permissive_auth\n"
    "  bridgesim run --shard 1/4 --json out/shard1.json   # then: bridgesim report out/shard*.json --html "
    "out/r.html\n"
    "  bridgesim run --rerun-failed out/summary.json      # only the failing seeds, as they ran\n"
    "  bridgesim list\n"
    "Scenario names are looked up in --scenario-dir, else ./scenarios, $BRIDGESIM_SCENARIOS, the installed\n"
    "share/bridgesim/scenarios, the source tree it was built from (`bridgesim list` says which).\n"
    "Exit codes: 0 pass, 1 property violated, 2 usage or input error (also: nothing ran), 130 interrupted (SIGINT or "
    "SIGTERM).";

// "bridgesim rnu": CLI11 would say only that a subcommand is required.
std::optional<std::string> unknown_subcommand(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == argv[1]) return std::nullopt;
    names.push_back(sub->get_name());
  }
  return "unknown command '" + std::string(argv[1]) + "'" + did_you_mean(argv[1], names) + "; run `" +
         harness::program_name() + " --help` for the list";
}

// Output the user asked for that did not reach its file is an error.
int checked_stdout(int code) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    std::fprintf(stderr, "error: cannot write standard output: %s\n", std::strerror(errno));
    return kExitUsage;
  }
  return code;
}

}  // namespace

void write_file(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) throw UsageError("cannot write " + path + ": " + ec.message());
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) throw UsageError("cannot write " + path + ": " + std::strerror(errno));
  // Checked after the flush and the close: a full disk shows only there.
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed)
    throw UsageError("cannot write " + path + ": " + std::strerror(!written ? write_errno : errno));
}

int main_with_args(int argc, char** argv) {
  if (argc > 0) harness::set_program_name(argv[0]);
  CLI::App app{"bridgesim: deterministic simulation and fault injection for an agent -> WebSocket backend"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());
  app.footer(kSubcommandHelp);

  RunArgs run;
  auto* run_cmd = add_run_command(app, run);
  ReplayArgs replay;
  auto* replay_cmd = add_replay_command(app, replay);
  ListArgs list;
  auto* list_cmd = add_list_command(app, list);
  ShrinkArgs shrink_args;
  auto* shrink_cmd = add_shrink_command(app, shrink_args);
  const BenchRegressionsCommand bench_cmd(app);
  const ReportCommand report_cmd(app);

  auto* serve_cmd = register_serve_command(app);
  const ProbeCommand probe_cmd(app);
  const BenchCommand bench_real_cmd(app);
  const ProxyCommand proxy_cmd(app);  // the fault proxy (cli/proxy_command.hpp)

  if (const auto unknown = unknown_subcommand(app, argc, argv)) {
    std::fprintf(stderr, "error: %s\n", unknown->c_str());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return checked_stdout(code == 0 ? kExitPass : kExitUsage);
  }
  try {
    if (run_cmd->parsed()) return checked_stdout(do_run(run, command_line(argc, argv)));
    if (replay_cmd->parsed()) return checked_stdout(do_replay(replay));
    if (list_cmd->parsed()) return checked_stdout(do_list(list));
    if (shrink_cmd->parsed()) return checked_stdout(do_shrink(shrink_args));
    if (bench_cmd.parsed()) return checked_stdout(bench_cmd.run());
    if (report_cmd.parsed()) return checked_stdout(report_cmd.run());
    if (serve_cmd->parsed()) return run_serve_command();
    if (probe_cmd.parsed()) return checked_stdout(probe_cmd.run());
    if (bench_real_cmd.parsed()) return checked_stdout(bench_real_cmd.run());
    if (proxy_cmd.parsed()) return checked_stdout(proxy_cmd.run());
    return kExitUsage;
  } catch (const scenarios::ScenarioError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const reports::ReportError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
  } catch (const std::exception& e) {
    // Last resort: bad input must never abort the process.
    std::fprintf(stderr, "error: %s\n", e.what());
  }
  std::fflush(stdout);
  return kExitUsage;
}

}  // namespace bridgesim::cli
