// `bridgesim bench`: performance figures of both worlds, printed as a table.
// Real mode runs the system on Beast over 127.0.0.1 (its own io thread) and
// drives it with bench/fanout (one client thread, asynchronous Beast), so
// this file itself stays free of Beast. Method and figures: docs/benchmarks.md.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/fanout.hpp"
#include "bench/loopback_system.hpp"
#include "cli/bench_command.hpp"
#include "cli/commands.hpp"
#include "harness/harness.hpp"
#include "properties/client_view.hpp"
#include "protocol/fields.hpp"
#include "protocol/message_types.hpp"
#include "scenarios/world.hpp"

namespace bridgesim::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string micros(std::int64_t ns) { return fixed(static_cast<double>(ns) / 1e3, 1) + " us"; }
std::string millis(double seconds) { return fixed(seconds * 1e3, 2) + " ms"; }

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "?";
  return one + " " + five + " " + fifteen;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Row {
  std::string figure;
  std::string value;
  std::string how;
};

class Table {
 public:
  void add(std::string figure, std::string value, std::string how) {
    rows_.push_back({std::move(figure), std::move(value), std::move(how)});
  }
  void print(std::ostream& out) const {
    std::size_t w0 = 6, w1 = 5;
    for (const auto& r : rows_) {
      w0 = std::max(w0, r.figure.size());
      w1 = std::max(w1, r.value.size());
    }
    auto line = [&](const std::string& a, const std::string& b, const std::string& c) {
      out << a << std::string(w0 - a.size() + 2, ' ') << std::string(w1 - b.size(), ' ') << b << "  " << c << "\n";
    };
    line("figure", "value", "how");
    line(std::string(w0, '-'), std::string(w1, '-'), "---");
    for (const auto& r : rows_) line(r.figure, r.value, r.how);
  }
  std::string markdown() const {
    std::ostringstream out;
    out << "| figure | value | how |\n|---|---:|---|\n";
    for (const auto& r : rows_) out << "| " << r.figure << " | " << r.value << " | " << r.how << " |\n";
    return out.str();
  }

 private:
  std::vector<Row> rows_;
};

// Counts problems the figures must not hide.
struct Problems {
  std::uint64_t count = 0;
  void report(const std::string& phase, const bench::FanoutResult& result, const bench::LoopbackSystem& system) {
    for (const auto& v : result.violations) std::cerr << phase << ": VIOLATION " << v << "\n";
    if (result.violation_count > result.violations.size()) {
      std::cerr << phase << ": ... " << result.violation_count - result.violations.size() << " more violations\n";
    }
    count += result.violation_count;
    if (const auto n = system.server().protocol_violations(); n != 0) {
      std::cerr << phase << ": " << n << " protocol violations counted by the server\n";
      count += n;
    }
  }
};

// ---- simulated golden path --------------------------------------------------

struct SimGolden {
  double judged_runs_per_s = 0;  // harness::run_seed: world + every property, one core
  double world_seconds = 0;      // mean wall time of the world alone, one run
  double virtual_end_s = 0;      // mean simulated span (to quiescence)
  double virtual_done_s = 0;     // mean virtual time of the last agent_completed receipt
  std::uint64_t violations = 0;
};

SimGolden measure_sim_golden(int seeds) {
  const scenarios::Scenario scenario = scenarios::find_scenario("golden_path", harness::default_scenario_dir());
  SimGolden out;
  auto start = Clock::now();
  for (int s = 1; s <= seeds; ++s) {
    out.violations += harness::run_seed(scenario, static_cast<std::uint64_t>(s), nullptr).violations.size();
  }
  out.judged_runs_per_s = seeds / seconds_since(start);

  double world_total = 0, end_total = 0, done_total = 0;
  for (int s = 1; s <= seeds; ++s) {
    start = Clock::now();
    const scenarios::RunResult run =
        scenarios::run_scenario(scenario, {static_cast<std::uint64_t>(s), nullptr, false, false});
    world_total += seconds_since(start);
    end_total += static_cast<double>(run.virtual_end_ns) / runtime::kNanosPerSecond;
    runtime::Nanos done = 0;
    for (const auto& frame : properties::build_client_view(run.trace).received) {
      if (properties::string_field(frame.body, protocol::field::kType) == protocol::event_type::kAgentCompleted) {
        done = std::max(done, frame.at_ns);
      }
    }
    done_total += static_cast<double>(done) / runtime::kNanosPerSecond;
  }
  out.world_seconds = world_total / seeds;
  out.virtual_end_s = end_total / seeds;
  out.virtual_done_s = done_total / seeds;
  return out;
}

// ---- real golden path -------------------------------------------------------

struct RealGolden {
  double to_done_s = 0;  // median: first connect -> last agent_completed (3 users x 1 message)
  double total_s = 0;    // median: server start -> server stopped
};

