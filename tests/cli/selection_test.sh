#!/usr/bin/env bash
# What a run selects besides -s and --seeds (issue 14, item 6): --seeds-from,
# --rerun-failed, the sharding CI engines set in the environment (GoogleTest,
# Bazel, Kubernetes Indexed Jobs), --partition and their merge by `report`;
# --color and NO_COLOR on every command that colours; `run --help`.
# Usage: selection_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../support/expect.sh"
# The JSON's value of a top-level key (no JSON tool needed for flat values).
digest() { grep -oE '"trace_digest":"0x[0-9a-f]+","results"' "$1" | head -1; }
# Run with no CI sharding inherited from whatever runs this test.
clean() { env -u GTEST_SHARD_INDEX -u GTEST_TOTAL_SHARDS -u TEST_SHARD_INDEX -u TEST_TOTAL_SHARDS \
  -u TEST_SHARD_STATUS_FILE -u XML_OUTPUT_FILE -u JOB_COMPLETION_INDEX -u NO_COLOR "$@"; }

# ---- --seeds-from ----------------------------------------------------------
printf '3\n# a comment\n10..12\n\n7   # seven\n3\n' >"$tmp/seeds.txt"
expect "--seeds-from runs the listed seeds once each" 0 "golden_path +runs=5 " -- \
  clean "$bin" run -s golden_path --seeds-from "$tmp/seeds.txt" --json "$tmp/sf.json"
grep -qF '"seeds_run":5,"seed_first":3,"seed_last":12' "$tmp/sf.json" && grep -qF '"not_selected_seeds":[[4,6],[8,9]]' "$tmp/sf.json" \
  && ok || bad "the seeds-from JSON does not name the seeds it ran"
expect "a chosen set is complete, not missing seeds" 0 "verdict PASS" -- clean "$bin" report "$tmp/sf.json"
printf '1..5\n' >"$tmp/five.txt"
clean "$bin" run -s golden_path --seeds-from "$tmp/five.txt" --json "$tmp/five.json" >/dev/null 2>&1
clean "$bin" run -s golden_path --seeds 5 --json "$tmp/plain5.json" >/dev/null 2>&1
[ -n "$(digest "$tmp/five.json")" ] && [ "$(digest "$tmp/five.json")" = "$(digest "$tmp/plain5.json")" ] \
  && ok || bad "--seeds-from 1..5 and --seeds 5 ran different traces"
printf '3\n4x\n' >"$tmp/bad.txt"
expect "a bad line is named at file:line" 2 "bad.txt:2: a seed must be a whole number" -- \
  clean "$bin" run -s golden_path --seeds-from "$tmp/bad.txt"
printf '9..2\n' >"$tmp/back.txt"
expect "a backwards range" 2 "back.txt:1: the range 9..2 is empty" -- clean "$bin" run -s golden_path --seeds-from "$tmp/back.txt"
printf '# nothing\n' >"$tmp/none.txt"
expect "a file with no seed checks nothing" 2 "lists no seed" -- clean "$bin" run -s golden_path --seeds-from "$tmp/none.txt"
mkfifo "$tmp/fifo"
expect "a FIFO is refused" 2 "not a regular file" -- clean "$bin" run -s golden_path --seeds-from "$tmp/fifo"
expect "--seeds-from excludes --seeds" 2 "excludes" -- clean "$bin" run -s golden_path --seeds-from "$tmp/five.txt" --seeds 3

# ---- --rerun-failed ----------------------------------------------------------
# The issue's case: swarm + variant; only seed 39 of 50 fails, and only in swarm mode.
clean "$bin" run -s golden_path --swarm --seeds 50 --variant no_resume --json "$tmp/swarm.json" >/dev/null 2>&1
out=$(clean "$bin" run --rerun-failed "$tmp/swarm.json" --json "$tmp/rerun.json" 2>&1)
code=$?
[ "$code" = 1 ] && grep -qE "^golden_path\[no_resume\] \+swarm +runs=1 failures=1 " <<<"$out" && grep -qF "FAIL seed=39 property=" <<<"$out" \
  && ok || { bad "--rerun-failed did not rerun seed 39 as it ran (exit $code)"; echo "$out" | tail -5; }
