#include "sim/fault_hit.hpp"

#include <utility>

namespace bridgesim::sim {

std::vector<Field> fault_hit_fields(FaultKind kind, std::vector<Field> extra) {
  std::vector<Field> fields{{std::string(record_field::kFault), std::string(info(kind).name)}};
  for (auto& f : extra) fields.push_back(std::move(f));
  return fields;
}

TraceRecord fault_hit(runtime::Nanos at_ns, std::string actor, FaultKind kind, std::vector<Field> extra) {
  return TraceRecord{at_ns, std::move(actor), std::string(kFaultHitKind), fault_hit_fields(kind, std::move(extra))};
}

}  // namespace bridgesim::sim
