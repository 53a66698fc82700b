#pragma once
// Alternative component implementations, each modelling one recorded
// incident, injected through the system's factory seams (Components) — never
// as flags inside production code. `bridgesim run --variant NAME` runs a
// scenario against one; the default sweep must catch every one.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "system/app.hpp"

namespace bridgesim::scenarios {

struct Variant {
  std::string name;
  std::string incident;           // what happened in production
  std::string expected_property;  // the property that must fire
  std::function<void(system::Components&)> apply;
};

const std::vector<Variant>& variant_catalog();
// nullptr when unknown.
const Variant* find_variant(std::string_view name);

}  // namespace bridgesim::scenarios
