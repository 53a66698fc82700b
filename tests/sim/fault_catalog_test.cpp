// The fault catalog's contracts: fault_hit records name the kind from its
// row, the world's choices replace none of sim's rows but the one param,
// validation and the swarm read the catalog they are given.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "sim/fault_catalog.hpp"
#include "sim/fault_hit.hpp"
#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"

namespace bridgesim::sim {
namespace {

FaultCatalog with_parts() {
  return supply_choices(fault_kinds(), FaultKind::kComponentMissing, "component", {"part_a", "part_b"});
}

TEST(SimFaultHit, RecordNamesTheKindFromItsRowThenTheExtraFields) {
  const TraceRecord r = fault_hit(7, "relay", FaultKind::kRelayDrop, {{"run", "r1"}, {"seq", "2"}});
  EXPECT_EQ(r.at_ns, 7);
  EXPECT_EQ(r.actor, "relay");
  EXPECT_EQ(r.kind, "fault_hit");
  ASSERT_EQ(r.fields.size(), 3u);
  EXPECT_EQ(r.fields[0], (Field{"fault", "relay_drop"}));
  EXPECT_EQ(r.fields[1], (Field{"run", "r1"}));
  EXPECT_EQ(r.fields[2], (Field{"seq", "2"}));
  EXPECT_EQ(fault_hit_fields(FaultKind::kReset), (std::vector<Field>{{"fault", "reset"}}));
}

TEST(SimFaultCatalog, EveryRowHasAUniqueNameThatMapsBack) {
  std::set<std::string_view> names;
  for (const auto& k : fault_kinds()) {
    EXPECT_TRUE(names.insert(k.name).second) << k.name;
    EXPECT_EQ(fault_kind_from_name(k.name), k.kind);
    EXPECT_EQ(&info(k.kind), &k);
  }
  EXPECT_EQ(fault_kind_from_name("meteor"), std::nullopt);
}

TEST(SimFaultCatalog, SimLeavesTheComponentChoicesToTheWorld) {
  const ParamSpec* spec = spec_of(info(FaultKind::kComponentMissing), "component");
  ASSERT_NE(spec, nullptr);
  EXPECT_TRUE(spec->choices.empty());
  EXPECT_TRUE(spec->fallback.empty());
  Fault f;
  f.kind = FaultKind::kComponentMissing;
  EXPECT_EQ(f.string_param("component", "caller's"), "caller's") << "no fallback in sim: the caller's applies";
}

TEST(SimFaultCatalog, SuppliedChoicesReplaceOneParamOnly) {
  const FaultCatalog catalog = with_parts();
  const ParamSpec* spec = spec_of(info(catalog, FaultKind::kComponentMissing), "component");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->choices, (std::vector<std::string>{"part_a", "part_b"}));
  EXPECT_EQ(spec->fallback, "part_a");
  EXPECT_EQ(spec_of(info(catalog, FaultKind::kClientClose), "how")->choices,
            spec_of(info(FaultKind::kClientClose), "how")->choices);
  EXPECT_THROW(supply_choices(fault_kinds(), FaultKind::kJitter, "max_ms", {"x"}), std::logic_error);
  EXPECT_THROW(supply_choices(fault_kinds(), FaultKind::kComponentMissing, "nope", {"x"}), std::logic_error);
}

TEST(SimFaultCatalog, ValidationReadsTheCatalogItIsGiven) {
  FaultPlan plan;
  plan.faults.push_back({0, 1, FaultKind::kComponentMissing, "*", {{"component", "part_c"}}});
  EXPECT_NO_THROW(plan.validate()) << "sim's own rows accept any value";
  try {
    plan.validate(with_parts());
    ADD_FAILURE() << "a value outside the supplied choices was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "fault #1 (component_missing): param 'component' must be one of part_a, part_b, got part_c");
  }
  plan.faults[0].params["component"] = "part_b";
  EXPECT_NO_THROW(plan.validate(with_parts()));
}

TEST(SimFaultCatalog, SwarmDrawsTheSuppliedChoices) {
  const FaultCatalog catalog = with_parts();
  SwarmConfig config;
  config.kinds = {FaultKind::kComponentMissing};
  config.catalog = &catalog;
  std::set<std::string> drawn;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Rng rng(seed);
    for (const auto& f : draw_swarm_plan(rng, config).faults) drawn.insert(f.params.at("component"));
  }
  EXPECT_EQ(drawn, (std::set<std::string>{"part_a", "part_b"}));
}

}  // namespace
}  // namespace bridgesim::sim
