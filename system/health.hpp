#pragma once
// What startup's critical-path validation found: /health answers with it,
// and admission and the execute endpoint refuse while it is not ok.
#include <string>
#include <vector>

namespace bridgesim::system {

struct HealthReport {
  bool ok = false;
  std::vector<std::string> failing;   // "component: why" — critical: 503
  std::vector<std::string> degraded;  // optional features off: still 200
};

}  // namespace bridgesim::system
