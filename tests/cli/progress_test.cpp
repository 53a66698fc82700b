// The sweep's progress display (cli/progress.cpp) on a clock the test moves:
// the bar is redrawn at most every 100 ms however often runs finish, shows
// scenario k of N, runs of the whole sweep, failing seeds and an ETA; the
// log mode writes one stamped line per scenario and a heartbeat per 10 s.
#include <chrono>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "cli/progress.hpp"

namespace bridgesim::cli {
namespace {

using namespace std::chrono_literals;

struct Captured {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&data, &size);
  ~Captured() {
    if (file != nullptr) std::fclose(file);
    std::free(data);
  }
  std::string text() {
    std::fflush(file);
    return std::string(data, size);
  }
};

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  SweepProgress::Clock clock() {
    return [this] { return now; };
  }
};

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(SweepProgress, TerminalBarRedrawsAtMostTenTimesASecond) {
  Captured out;
  FakeClock t;
  SweepProgress progress(2, 600, true, out.file, t.clock(), [] { return std::string("T"); });
  progress.start_scenario("alpha");
  for (std::uint64_t done = 1; done <= 600; ++done) {
    t.now += 1ms;  // 600 runs in 0.6 s
    progress.update(done, 600);
  }
  progress.finish_scenario(600, 3);
  // One draw at the start, then one per 100 ms: 0.6 s -> at most 6 more.
  EXPECT_LE(progress.draws(), 7u);
  EXPECT_GE(progress.draws(), 6u) << "it still moves";
  const std::string text = out.text();
  EXPECT_LT(text.size(), 1000u) << "not 600 redraws";
  EXPECT_NE(text.find("scenario 1/2 alpha: 600/1200 runs, 0 failing seeds"), std::string::npos) << text;
  progress.start_scenario("beta");
  t.now += 300ms;
  progress.update(300, 600);
  progress.finish();
  const std::string after = out.text();
  // 600 of 1200 runs took 0.6 s; 300 more took 0.3 s: 300 left, 0.3 s.
  EXPECT_NE(after.find("scenario 2/2 beta: 900/1200 runs, 3 failing seeds, ETA 0s"), std::string::npos) << after;
  EXPECT_EQ(after.substr(after.size() - 4), "\r\x1b[K") << "the bar is cleared at the end";
}

TEST(SweepProgress, ManyRunsAtOneInstantDrawOnce) {
  Captured out;
  FakeClock t;
  SweepProgress progress(1, 100000, true, out.file, t.clock(), [] { return std::string("T"); });
  progress.start_scenario("fast");
  for (std::uint64_t done = 1; done <= 100000; ++done) progress.update(done, 100000);
  EXPECT_EQ(progress.draws(), 1u);
  EXPECT_EQ(count(out.text(), "\r\x1b[K["), 1u);
}

TEST(SweepProgress, LogModeWritesStampedLinesPerScenarioAndHeartbeats) {
  Captured out;
  FakeClock t;
  SweepProgress progress(3, 100, false, out.file, t.clock(), [] { return std::string("2026-12-02T00:00:00Z"); });
  for (const char* name : {"a", "b", "c"}) {
    progress.start_scenario(name);
    for (std::uint64_t done = 1; done <= 100; ++done) {
      t.now += 250ms;  // 25 s a scenario: two heartbeats each
      progress.update(done, 100);
    }
    progress.finish_scenario(100, name[0] == 'b' ? 2 : 0);
  }
  progress.finish();
  const std::string text = out.text();
  EXPECT_EQ(count(text, "\n"), 3u + 3u * 2u) << text;
  EXPECT_EQ(count(text, "2026-12-02T00:00:00Z scenario "), 9u) << "every line stamped";
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("2026-12-02T00:00:00Z scenario 2/3 b done: 200/300 runs, 2 failing seeds, ETA "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scenario 3/3 c: 240/300 runs, 2 failing seeds, ETA 15s"), std::string::npos) << text;
}

}  // namespace
}  // namespace bridgesim::cli
