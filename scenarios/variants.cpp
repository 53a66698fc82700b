#include "scenarios/variants.hpp"

#include "scenarios/regressions/regressions.hpp"

namespace bridgesim::scenarios {

const std::vector<Variant>& variant_catalog() {
  static const std::vector<Variant> catalog{
      regressions::leaky_manager(),
      regressions::no_resume(),
      regressions::permissive_auth(),
      regressions::send_after_close(),
  };
  return catalog;
}

const Variant* find_variant(std::string_view name) {
  for (const auto& v : variant_catalog()) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace bridgesim::scenarios
