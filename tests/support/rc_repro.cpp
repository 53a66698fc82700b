// Linked into every test binary (tests/CMakeLists.txt): when a test fails,
// print the one command that runs it again with the same RapidCheck
// configuration (the seed RapidCheck used, drawn or from RC_PARAMS), e.g.
//   reproduce: RC_PARAMS="seed=20261201" /…/build/tests/sweep/test_sweep --gtest_filter=RcSweep.X
// RapidCheck derives each property's cases from that seed alone, so the one
// test run by itself replays the same cases and the same counterexample.
#include <unistd.h>

#include <iostream>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/detail/Configuration.h>

namespace {

std::string this_executable() {
  char path[4096];
  const auto n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string("<this test binary>");
}

class ReproduceCommand final : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (!test.result()->Failed()) return;
    std::string params;
    try {
      params = rc::detail::configToMinimalString(rc::detail::configuration());
    } catch (const std::exception& e) {
      params = std::string("<RC_PARAMS unreadable: ") + e.what() + ">";
    }
    std::cerr << "reproduce: RC_PARAMS=\"" << params << "\" " << this_executable()
              << " --gtest_filter=" << test.test_suite_name() << "." << test.name() << std::endl;
  }
};

const bool registered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ReproduceCommand);
  return true;
}();

}  // namespace