RealGolden measure_real_golden(int reps, Problems& problems) {
  std::vector<double> to_done, total;
  for (int rep = 1; rep <= reps; ++rep) {
    const auto start = Clock::now();
    bench::LoopbackOptions system_options;  // production defaults: the scripted agent's latencies
    system_options.seed = static_cast<std::uint64_t>(rep);
    bench::LoopbackSystem system(system_options);
    bench::FanoutOptions load;
    load.port = system.port();
    load.jwt_secret = system.jwt_secret();
    load.users = 3;
    load.tabs = 1;
    load.requests_per_user = 1;
    const bench::FanoutResult result = bench::run_fanout(load);
    system.stop();
    problems.report("golden path (real)", result, system);
    to_done.push_back(result.connect_seconds + result.load_seconds);
    total.push_back(seconds_since(start));
  }
  return {median(to_done), median(total)};
}

// ---- real fan-out -----------------------------------------------------------

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct FanoutFigures {
  bench::FanoutResult result;
  double cpu_s = 0;  // this process (server and client threads), user + sys, during the workload
  std::int64_t p50 = 0, p99 = 0, p999 = 0, max = 0;
  std::size_t samples = 0;
};

FanoutFigures measure_fanout(const BenchOptions& o, bool zero_agent_latency, std::chrono::microseconds think,
                             Problems& problems, const std::string& phase) {
  bench::LoopbackOptions system_options;
  system_options.stamp_emits = true;
  if (zero_agent_latency) {
    system_options.config.llm_latency = {0, 0};
    system_options.config.tool_latency = {0, 0};
  }
  // The production run log (10,000 runs, 10 s retention): above 1,000 runs/s
  // it forgets the oldest finished runs early, which the live path never reads.
  bench::LoopbackSystem system(system_options);
  bench::FanoutOptions load;
  load.port = system.port();
  load.jwt_secret = system.jwt_secret();
  load.users = o.users;
  load.tabs = o.connections / o.users;
  load.duration = std::chrono::milliseconds(static_cast<std::int64_t>(o.duration_s * 1e3));
  load.think_time = think;
  load.stamps = &system.emit_stamps();
  const double cpu_before = cpu_seconds();
  FanoutFigures out{bench::run_fanout(load)};
  out.cpu_s = cpu_seconds() - cpu_before;
  system.stop();
  problems.report(phase, out.result, system);
  auto& samples = out.result.latency_ns;
  out.samples = samples.size();
  out.p50 = bench::quantile(samples, 0.50);
  out.p99 = bench::quantile(samples, 0.99);
  out.p999 = bench::quantile(samples, 0.999);
  out.max = samples.empty() ? 0 : samples.back();
  return out;
}

void add_throughput_rows(const BenchOptions& o, int tabs, Problems& problems, Table& table) {
  std::cout << "throughput: " << o.connections << " connections (" << o.users << " users x " << tabs << " tabs), "
            << o.duration_s << " s, agent latency 0..." << std::endl;
  FanoutFigures fast = measure_fanout(o, true, std::chrono::microseconds(0), problems, "throughput");
  const auto& fr = fast.result;
  table.add("connect " + std::to_string(o.connections) + " WebSockets", millis(fr.connect_seconds),
            "JWT handshake each, all at once");
  table.add("fan-out events/s to " + std::to_string(o.connections) + " connections",
            fixed(fr.event_frames_per_second(), 0),
            "lifecycle frames received, all tabs; closed loop, agent latency 0");
  table.add("  runs/s (5 events x " + std::to_string(tabs) + " tabs each)",
            fixed(fr.load_seconds > 0 ? static_cast<double>(fr.requests_completed) / fr.load_seconds : 0, 0),
            std::to_string(fr.requests_completed) + " runs in " + fixed(fr.load_seconds, 2) + " s");
  const double wall_s = fr.connect_seconds + fr.load_seconds + fr.leave_seconds;
  table.add("  CPU used (server + client threads)", fixed(fast.cpu_s, 2) + " s",
            "of " + fixed(wall_s, 2) + " s wall x 2 threads; " +
                fixed(fast.cpu_s > 0 ? static_cast<double>(fr.event_frames) / fast.cpu_s : 0, 0) +
                " events per CPU-second");
  table.add("  emit-to-receive p50 / p99 (saturated)", micros(fast.p50) + " / " + micros(fast.p99),
            "relay publish -> client read, " + std::to_string(fast.samples) + " samples; max " + micros(fast.max));
}

void add_latency_rows(const BenchOptions& o, Problems& problems, Table& table) {
  const double think_s = o.users / o.paced_rate;
  std::cout << "latency: " << o.paced_rate << " requests/s, scripted agent latencies, " << o.duration_s << " s..."
            << std::endl;
  FanoutFigures paced =
      measure_fanout(o, false, std::chrono::microseconds(static_cast<std::int64_t>(think_s * 1e6)), problems, "paced");
  const auto& pr = paced.result;
  table.add(
      "emit-to-receive p50 (paced)", micros(paced.p50),
      fixed(pr.event_frames_per_second(), 0) + " events/s delivered, " + std::to_string(paced.samples) + " samples");
  table.add("emit-to-receive p99 (paced)", micros(paced.p99),
            "p99.9 " + micros(paced.p999) + ", max " + micros(paced.max));
}

}  // namespace

