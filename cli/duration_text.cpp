#include "cli/duration_text.hpp"

#include <cstdio>

#include "system/runtime/clock.hpp"

namespace bridgesim::cli {

std::string ms_text(std::int64_t ns) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", static_cast<double>(ns) / runtime::kNanosPerMilli);
  return buffer;
}

std::string seconds_text(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", s);
  return buffer;
}

}  // namespace bridgesim::cli
