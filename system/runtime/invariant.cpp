#include "system/runtime/invariant.hpp"

#include <string_view>

namespace bridgesim::runtime {

void invariant_failed(const char* condition, const char* reason, const char* file, int line) {
  std::string_view path(file);
  const auto slash = path.find_last_of("/\\");
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  std::string what = "invariant violated at ";
  what.append(path).append(":").append(std::to_string(line)).append(": ").append(reason);
  what.append(" (").append(condition).append(")");
  throw InvariantViolation(std::move(what));
}

}  // namespace bridgesim::runtime
