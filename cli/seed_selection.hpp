#pragma once
// Where a run's seeds and scenarios come from besides -s and --seeds: a
// seed file (--seeds-from), the failures of an earlier result file
// (--rerun-failed), the shard a CI engine asks for through its environment
// (GoogleTest, Bazel, Kubernetes Indexed Jobs) and a partition of the
// scenarios (--partition hash:K/N). Every bad input is a UsageError.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/reports.hpp"

namespace bridgesim::cli {

// --seeds-from FILE: one seed or an inclusive range A..B per line; '#'
// starts a comment; blank lines are skipped. Anything else is an error at
// FILE:LINE. Ascending, each seed once; at most `max` seeds.
std::vector<std::uint64_t> read_seed_file(const std::string& path, std::uint64_t max);

// The shard (1-based K of N) the environment asks for:
//  * GoogleTest: GTEST_SHARD_INDEX (0-based) and GTEST_TOTAL_SHARDS;
//  * Bazel: TEST_SHARD_INDEX and TEST_TOTAL_SHARDS (status file: see below);
//  * a Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based), with the
//    total from `shard_count` (--shard-count: Kubernetes does not say it).
// nullopt when none is set. Half a pair, a bad number, an index not below
// its total, two engines that disagree, JOB_COMPLETION_INDEX without
// --shard-count or --shard-count without it: UsageError naming the variable.
struct EnvShard {
  std::uint64_t index = 0;  // 1-based
  std::uint64_t total = 0;
  std::string from;  // "GTEST_SHARD_INDEX=1 GTEST_TOTAL_SHARDS=4"
};
std::optional<EnvShard> shard_from_environment(std::optional<std::uint64_t> shard_count);

// The environment variables any engine above set ("" when none), for the
// note that an explicit --shard or --partition overrides them.
std::string shard_environment_names();

// Bazel asks a test that shards to touch $TEST_SHARD_STATUS_FILE; done when
// it is set. UsageError when it cannot be written.
void touch_shard_status_file();

// --partition KIND:K/N (KIND hash or count, 1 <= K <= N).
reports::Partition parse_partition(const std::string& text);

// --rerun-failed FILE: per scenario and variant of a result file, its
// failing seeds, ascending, and how they ran.
struct RerunCase {
  std::string scenario;  // a name, or the .toml path its replay command names
  std::string variant;
  bool swarm = false;
  bool determinism = false;  // a failure is a divergence (--check-determinism)
  std::vector<std::uint64_t> seeds;
};
std::vector<RerunCase> failures_to_rerun(const std::string& path);

}  // namespace bridgesim::cli
