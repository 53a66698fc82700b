#pragma once
// `bridgesim proxy`: the fault proxy (proxy/, docs/proxy.md) as a standalone
// process, so a browser or any client can go through it.
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace bridgesim::cli {

struct ProxyArgs {
  std::string listen = "127.0.0.1:8081";
  std::string upstream;
  std::string api = "127.0.0.1:8474";  // Toxiproxy's port
  bool no_api = false;
  std::string name = "bridgesim";
  std::string scenario;
  std::string scenario_dir;
  std::uint64_t seed = 1;
  bool swarm = false;
  std::vector<std::string> toxics;  // JSON, one toxic each
  std::string trace;
  std::string ready_file;
  double duration_s = 0;
  std::string protocol_profile = "bridgesim";  // whose token subprotocols aim toxics at users
  std::string ca_file;                         // a wss:// upstream: trust this CA (or certificate) file
  bool insecure = false;                       // a wss:// upstream: no certificate verification (warned)
};

class ProxyCommand {
 public:
  explicit ProxyCommand(CLI::App& app);
  ProxyCommand(const ProxyCommand&) = delete;
  ProxyCommand& operator=(const ProxyCommand&) = delete;

  bool parsed() const;
  // 0 when stopped (signal or --duration), 2 on bad input or when it cannot listen.
  int run() const;

 private:
  ProxyArgs args_;
  CLI::App* command_ = nullptr;
};

}  // namespace bridgesim::cli