grep -qF '"variant":"no_resume","mode":"swarm"' "$tmp/rerun.json" && grep -qF '"seeds_run":1,"seed_first":39,"seed_last":39' "$tmp/rerun.json" \
  && ok || bad "the rerun's JSON does not record the variant, the mode and seed 39"
expect "a file without failures: nothing to rerun" 2 "nothing to rerun" -- clean "$bin" run --rerun-failed "$tmp/plain5.json"
expect "... unless --allow-empty" 0 "TOTAL runs=0" -- clean "$bin" run --rerun-failed "$tmp/plain5.json" --allow-empty
expect "--rerun-failed excludes -s" 2 "excludes" -- clean "$bin" run --rerun-failed "$tmp/swarm.json" -s golden_path
printf '{"title":1}' >"$tmp/junk.json"
expect "not a result file" 2 "junk.json: not a bridgesim result file" -- clean "$bin" run --rerun-failed "$tmp/junk.json"
# A scenario file outside the folder is rerun from its path.
cp "$(dirname "$0")/../../scenarios/golden_path.toml" "$tmp/mine.toml"
clean "$bin" run -s "$tmp/mine.toml" --seeds 4 --variant leaky_manager --json "$tmp/mine.json" >/dev/null 2>&1
expect "a file outside the folder reruns from its path" 1 "golden_path\[leaky_manager\] +runs=4 failures=4" -- \
  clean "$bin" run --rerun-failed "$tmp/mine.json" --scenario-dir "$tmp/nowhere"

# ---- sharding from the environment --------------------------------------------
for k in 0 1 2; do
  expect "GoogleTest shard $k of 3" 0 "shard $((k + 1))/3 \(from GTEST_SHARD_INDEX=$k GTEST_TOTAL_SHARDS=3\): seeds" -- \
    clean GTEST_SHARD_INDEX=$k GTEST_TOTAL_SHARDS=3 "$bin" run -s golden_path -s hostile --seeds 10 --json "$tmp/g$k.json"
done
grep -qF '"seeds_run":4,"seed_first":1,"seed_last":4' "$tmp/g0.json" && grep -qF '"seeds_run":3,"seed_first":8,"seed_last":10' "$tmp/g2.json" \
  && ok || bad "GTEST shards ran the wrong seeds"
clean "$bin" run -s golden_path -s hostile --seeds 10 --json "$tmp/g_all.json" >/dev/null 2>&1
clean "$bin" report "$tmp/g0.json" "$tmp/g1.json" "$tmp/g2.json" --json "$tmp/g_merged.json" >/dev/null 2>&1
[ "$(digest "$tmp/g_merged.json")" = "$(digest "$tmp/g_all.json")" ] && ok || bad "three GTEST shards do not add up to the sweep"
expect "a GTEST shard left out is named" 2 "seeds 5..7 never ran" -- clean "$bin" report "$tmp/g0.json" "$tmp/g2.json"
rm -f "$tmp/status"
expect "Bazel: TEST_SHARD_INDEX, JUnit to XML_OUTPUT_FILE" 0 "shard 2/2 \(from TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=2\): seeds 6..10" -- \
  clean TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=2 TEST_SHARD_STATUS_FILE="$tmp/status" XML_OUTPUT_FILE="$tmp/bazel.xml" \
  "$bin" run -s golden_path --seeds 10
[ -e "$tmp/status" ] && ok || bad "TEST_SHARD_STATUS_FILE was not touched"
grep -qF '<testsuite name="golden_path"' "$tmp/bazel.xml" 2>/dev/null && ok || bad "no JUnit at XML_OUTPUT_FILE"
expect "Kubernetes Indexed Job" 0 "shard 2/2 \(from JOB_COMPLETION_INDEX=1 --shard-count 2\): seeds 6..10" -- \
  clean JOB_COMPLETION_INDEX=1 "$bin" run -s golden_path --seeds 10 --shard-count 2
