#pragma once
// A fault taking effect leaves a `fault_hit` record naming its kind; every
// injector makes that record here, so the name always comes from the catalog.
#include <string>
#include <string_view>
#include <vector>

#include "sim/fault_catalog.hpp"
#include "sim/trace.hpp"
#include "sim/trace_schema.hpp"
#include "system/runtime/clock.hpp"

namespace bridgesim::sim {

inline constexpr std::string_view kFaultHitKind = record::kFaultHit;

// {"fault", <kind's name>} followed by `extra`: for actors that prepend
// their own fields (a link's "conn").
std::vector<Field> fault_hit_fields(FaultKind kind, std::vector<Field> extra = {});

// The whole record: `actor` saw `kind` take effect at `at_ns`.
TraceRecord fault_hit(runtime::Nanos at_ns, std::string actor, FaultKind kind, std::vector<Field> extra = {});

}  // namespace bridgesim::sim
