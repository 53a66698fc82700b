#pragma once
// What every checker needs to report: a violation at one record, and lists
// printed the same way in every message.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties {

inline Violation violation_at(const std::string& property, const sim::Trace& trace, std::size_t index,
                              std::string message) {
  return Violation{property, index, trace.records()[index].at_ns, std::move(message)};
}

// "[a, b]"
inline std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ", ";
    out += item;
  }
  return out + "]";
}

}  // namespace bridgesim::properties