expect "JOB_COMPLETION_INDEX needs the count" 2 "pass --shard-count N" -- clean JOB_COMPLETION_INDEX=1 "$bin" run -s golden_path --seeds 10
expect "--shard-count needs JOB_COMPLETION_INDEX" 2 "--shard-count needs JOB_COMPLETION_INDEX" -- clean "$bin" run -s golden_path --shard-count 2
expect "an index not below its total" 2 "GTEST_SHARD_INDEX 3 is out of range \[0, 2\]" -- \
  clean GTEST_SHARD_INDEX=3 GTEST_TOTAL_SHARDS=3 "$bin" run -s golden_path --seeds 10
expect "half a pair" 2 "GTEST_TOTAL_SHARDS is set but GTEST_SHARD_INDEX is not" -- clean GTEST_TOTAL_SHARDS=3 "$bin" run -s golden_path
expect "two engines that disagree" 2 "two different shards" -- \
  clean GTEST_SHARD_INDEX=0 GTEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=2 "$bin" run -s golden_path
expect "a seed file says the environment's shards are not used" 0 "note: --seeds-from runs every seed it names: the sharding in the environment \(GTEST_TOTAL_SHARDS\)" -- \
  clean GTEST_SHARD_INDEX=0 GTEST_TOTAL_SHARDS=2 "$bin" run -s golden_path --seeds-from "$tmp/seeds.txt"
expect "... and runs all of it" 0 "golden_path +runs=5 " -- \
  clean GTEST_SHARD_INDEX=0 GTEST_TOTAL_SHARDS=2 "$bin" run -s golden_path --seeds-from "$tmp/seeds.txt"
expect "an explicit --shard wins, with a note" 0 "note: --shard given: the sharding in the environment \(GTEST_TOTAL_SHARDS\)" -- \
  clean GTEST_SHARD_INDEX=0 GTEST_TOTAL_SHARDS=2 "$bin" run -s golden_path --seeds 10 --shard 2/2

# ---- --partition ----------------------------------------------------------------
for k in 1 2 3; do
  clean "$bin" run --seeds 3 --partition hash:$k/3 --json "$tmp/p$k.json" >"$tmp/p$k.out" 2>&1
done
names() { grep -oE '"scenario":"[a-z_]+"' "${1%.out}.json" | sort; }
all=$(clean "$bin" list --json | grep -oE '"name":"[a-z_]+","description":"[^"]*","file"' | wc -l)
union=$(cat <(names "$tmp/p1.out") <(names "$tmp/p2.out") <(names "$tmp/p3.out") | sort -u | wc -l)
sum=$(cat <(names "$tmp/p1.out") <(names "$tmp/p2.out") <(names "$tmp/p3.out") | wc -l)
[ "$union" = "$all" ] && [ "$sum" = "$all" ] && [ "$all" -gt 3 ] && ok || bad "hash partitions: $sum runs of $union scenarios, want each of $all once"
clean "$bin" run --seeds 3 --json "$tmp/p_all.json" >/dev/null 2>&1
expect "all partitions merge to READY" 0 "verdict PASS" -- clean "$bin" report "$tmp/p1.json" "$tmp/p2.json" "$tmp/p3.json" --json "$tmp/p_merged.json"
[ "$(digest "$tmp/p_merged.json")" = "$(digest "$tmp/p_all.json")" ] && ok || bad "three partitions do not add up to the sweep"
missing=$(names "$tmp/p2.out" | head -1 | sed 's/"scenario":"//; s/"$//')
expect "a partition left out names its scenarios" 2 "scenario $missing never ran" -- clean "$bin" report "$tmp/p1.json" "$tmp/p3.json" --junit "$tmp/pj.xml"
grep -qF "scenario $missing never ran" "$tmp/pj.xml" && ok || bad "the JUnit of a merge without a partition passes"
expect "a partition twice is refused" 2 "are both partition hash:1/3" -- clean "$bin" report "$tmp/p1.json" "$tmp/p1.json"
clean "$bin" run --seeds 3 --partition count:2/3 --json "$tmp/c2.json" >/dev/null 2>&1
expect "partitions of two kinds are refused" 2 "of another selection" -- clean "$bin" report "$tmp/p1.json" "$tmp/c2.json"
expect "a partition beside an unpartitioned file is refused" 2 "is a partition but" -- clean "$bin" report "$tmp/p1.json" "$tmp/plain5.json"
first=$(clean "$bin" list --json | grep -oE '"scenarios":\[\{"name":"[a-z_]+"' | grep -oE '[a-z_]+"$' | tr -d '"')
expect "count:1/3 takes the first scenario" 0 "^$first " -- clean "$bin" run --seeds 2 --partition count:1/3
expect "a bad partition kind" 2 "--partition must be hash:K/N or count:K/N" -- clean "$bin" run --partition mod:1/2
expect "a partition index out of range" 2 "needs 1 <= K <= N" -- clean "$bin" run --partition hash:3/2
expect "--partition excludes --shard" 2 "excludes" -- clean "$bin" run --partition hash:1/2 --shard 1/2
expect "an empty partition checks nothing" 2 "has none to run" -- clean "$bin" run -s golden_path --partition count:2/2

