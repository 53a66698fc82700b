#pragma once
// One function per incident; each returns the Variant that models it.
#include "scenarios/variants.hpp"

namespace bridgesim::scenarios::regressions {

Variant leaky_manager();

}  // namespace bridgesim::scenarios::regressions
