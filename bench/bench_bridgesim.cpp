// Google Benchmark: the simulated world's throughput, one thread. Every rate
// is per CPU-second of that thread (Google Benchmark's default), i.e. per
// core, and holds up on a busy machine. Run by hand (docs/benchmarks.md),
// never as a timed test:
//   build/bench/bench_bridgesim
//   build/bench/bench_bridgesim --benchmark_filter=GoldenPath --benchmark_min_time=3
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/harness.hpp"
#include "properties/client_view.hpp"
#include "properties/properties.hpp"
#include "protocol/fields.hpp"
#include "protocol/frames.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"
#include "sim/client_actor.hpp"
#include "sim/rng.hpp"
#include "sim/scheduler.hpp"
#include "sim/trace.hpp"
#include "sim/trace_records.hpp"
#include "sim/trace_schema.hpp"

namespace bridgesim::bench {
namespace {

scenarios::Scenario shipped(const std::string& name) { return scenarios::find_scenario(name, BRIDGESIM_SCENARIO_DIR); }

// One golden-path seed per iteration, run and judged exactly as a sweep
// does (harness::run_seed: world, trace, every property, latency histogram).
// runs_per_s is per core; virtual_s_per_wall_s counts the whole simulated
// span of each run (to its quiescence, run-log retention timers included).
void BM_GoldenPathRun(benchmark::State& state) {
  const scenarios::Scenario scenario = shipped("golden_path");
  std::uint64_t seed = 1;
  double virtual_seconds = 0;
  std::uint64_t violations = 0;
  for (auto _ : state) {
    const harness::SeedOutcome outcome = harness::run_seed(scenario, seed++, nullptr);
    virtual_seconds += static_cast<double>(outcome.virtual_end_ns) / runtime::kNanosPerSecond;
    violations += outcome.violations.size();
    benchmark::DoNotOptimize(outcome.trace_hash);
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_wall_s"] = benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
  state.counters["violations"] = static_cast<double>(violations);
}
BENCHMARK(BM_GoldenPathRun)->Unit(benchmark::kMicrosecond);

// The same run without judging it: what the world alone costs.
void BM_GoldenPathWorldOnly(benchmark::State& state) {
  const scenarios::Scenario scenario = shipped("golden_path");
  std::uint64_t seed = 1;
  std::uint64_t scheduler_events = 0;
  for (auto _ : state) {
    const scenarios::RunResult run = scenarios::run_scenario(scenario, {seed++, nullptr, false, false});
    scheduler_events += run.scheduler_events;
    benchmark::DoNotOptimize(run.trace.hash());
  }
  state.counters["runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["sched_events_per_run"] =
      benchmark::Counter(static_cast<double>(scheduler_events), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_GoldenPathWorldOnly)->Unit(benchmark::kMicrosecond);

// Scheduler steady state: `pending` events queued; each iteration posts one
// at a pseudo-random delay and runs the earliest (a heap push and pop, a
// tie-break draw, a std::function call).
void BM_SchedulerPostStep(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  sim::Scheduler scheduler(sim::Rng(1));
  sim::Rng delays(2);
  std::uint64_t fired = 0;
  auto event = [&fired] { ++fired; };
  for (std::size_t i = 0; i < pending; ++i) {
    scheduler.post_after(static_cast<runtime::Nanos>(delays.next_u64() % runtime::kNanosPerMilli), event);
  }
  for (auto _ : state) {
    scheduler.post_after(static_cast<runtime::Nanos>(delays.next_u64() % runtime::kNanosPerMilli), event);
    scheduler.step();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SchedulerPostStep)->Arg(16)->Arg(1'000)->Arg(100'000);

// Trace::add of a typical client receipt (actor, kind, connection, a
// ~230-byte event frame): canonical line, FNV-1a, append. The trace is
// restarted every 100k records so memory stays flat.
void BM_TraceAppendHash(benchmark::State& state) {
  const protocol::RunEventHeader header{
      protocol::event_type::kToolCompleted, "run-590f3356c998fd88", "u2-t1", "u2", "assistant", 4, 1767225600017};
  // duration an integer, as a client may see it: the same bytes as before.
  const boost::json::object payload{{protocol::field::kToolName, "search"},
                                    {protocol::field::kResults, boost::json::object{{"hits", 3}}},
                                    {protocol::field::kDuration, 7}};
  const sim::TraceRecord record{
      17'615'000,
      sim::ClientActor{"u2", 1}.to_string(),
      std::string(sim::record::kRecv),
      {sim::make_field(sim::record_field::kConn, "3"),
       sim::make_field(sim::record_field::kFrame, protocol::make_run_event(header, payload))}};
  std::size_t line_bytes = std::to_string(record.at_ns).size() + record.actor.size() + record.kind.size() + 3;
  for (const auto& [key, value] : record.fields) line_bytes += key.size() + value.size() + 2;
  auto trace = std::make_unique<sim::Trace>();
  for (auto _ : state) {
    if (trace->size() == 100'000) {
      state.PauseTiming();
      trace = std::make_unique<sim::Trace>();
      state.ResumeTiming();
    }
    trace->add(record);
  }
  benchmark::DoNotOptimize(trace->hash());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(line_bytes));
}
BENCHMARK(BM_TraceAppendHash);

// Every property over one busy_users trace (8 users x 3 messages), the
// client view built once per check as a sweep does.
void BM_PropertiesBusyUsers(benchmark::State& state) {
  const scenarios::Scenario scenario = shipped("busy_users");
  const scenarios::RunResult run = scenarios::run_scenario(scenario, {1, nullptr, false, false});
  std::uint64_t violations = 0;
  for (auto _ : state) {
    const properties::ClientView view = properties::build_client_view(run.trace);
    violations += properties::check_properties(run.trace, scenario.properties, &view).size();
  }
  state.counters["checks_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["records_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(run.trace.size()), benchmark::Counter::kIsRate);
  state.counters["trace_records"] = static_cast<double>(run.trace.size());
  state.counters["violations"] = static_cast<double>(violations);
}
BENCHMARK(BM_PropertiesBusyUsers)->Unit(benchmark::kMicrosecond);

// Judged cost per trace record as the world grows (issue 15: every property
// linear in the trace). Arguments: users, messages per user, on the
// golden_path scenario (its properties, network and spread). One world run
// per configuration, outside the timing; each iteration builds the client
// view and runs every property, as run_seed does. ns_per_record should stay
// flat (within 1.5x) from 1 to 10,000 users and from 1 to 100 messages.
void BM_JudgeScaling(benchmark::State& state) {
  scenarios::Scenario scenario = shipped("golden_path");
  scenario.users = static_cast<int>(state.range(0));
  scenario.messages_per_user = static_cast<int>(state.range(1));
  scenario.deadline_ns = 3600 * runtime::kNanosPerSecond;
  const scenarios::RunResult run = scenarios::run_scenario(scenario, {1, nullptr, false, false});
  std::uint64_t violations = 0;
  for (auto _ : state) {
    const properties::ClientView view = properties::build_client_view(run.trace);
    violations += properties::check_properties(run.trace, scenario.properties, &view).size();
  }
  const auto records = static_cast<double>(run.trace.size());
  state.counters["records"] = records;
  state.counters["ns_per_record"] =
      benchmark::Counter(records * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["violations"] = static_cast<double>(violations) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_JudgeScaling)
    ->Args({1, 1})
    ->Args({10, 1})
    ->Args({100, 1})
    ->Args({1'000, 1})
    ->Args({10'000, 1})
    ->Args({1, 10})
    ->Args({1, 100})
    ->Args({10, 100})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bridgesim::bench

BENCHMARK_MAIN();