BenchCommand::BenchCommand(CLI::App& app) {
  command_ =
      app.add_subcommand("bench", "Measure simulated and real-mode (Beast, loopback) performance; prints a table");
  auto* cmd = command_;
  BenchOptions& o = options_;
  cmd->add_option("--connections", o.connections, "Real mode: WebSocket connections (users x tabs)")
      ->check(CLI::Range(1, 20'000))
      ->capture_default_str();
  cmd->add_option("--users", o.users, "Real mode: users; connections / users tabs each")
      ->check(CLI::Range(1, 20'000))
      ->capture_default_str();
  cmd->add_option("--duration-s", o.duration_s, "Real mode: seconds of load per phase (throughput, then paced)")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--paced-rate", o.paced_rate, "Latency phase: requests per second, all users together")
      ->check(CLI::Range(1.0, 100'000.0))
      ->capture_default_str();
  cmd->add_option("--golden-reps", o.golden_reps, "Real golden path (3 users x 1 message): repetitions, median kept")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--sim-seeds", o.sim_seeds, "Simulated golden path: seeds")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  cmd->add_option("--markdown", o.markdown, "Also write the table as Markdown here");
  cmd->footer(
      "Examples:\n"
      "  bridgesim bench                                   # 1000 connections, 100 users, 5 s per phase (~12 s)\n"
      "  bridgesim bench --connections 200 --users 20 --duration-s 2\n"
      "Exit: 0 measured cleanly; 1 a violation (isolation, delivery, protocol) showed up while measuring.");
}

bool BenchCommand::parsed() const { return command_->parsed(); }

int BenchCommand::run() const {
  const BenchOptions& o = options_;
  if (o.connections % o.users != 0) {
    std::fprintf(stderr, "error: --connections (%d) must be a multiple of --users (%d)\n", o.connections, o.users);
    return kExitUsage;
  }
  const int tabs = o.connections / o.users;
  // Each connection is two descriptors here (client and server end).
  if (!bench::raise_descriptor_limit(static_cast<std::size_t>(o.connections) * 2 + 256)) {
    std::fprintf(stderr, "error: %d connections need %d file descriptors (ulimit -n)\n", o.connections,
                 o.connections * 2 + 256);
    return kExitUsage;
  }
  const std::string load_before = load_average();
  std::cout << "bridgesim bench: " << std::thread::hardware_concurrency() << " cpus, load average " << load_before
            << "\n"
            << std::flush;
  Problems problems;
  Table table;

  std::cout << "simulated golden path: " << o.sim_seeds << " seeds..." << std::endl;
  const SimGolden sim = measure_sim_golden(o.sim_seeds);
  problems.count += sim.violations;
  table.add("sim golden path, judged runs/s (1 core)", fixed(sim.judged_runs_per_s, 0),
            "cli::run_seed, seeds 1.." + std::to_string(o.sim_seeds));
  table.add("sim golden path, world only, wall per run", micros(static_cast<std::int64_t>(sim.world_seconds * 1e9)),
            "scenarios::run_scenario");
  table.add("sim virtual-s per wall-s (to quiescence)", fixed(sim.virtual_end_s / sim.world_seconds, 0),
            "mean virtual span " + fixed(sim.virtual_end_s, 2) + " s incl. 10 s run-log retention");
  table.add("sim virtual-s per wall-s (to last event)", fixed(sim.virtual_done_s / sim.world_seconds, 0),
            "mean virtual time of the last agent_completed: " + millis(sim.virtual_done_s));

  std::cout << "real golden path: 3 users x 1 message, " << o.golden_reps << " reps..." << std::endl;
  const RealGolden real = measure_real_golden(o.golden_reps, problems);
  table.add("golden path wall time, simulated", millis(sim.world_seconds),
            "3 users x 1 message, virtual network, judged separately");
  table.add("golden path wall time, real (loopback)", millis(real.to_done_s),
            "first connect -> last agent_completed, median of " + std::to_string(o.golden_reps));
  table.add("golden path wall time, real, incl. server start/stop", millis(real.total_s), "median");

  add_throughput_rows(o, tabs, problems, table);

  add_latency_rows(o, problems, table);

  const std::string load_after = load_average();
  table.add("load average before / after", load_before + " / " + load_after, "/proc/loadavg (1 5 15 min)");
  std::cout << "\n";
  table.print(std::cout);
  try {
    write_file(o.markdown, table.markdown());
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitUsage;
  }
  if (problems.count != 0) {
    std::cout << "\n" << problems.count << " violations while measuring (see stderr)\n";
    return kExitViolation;
  }
  return kExitPass;
}

}  // namespace bridgesim::cli
