#pragma once
// The probe's own live attacker (one per hostile client of the scenario,
// actor "user:h<i>/tab3"): on its own valid identity it sends `resume` and
// `cancel` for each run id the probe's users receive, the moment the probe
// learns it, while the run is still under way. The scenario's HostileClient
// attacks once, at its welcome, with the ids known by then; a run that
// takes 50 ms is over before it gets in, so a server that lets anyone
// cancel any run would pass without this one. What it gets is judged like
// any client's: another user's events reaching it break isolation, a run
// ended by its cancel breaks isolation (probe_live_checks).
#include <memory>
#include <string>
#include <vector>

#include "scenarios/client_world.hpp"

namespace bridgesim::cli {

class LiveAttacker {
 public:
  LiveAttacker(const scenarios::ClientWorld& world, std::string user, std::string token);
  void start();
  // Aims at `run` now if connected, else once welcomed.
  void aim(const std::string& run);

 private:
  void send(std::string frame);

  const scenarios::ClientWorld& world_;
  std::string user_;
  std::string token_;
  std::string actor_;
  std::unique_ptr<scenarios::ClientConnection> socket_;
  bool welcomed_ = false;
  std::vector<std::string> waiting_;
};

}  // namespace bridgesim::cli
