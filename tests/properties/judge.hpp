#pragma once
// Shared by the checker tests: run one property through the catalog by name,
// and expect exactly one violation of it at a record, naming some words;
// and make the records of a hand-written trace.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "properties/properties.hpp"
#include "sim/trace.hpp"

namespace bridgesim::properties::testing {

constexpr runtime::Nanos kMs = runtime::kNanosPerMilli;

inline sim::TraceRecord rec(runtime::Nanos at, std::string_view actor, std::string_view kind,
                            std::vector<sim::Field> f) {
  return {at, std::string(actor), std::string(kind), std::move(f)};
}

inline std::vector<Violation> judge(const sim::Trace& trace, const std::string& property) {
  return check_properties(trace, {property});
}

inline void expect_violation(const sim::Trace& trace, const std::string& property, const std::string& words,
                             std::size_t index) {
  const auto v = judge(trace, property);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].property, property);
  EXPECT_EQ(v[0].record_index, index);
  EXPECT_NE(v[0].message.find(words), std::string::npos) << v[0].message;
}

}  // namespace bridgesim::properties::testing
