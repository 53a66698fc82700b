#pragma once
// The harness: run and judge seeds, sweep, shard, shrink, name a replay.
// Everything that drives simulated runs above one run (the CLI, the bench,
// the tests) goes through here.
#include "harness/replay_command.hpp"
#include "harness/run_seed.hpp"
#include "harness/shard.hpp"
#include "harness/shrink.hpp"
#include "harness/sweep.hpp"