# ---- colour ----------------------------------------------------------------------
esc=$(printf '\033')
out=$(clean "$bin" run -s golden_path --seeds 2 --variant leaky_manager --color always 2>/dev/null)
grep -qF "${esc}[31mFAIL${esc}[0m seed=1" <<<"$out" && grep -qF "verdict=${esc}[31mFAIL" <<<"$out" && ok || bad "run --color always is not coloured"
out=$(clean "$bin" run -s golden_path --seeds 2 --variant leaky_manager --color never 2>/dev/null)
grep -qF "$esc" <<<"$out" && bad "run --color never has escapes" || ok
# auto on a terminal: coloured, unless NO_COLOR; `script` gives the terminal.
tty_out() { clean "$@" script -qec "$bin ${cmd[*]}" /dev/null </dev/null; }
cmd=(run -s golden_path --seeds 2 --variant leaky_manager)
out=$(tty_out)
grep -qF "${esc}[31mFAIL" <<<"$out" && ok || bad "run on a terminal is not coloured"
out=$(tty_out NO_COLOR=1)
grep -qF "${esc}[31m" <<<"$out" && bad "run ignores NO_COLOR" || ok
out=$(clean NO_COLOR=1 "$bin" run -s golden_path --seeds 2 --variant leaky_manager --color always 2>/dev/null)
grep -qF "${esc}[31mFAIL" <<<"$out" && ok || bad "--color always does not override NO_COLOR"
out=$(clean "$bin" report "$tmp/sf.json" --color always 2>/dev/null)
grep -qF "verdict ${esc}[32mPASS" <<<"$out" && ok || bad "report --color always is not coloured"
cmd=(report "$tmp/sf.json")
out=$(tty_out)
grep -qF "verdict ${esc}[32mPASS" <<<"$out" && ok || bad "report on a terminal is not coloured"
out=$(tty_out NO_COLOR=1)
grep -qF "verdict PASS" <<<"$out" && ! grep -qF "$esc" <<<"$out" && ok || bad "report ignores NO_COLOR"
expect "a bad --color" 2 "color" -- clean "$bin" report "$tmp/sf.json" --color sometimes

# ---- run --help describes every seed option -------------------------------------------
help=$(clean "$bin" run --help)
for want in "-n,--seeds N=100" "Seeds per scenario, 1..100000000" "--seed-range A..B" "Seeds A through B, both included" \
  "--seeds-from FILE" "--rerun-failed JSON" "--partition KIND:K/N" "--shard-count N" "JOB_COMPLETION_INDEX" "--color"; do
  grep -qF -- "$want" <<<"$help" && ok || bad "run --help lacks '$want'"
done

expect_summary "selection: "
