#pragma once
// What a fuzz target asserts beyond "no crash": a broken check prints what
// must hold and aborts, which libFuzzer reports as a crash with the input
// that caused it. (A BRIDGESIM_ASSERT in the code under test throws
// runtime::InvariantViolation; the targets never catch it, so it escapes as
// an uncaught exception: a crash too.)
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                                                        \
  do {                                                                                                \
    if (!(cond)) {                                                                                    \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
      std::abort();                                                                                   \
    }                                                                                                 \
  } while (false)
