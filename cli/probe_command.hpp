#pragma once
// `bridgesim probe` as a subcommand: its options live in the command object
// that registered them, so nothing outlives one main_with_args call.
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace bridgesim::cli {

struct ProbeArgs {
  std::string url;
  std::string token_secret;  // default: the development secret `serve` uses
  int users = 3;
  int messages = 1;
  std::string scenario;
  std::string scenario_dir;  // default: harness::default_scenario_dir()
  double deadline_s = 30;
  std::uint64_t seed = 1;
  std::vector<std::string> properties;
  bool no_health = false;
  std::int64_t max_event_gap_ms = 0;
  std::int64_t disconnect_timeout_ms = 1'500;
  std::string protocol_profile = "bridgesim";
  std::string msg_id_prefix;
  std::string ca_file;     // wss://: trust this CA (or certificate) file
  bool insecure = false;   // wss://: no certificate verification (warned)
  bool via_proxy = false;  // through an embedded fault proxy: the network faults run too
  std::string html, junit, json, markdown, trace;
  // Whether an option was given, for the rerun command.
  CLI::Option* users_option = nullptr;
  CLI::Option* messages_option = nullptr;
  CLI::Option* deadline_option = nullptr;
};

class ProbeCommand {
 public:
  // Adds `probe` to `app`, its options bound to this object.
  explicit ProbeCommand(CLI::App& app);
  ProbeCommand(const ProbeCommand&) = delete;
  ProbeCommand& operator=(const ProbeCommand&) = delete;

  bool parsed() const;
  // Runs the parsed probe; returns the exit code (0 pass, 1 violation, 2 input).
  int run() const;

 private:
  ProbeArgs args_;
  CLI::App* command_ = nullptr;
};

}  // namespace bridgesim::cli
