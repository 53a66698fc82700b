#pragma once
// Application faults, injected through the system's factory seams
// (Components) exactly as a misconfigured or failing deployment would
// present them: a missing session middleware, a missing critical component,
// a tool or handler that throws.
#include <string>
#include <vector>

#include "sim/fault_plan.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "system/app.hpp"

namespace bridgesim::scenarios {

// The fault kinds applied here (their rows name Injector::kApplication).
inline constexpr sim::FaultKind kApplicationFaultKinds[] = {
    sim::FaultKind::kSessionMissing, sim::FaultKind::kComponentMissing, sim::FaultKind::kToolThrows,
    sim::FaultKind::kHandlerThrows};

// What a component_missing fault may take away: the system's critical
// components and "handler:<type>" for each required handler
// (system/critical_path.hpp), each one apply_application_faults removes and
// startup validation reports.
std::vector<std::string> component_choices();

// `rng` and `scheduler` must outlive the App built from `components`.
// Each fault's effect is traced as a `fault_hit` record when it happens.
void apply_application_faults(system::Components& components, const sim::FaultPlan& plan, sim::Scheduler& scheduler,
                              sim::Rng& rng, sim::Trace& trace);

// The whole-run faults took effect at startup: one fault_hit each, at t=0.
void record_startup_fault_hits(const sim::FaultPlan& plan, sim::Trace& trace);

}  // namespace bridgesim::scenarios
