#pragma once
// One function per incident; each returns the Variant that models it.
#include "scenarios/variants.hpp"

namespace bridgesim::scenarios::regressions {

Variant leaky_manager();
Variant no_resume();
Variant permissive_auth();
Variant send_after_close();

}  // namespace bridgesim::scenarios::regressions
