#pragma once
// Application faults, injected through the system's factory seams
// (Components) exactly as a misconfigured or failing deployment would
// present them: a missing session middleware, a missing critical component,
// a tool or handler that throws.
#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/app.hpp"

namespace bridgesim::scenarios {

// `rng` and `scheduler` must outlive the App built from `components`.
// Each fault's effect is traced as a `fault_hit` record when it happens.
void apply_application_faults(system::Components& components, const sim::FaultPlan& plan, sim::Scheduler& scheduler,
                              sim::Rng& rng, sim::Trace& trace);

}  // namespace bridgesim::scenarios
