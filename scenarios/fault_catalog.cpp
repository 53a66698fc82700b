#include "scenarios/fault_catalog.hpp"

#include "scenarios/app_faults.hpp"

namespace bridgesim::scenarios {

const sim::FaultCatalog& fault_catalog() {
  static const sim::FaultCatalog catalog =
      sim::supply_choices(sim::fault_kinds(), sim::FaultKind::kComponentMissing, "component", component_choices());
  return catalog;
}

}  // namespace bridgesim::scenarios
