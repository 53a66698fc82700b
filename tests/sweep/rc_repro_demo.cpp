// A property that fails on purpose, for rc_repro_test.sh only (not a ctest of
// its own): its failure must print a reproduce command that, run as printed,
// fails again on the same case (tests/support/rc_repro.cpp).
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

RC_GTEST_PROP(RcReproDemo, FailsOnSomeNumbers, ()) {
  const auto n = *rc::gen::arbitrary<unsigned>();
  RC_ASSERT(n % 23 != 11);
}
