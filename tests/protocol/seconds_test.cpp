// `duration` is the one floating-point value in a trace. It must not depend
// on how the code that computes it was compiled: this file is built twice,
// once normally (test_protocol) and once with -ffast-math, together with its
// own copy of protocol/payloads.cpp (test_protocol_fast_math). Both must give
// the doubles the compiler reads from the exact decimal literals.
#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "protocol/payloads.hpp"

namespace bridgesim::protocol {
namespace {

TEST(SecondsFromNanos, IsTheDoubleNearestTheExactDecimal) {
  EXPECT_EQ(seconds_from_nanos(0), 0.0);
  EXPECT_EQ(seconds_from_nanos(1), 0.000000001);
  EXPECT_EQ(seconds_from_nanos(12'345'678), 0.012345678);
  EXPECT_EQ(seconds_from_nanos(7'000'000), 0.007);
  EXPECT_EQ(seconds_from_nanos(14'999'999), 0.014999999);
  EXPECT_EQ(seconds_from_nanos(1'000'000'000), 1.0);
  EXPECT_EQ(seconds_from_nanos(123'456'789'012), 123.456789012);
  EXPECT_EQ(seconds_from_nanos(-2'500'000), -0.0025);
  EXPECT_EQ(seconds_from_nanos(std::numeric_limits<std::int64_t>::min()), -9223372036.854775808);
}

TEST(SecondsFromNanos, EqualsACorrectlyRoundedDivision) {
  // Without -ffast-math the division is correctly rounded too, so the two
  // agree for every value; with it only seconds_from_nanos is exact.
#ifndef __FAST_MATH__
  volatile double billion = 1e9;  // no constant folding into a reciprocal
  for (std::int64_t ns = 1; ns < 4'000'000'000; ns = ns * 3 + 7) {
    EXPECT_EQ(seconds_from_nanos(ns), static_cast<double>(ns) / billion) << ns;
  }
#else
  GTEST_SKIP() << "built with -ffast-math: the division is the thing not trusted";
#endif
}

}  // namespace
}  // namespace bridgesim::protocol
