#pragma once
// `run`'s progress, one display for the whole sweep (every scenario):
//  * on a terminal, one bar redrawn in place at most ten times a second:
//    scenario k of N, runs done of all, failing seeds so far, ETA;
//  * otherwise (a CI log), plain lines stamped with the UTC time: one per
//    scenario finished and, during a long scenario, one every ten seconds.
// Time here is the steady clock and only decides when to draw and the ETA;
// it never reaches a trace or a result.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace bridgesim::cli {

class SweepProgress {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Stamp = std::function<std::string()>;  // the UTC time for a log line
  static constexpr std::chrono::milliseconds kRedrawEvery{100};
  static constexpr std::chrono::seconds kLogEvery{10};

  // `runs_per_scenario` runs for each of `scenarios`: the total the bar and
  // the ETA count against. Clock and stamp are for tests.
  SweepProgress(std::size_t scenarios, std::uint64_t runs_per_scenario, bool tty, std::FILE* out = stderr,
                Clock clock = {}, Stamp stamp = {});
  // To stderr, as a bar when it is a terminal; scenarios are shown as
  // "name[variant]" for a variant.
  SweepProgress(std::size_t scenarios, std::uint64_t runs_per_scenario, const std::string& variant);
  SweepProgress(const SweepProgress&) = delete;
  SweepProgress& operator=(const SweepProgress&) = delete;
  ~SweepProgress() { finish(); }

  // Starts the next scenario; returns callback() for its sweep.
  std::function<void(std::uint64_t, std::uint64_t)> start_scenario(const std::string& name);
  // `done` of `total` runs of the current scenario (harness::sweep's callback).
  void update(std::uint64_t done, std::uint64_t total);
  std::function<void(std::uint64_t, std::uint64_t)> callback();
  // The scenario ran `runs` runs (fewer with --fail-fast), `failing_seeds` of
  // them failing. Clears the bar, so the caller may print its result line.
  void finish_scenario(std::uint64_t runs, std::uint64_t failing_seeds);
  // The sweep ended: clears the bar.
  void finish();

  std::uint64_t draws() const { return draws_; }
  // The runs of the whole sweep, when scenarios run different numbers of
  // seeds (--rerun-failed).
  void set_total_runs(std::uint64_t runs) { total_runs_ = runs; }

 private:
  std::string status(std::uint64_t done_in_scenario, bool finished) const;
  std::string eta(std::uint64_t done_all) const;
  void draw_bar(std::uint64_t done_in_scenario);
  void clear_bar();

  std::size_t scenarios_;
  std::uint64_t total_runs_;
  bool tty_;
  std::FILE* out_;
  Clock clock_;
  Stamp stamp_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::size_t scenario_index_ = 0;  // 1-based once started
  std::string scenario_;
  std::string variant_;
  std::uint64_t runs_done_ = 0;  // in finished scenarios
  std::uint64_t failing_seeds_ = 0;
  bool bar_shown_ = false;
  bool drew_once_ = false;
  std::uint64_t draws_ = 0;
};

// The current UTC time, "2026-12-02T01:55:14Z".
std::string utc_stamp();

}  // namespace bridgesim::cli
