// One home per fault kind: the catalog row names the injector that applies
// it, and every injector lists the kinds it applies. A kind added to the
// catalog without an injector, or an injector left with no catalog kind,
// fails here.
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scenarios/app_faults.hpp"
#include "scenarios/client_faults.hpp"
#include "scenarios/fault_catalog.hpp"
#include "sim/sim_auth_service.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_relay.hpp"

namespace bridgesim::scenarios {
namespace {

struct InjectorKinds {
  sim::Injector injector;
  std::string where;
  std::vector<sim::FaultKind> kinds;
};

template <typename List>
std::vector<sim::FaultKind> kinds_of(const List& list) {
  return {std::begin(list), std::end(list)};
}

std::vector<InjectorKinds> injectors() {
  return {
      {sim::Injector::kNetwork, "sim::SimNetwork", kinds_of(sim::SimNetwork::kFaultKinds)},
      {sim::Injector::kRelay, "sim::SimRelay", kinds_of(sim::SimRelay::kFaultKinds)},
      {sim::Injector::kAuthService, "sim::SimAuthService", kinds_of(sim::SimAuthService::kFaultKinds)},
      {sim::Injector::kApplication, "scenarios/app_faults", kinds_of(kApplicationFaultKinds)},
      {sim::Injector::kClientToken, "scenarios/client_faults (tokens)", kinds_of(kTokenFaultKinds)},
      {sim::Injector::kClient, "scenarios/client_faults (client_close)", kinds_of(kClientFaultKinds)},
  };
}

TEST(FaultRegistry, EveryCatalogKindIsAppliedByTheInjectorItsRowNames) {
  for (const auto& row : fault_catalog()) {
    int listed = 0;
    for (const auto& in : injectors()) {
      for (const auto kind : in.kinds) {
        if (kind != row.kind) continue;
        ++listed;
        EXPECT_EQ(in.injector, row.injector) << row.name << " is applied by " << in.where << ", not its row's injector";
      }
    }
    EXPECT_EQ(listed, 1) << "fault kind '" << row.name << "' is applied by " << listed << " injectors";
  }
}

TEST(FaultRegistry, EveryInjectorAppliesCatalogKindsOnly) {
  for (const auto& in : injectors()) {
    EXPECT_FALSE(in.kinds.empty()) << in.where << " applies no catalog kind";
    for (const auto kind : in.kinds) {
      const sim::FaultKindInfo* row = nullptr;
      for (const auto& r : fault_catalog()) {
        if (r.kind == kind) row = &r;
      }
      ASSERT_NE(row, nullptr) << in.where << " applies a kind with no catalog row";
      EXPECT_EQ(row->injector, in.injector) << in.where << " applies " << row->name << ", whose row names another";
    }
  }
}

TEST(FaultRegistry, WorldCatalogIsSimsRowsInTheSameOrder) {
  ASSERT_EQ(fault_catalog().size(), sim::fault_kinds().size());
  for (std::size_t i = 0; i < fault_catalog().size(); ++i) {
    EXPECT_EQ(fault_catalog()[i].name, sim::fault_kinds()[i].name);
    EXPECT_EQ(sim::fault_kind_from_name(fault_catalog()[i].name), fault_catalog()[i].kind);
  }
}

TEST(FaultRegistry, TokenKindsNameTheirFaults) {
  EXPECT_EQ(token_fault_of("expired"), sim::FaultKind::kExpiredToken);
  EXPECT_EQ(token_fault_of("forged"), sim::FaultKind::kForgedToken);
  EXPECT_EQ(token_fault_of("missing"), sim::FaultKind::kMissingToken);
  EXPECT_EQ(token_fault_of("valid"), std::nullopt);
}

TEST(FaultRegistry, TokenFaultReplacesOnlyTheTargetsToken) {
  sim::FaultPlan plan;
  plan.faults.push_back({0, 1, sim::FaultKind::kMissingToken, "user:u2", {}});
  std::vector<ClientPlan> users(2);
  for (std::size_t i = 0; i < users.size(); ++i) {
    users[i].user_id = "u" + std::to_string(i + 1);
    users[i].token = "a token minted for the server";
    apply_token_fault(users[i], plan, "secret", 1000, 3600);
  }
  EXPECT_EQ(users[0].token, "a token minted for the server");
  EXPECT_EQ(users[0].token_kind, "valid");
  EXPECT_EQ(users[1].token, "");
  EXPECT_EQ(users[1].token_kind, "missing");
}

}  // namespace
}  // namespace bridgesim::scenarios
