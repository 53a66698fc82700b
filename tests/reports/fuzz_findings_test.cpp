// What fuzz/report_fuzz.cpp found in the report reader, pinned as a unit
// test (the input is in fuzz/regressions/report/).
#include <string>

#include <gtest/gtest.h>

#include "reports/reports.hpp"

namespace bridgesim::reports {
namespace {

// A sweep that ends before it starts was read, and merged into missing
// seeds "9..4" that no report can hold: what the merge wrote did not read back.
TEST(ReportsFuzzFindings, BackwardsSweepIsRefused) {
  const std::string doc = R"({"title":"t","results":[],"sweep":[9,4]})";
  try {
    from_json(doc, "s.json");
    FAIL() << "read";
  } catch (const ReportError& e) {
    EXPECT_STREQ(e.what(), "s.json: sweep 9..4 ends before it starts");
  }
  EXPECT_NO_THROW(from_json(R"({"title":"t","results":[],"sweep":[4,4]})", "one.json")) << "one seed is a sweep";
}

}  // namespace
}  // namespace bridgesim::reports
