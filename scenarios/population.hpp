#pragma once
// The clients of one run, as a scenario names them: users u1..uN with `tabs`
// tabs each, hostile clients h1..hM, and the tokens they hold. The simulated
// world and `bridgesim probe` build them here, so a scenario means the same
// clients in both worlds.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/client_world.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/workloads.hpp"
#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"

namespace bridgesim::scenarios {

// How long a valid token lives, from the population's "now".
inline constexpr std::int64_t kTokenLifetimeS = 24 * 3600;

struct PopulationSpec {
  std::string_view jwt_secret;  // the server's: valid tokens are signed with it
  std::int64_t now_unix_s = 0;  // token lifetimes count from here
  // Token faults (expired / forged / missing) are looked up here, by user.
  const sim::FaultPlan* token_faults = nullptr;
  // Handed to every user client for the faults it enacts itself
  // (client_close); nullptr: none.
  const sim::FaultPlan* client_faults = nullptr;
  // What the clients do beyond the workload: the seed's mix (mix_for), not
  // necessarily the scenario's own table.
  WorkloadMix mix{};
  // Before every client_msg_id the clients make (ClientPlan::msg_id_prefix): "" in the simulator.
  std::string msg_id_prefix{};
};

struct Population {
  std::vector<std::string> actors;  // users' clients in creation order, then the hostile ones
  std::vector<std::unique_ptr<UserClient>> users;
  std::vector<std::unique_ptr<HostileClient>> hostiles;
};

// The token a user holds given the token faults aimed at it; sets
// plan.token and plan.token_kind. True when a token fault applied.
bool assign_user_token(ClientPlan& plan, const PopulationSpec& spec);

// Builds and starts every client. RNG streams are forked from `root`
// ("client:<user>/<tab>", "hostile:<user>", "starts"); start times are drawn
// from "starts" in creation order, so the same seed starts the same clients
// at the same offsets in either world. The mix adds clients after those:
// a late tab per user (tab `tabs + 1`, opened when the user's tab 1 first
// accepts agent_started) and, per hostile client, a tab 2 that asks under
// its victims' client_msg_ids; neither draws from "starts".
Population populate(const Scenario& scenario, const ClientWorld& world, const sim::Rng& root,
                    const PopulationSpec& spec);

}  // namespace bridgesim::scenarios
