#pragma once
// The fault catalog as the world runs it: sim's rows plus the choices that
// name parts of the system under test, which sim may not know. Validation,
// the swarm's draws, `bridgesim list` and the test generators read this one.
#include "sim/fault_catalog.hpp"

namespace bridgesim::scenarios {

const sim::FaultCatalog& fault_catalog();

}  // namespace bridgesim::scenarios
