#!/usr/bin/env bash
# The interfaces CI and sign-off read (issue 14): every printed replay
# command reproduces its failure (swarm, variant, path, the binary as
# invoked); the JSON records the mode and `report` refuses mixed modes; a run
# that checks nothing is an error; no input aborts; writes are checked after
# their flush; SIGINT/SIGTERM stop a sweep with partial reports; scenario
# lookup and `cmake --install`; --version, colour, "did you mean", globs.
# Usage: interfaces_test.sh BRIDGESIM_BINARY BUILD_DIR
set -u
bin=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../support/expect.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)

# ---- 1. replay commands reproduce; the JSON records the mode -------------
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/mybs"
out=$("$tmp/bin/mybs" run -s golden_path --swarm --seeds 50 --variant no_resume --json "$tmp/swarm.json" 2>&1)
replay=$(grep -m1 -oE 'replay: .*' <<<"$out" | sed 's/^replay: //')
case "$replay" in
  "$tmp/bin/mybs replay --scenario golden_path --seed "*" --variant no_resume --swarm") ok ;;
  *) bad "swarm replay command: '$replay'" ;;
esac
# shellcheck disable=SC2086
[ -n "$replay" ] && expect "the swarm failure's replay fails the same way" 1 "verdict=FAIL" -- $replay --no-color
"$bin" run -s golden_path --seeds 50 --json "$tmp/plain.json" >/dev/null 2>&1
grep -qF '"variant":"no_resume","mode":"swarm"' "$tmp/swarm.json" && grep -qF '"variant":"","mode":"plain"' "$tmp/plain.json" \
  && ok || bad "the JSON does not record the mode"
"$bin" run -s golden_path --swarm --seeds 50 --json "$tmp/swarm_plainvariant.json" >/dev/null 2>&1
expect "report refuses a swarm and a plain run of one scenario" 2 "as plain but .* as swarm: runs of different modes" -- \
  "$bin" report "$tmp/plain.json" "$tmp/swarm_plainvariant.json"
cp "$src/scenarios/golden_path.toml" "$tmp/elsewhere.toml"
out=$("$bin" run -s "$tmp/elsewhere.toml" --seeds 5 --variant leaky_manager 2>&1)
replay=$(grep -m1 -oE 'replay: .*' <<<"$out" | sed 's/^replay: //')
case "$replay" in *"--scenario $tmp/elsewhere.toml --seed "*) ok ;; *) bad "replay of a file outside the scenario dir: '$replay'" ;; esac
# shellcheck disable=SC2086
[ -n "$replay" ] && expect "a scenario file's replay reproduces" 1 "VIOLATION isolation" -- $replay --no-color

# ---- 2. zero runs is an error --------------------------------------------
expect "a shard with no seeds" 2 "--shard 4/4 of 3 seeds has no seeds to run" -- "$bin" run -s golden_path --seeds 3 --shard 4/4
expect "--allow-empty accepts it" 0 "TOTAL runs=0" -- "$bin" run -s golden_path --seeds 3 --shard 4/4 --allow-empty
expect "a seed range that would wrap" 2 "more than 100000000 seeds" -- "$bin" run -s golden_path --seed-range 0..18446744073709551615
expect "every scenario excluded" 2 "no scenario selected" -- "$bin" run -s golden_path --exclude 'golden*'

# ---- 3. no input aborts ----------------------------------------------------
expect "a huge seed range" 2 "more than 100000000 seeds" -- "$bin" run -s golden_path --seed-range 1..100000000000
expect "a seed range past the last seed" 2 "runs past the last seed" -- "$bin" run -s golden_path --seed-start 18446744073709551615 --seeds 2
expect "a negative seed" 2 "--seed must be a whole number" -- "$bin" replay -s golden_path --seed -1
expect "a negative seed count" 2 "--seeds must be a whole number" -- "$bin" run -s golden_path --seeds -5
printf 'name = "t"\nusers = 2\n\n[[fault]]\nkind = "client_close"\ntarget = "user:u99999999999999999999"\n' >"$tmp/huge.toml"
expect "a huge fault target, at its line" 2 "huge.toml:4: fault #1 targets 'user:u99999999999999999999', but users are u1..u2" -- \
  "$bin" run -s "$tmp/huge.toml"
mkdir -p "$tmp/dir"
cp "$src/scenarios/golden_path.toml" "$src/scenarios/hostile.toml" "$tmp/dir/"
cp "$tmp/huge.toml" "$tmp/dir/zz_huge.toml"
expect "list names the broken file and lists the rest" 2 "error: .*zz_huge.toml:4: fault #1" -- "$bin" list --scenario-dir "$tmp/dir"
"$bin" list --scenario-dir "$tmp/dir" 2>/dev/null | grep -qE '^  hostile ' && ok || bad "list hid the good scenarios"
expect "the default sweep refuses a broken file" 2 "zz_huge.toml:4:" -- "$bin" run --scenario-dir "$tmp/dir" --seeds 2
expect "a good scenario beside it still runs" 0 "golden_path +runs=2" -- "$bin" run --scenario-dir "$tmp/dir" -s golden_path --seeds 2
expect "a glob beside it says what it could not match" 0 "warning: 1 scenario file\(s\) in .* do not load" -- \
  "$bin" run --scenario-dir "$tmp/dir" -s 'g*' --seeds 2
mkfifo "$tmp/fifo.toml"
expect "a FIFO as --scenario" 2 "fifo.toml:0: not a regular file" -- timeout 20 "$bin" run -s "$tmp/fifo.toml"
printf 'name = "p"\nproperties = [\n  "isolation",\n  "isolaton",\n]\n' >"$tmp/prop.toml"
expect "an unknown property at its line, with a suggestion" 2 "prop.toml:4: unknown property 'isolaton' \(did you mean 'isolation'\?\)" -- \
  "$bin" run -s "$tmp/prop.toml"
# A name that climbs out of out/ and holds a newline: the shrunk file stays
# in out/ and loads back.
sed 's|^name = .*|name = "../../escape\\nline"|' "$src/scenarios/golden_path.toml" >"$tmp/evil.toml"
mkdir -p "$tmp/cwd"
out=$(cd "$tmp/cwd" && "$bin" shrink -s "$tmp/evil.toml" --seed 1 --variant leaky_manager 2>&1)
shrunk=$(sed -n 's/^wrote //p' <<<"$out")
case "$shrunk" in out/*) ;; *) shrunk="" ;; esac
if [ -n "$shrunk" ] && [ -f "$tmp/cwd/$shrunk" ] && [ "$(find "$tmp" -name '*escape*' | wc -l)" = 1 ]; then ok; else
  bad "shrink wrote '$shrunk' (files: $(find "$tmp" -name '*escape*'))"; fi
[ -n "$shrunk" ] && expect "the shrunk file loads back and fails" 1 "VIOLATION isolation" -- \
  sh -c "cd '$tmp/cwd' && '$bin' replay -s '$shrunk' --seed 1 --variant leaky_manager --no-color"

# ---- 4. writes are checked after their flush -------------------------------
for flag in --json --junit --markdown --html; do
  expect "$flag to a full disk" 2 "cannot write /dev/full: No space left on device" -- "$bin" run -s golden_path --seeds 2 $flag /dev/full
done
expect "a read-only file" 2 "cannot write /proc/version" -- "$bin" run -s golden_path --seeds 2 --json /proc/version
expect "replay --trace to a full disk" 2 "cannot write /dev/full" -- "$bin" replay -s golden_path --seed 1 --trace /dev/full
expect "stdout on a full disk" 2 "cannot write standard output" -- sh -c "'$bin' run -s golden_path --seeds 2 >/dev/full"

# ---- 4. SIGINT and SIGTERM stop a sweep; reports are partial ----------------
has_bit() {  # has_bit PID FIELD SIGNAL_NUMBER: /proc/PID/status FIELD (SigCgt, SigIgn) holds the signal
  local mask
  mask=$(sed -n "s/^$2:\t//p" "/proc/$1/status" 2>/dev/null)
  [ -n "$mask" ] && (( (16#$mask >> ($3 - 1)) & 1 ))
}
catches() {  # catches PID SIGNAL_NUMBER: wait (up to a minute) until the process has a handler for it
  for _ in $(seq 1 600); do has_bit "$1" SigCgt "$2" && return 0; sleep 0.1; done
  return 1
}
interrupt() {  # interrupt NAME SIGNAL WANT_CODE [ignore-int]
  local json="$tmp/$1.json" pid code
  if [ "${4:-}" = ignore-int ]; then
    # A background job of a script: the shell starts it with SIGINT ignored.
    "$bin" run -s golden_path -s hostile --seeds 100000000 --jobs 2 --json "$json" >"$tmp/$1.out" 2>&1 &
  else
    set -m  # job control: a background job keeps SIGINT as it is
    "$bin" run -s golden_path -s hostile --seeds 100000000 --jobs 2 --json "$json" >"$tmp/$1.out" 2>&1 &
    set +m
  fi
  pid=$!
  catches "$pid" 15 || { bad "$1: no SIGTERM handler"; kill -9 "$pid"; return; }
  if [ "${4:-}" = ignore-int ]; then
    if has_bit "$pid" SigIgn 2 && ! has_bit "$pid" SigCgt 2; then ok; else bad "$1: took over an ignored SIGINT"; fi
    kill -INT "$pid"  # ignored: it runs on
  fi
  kill "-$2" "$pid"
  # Not a timing assertion: only a guard so that a sweep that ignores the
  # signal fails the test instead of hanging it.
  for _ in $(seq 1 1200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { bad "$1: still running two minutes after SIG$2"; kill -9 "$pid"; }
  wait "$pid"; code=$?
  if [ "$code" = "$3" ] && grep -qF '"partial":true' "$json" && grep -qF '"verdict":"incomplete"' "$json" \
    && grep -qE '^TOTAL runs=[0-9]+ .*verdict=INCOMPLETE$' "$tmp/$1.out" && grep -qF "interrupted by SIG$2" "$tmp/$1.out"; then ok; else
    bad "$1: exit $code (want $3); $(tail -3 "$tmp/$1.out")"; fi
}
interrupt sigint INT 130
interrupt sigterm TERM 130
interrupt background_sigterm TERM 130 ignore-int
expect "report keeps a partial run partial" 2 "" -- "$bin" report "$tmp/sigint.json"

# ---- 5. scenario lookup, install, the binary as invoked ---------------------
mkdir -p "$tmp/nowhere" "$tmp/here/scenarios" "$tmp/envdir"
cp "$src/scenarios/hostile.toml" "$tmp/here/scenarios/"
cp "$src/scenarios/golden_path.toml" "$tmp/envdir/"
expect "lookup: the current directory's scenarios/" 0 "Scenarios \($tmp/here/scenarios, from the current directory's scenarios/\)" -- \
  sh -c "cd '$tmp/here' && '$bin' list"
expect "lookup: BRIDGESIM_SCENARIOS" 0 "Scenarios \($tmp/envdir, from BRIDGESIM_SCENARIOS\)" -- \
  sh -c "cd '$tmp/nowhere' && BRIDGESIM_SCENARIOS='$tmp/envdir' '$bin' list"
out=$(cd "$tmp/here" && BRIDGESIM_SCENARIOS="$tmp/envdir" "$bin" list 2>&1)
grep -q '^  hostile ' <<<"$out" && ! grep -q '^  golden_path ' <<<"$out" && ok || bad "the current directory does not come first"
if cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
  expect "installed: the binary finds the installed scenarios" 0 \
    "Scenarios \($tmp/prefix/share/bridgesim/scenarios, from the installed share directory\)" -- \
    sh -c "cd '$tmp/nowhere' && env -u BRIDGESIM_SCENARIOS '$tmp/prefix/bin/bridgesim' list"
  expect "installed: a sweep runs from anywhere" 0 "golden_path +runs=2 failures=0" -- \
    sh -c "cd '$tmp/nowhere' && env -u BRIDGESIM_SCENARIOS '$tmp/prefix/bin/bridgesim' run -s golden_path --seeds 2"
else
  bad "cmake --install failed: $(tail -3 "$tmp/install.log")"
fi

# ---- 6. conventions --------------------------------------------------------
expect "--version" 0 "^bridgesim [0-9]+\.[0-9]+\.[0-9]+" -- "$bin" --version
expect "a typo of a command" 2 "unknown command 'rnu' \(did you mean 'run'\?\)" -- "$bin" rnu
expect "a typo of a scenario" 2 "no scenario named 'golden_pth' .*\(did you mean 'golden_path'\?\)" -- "$bin" run -s golden_pth
expect "a typo of a variant" 2 "unknown variant 'leaky_manger' \(did you mean 'leaky_manager'\?\)" -- \
  "$bin" run -s golden_path --variant leaky_manger
expect "--seed-range with --seeds" 2 "excludes" -- "$bin" run -s golden_path --seed-range 1..10 --seeds 5
esc=$(printf '\033')
colour() { "$bin" replay -s golden_path --seed 1 "$@" | grep -c "$esc"; }
[ "$(colour --color always)" -gt 0 ] && [ "$(colour --color never)" = 0 ] && [ "$(colour)" = 0 ] && ok \
  || bad "--color always/never/auto (no terminal)"
tty_colour() { script -qec "$* '$bin' replay -s golden_path --seed 1" /dev/null | grep -c "$esc"; }
[ "$(tty_colour env -u NO_COLOR)" -gt 0 ] && [ "$(tty_colour env NO_COLOR=1)" = 0 ] && ok || bad "NO_COLOR on a terminal"
out=$("$bin" run -s golden_path -s hostile --variant leaky_manager --seeds 5 --fail-fast 2>&1)
grep -q '^golden_path\[leaky_manager\] ' <<<"$out" && ! grep -q '^hostile' <<<"$out" && grep -q 'not run' <<<"$out" \
  && ok || bad "--fail-fast ran on: $out"
out=$("$bin" run -s 'auth_*' --exclude auth_flapping --seeds 2 2>&1)
[ "$(grep -cE '^auth_degraded +runs=2' <<<"$out")" = 1 ] && ! grep -q '^auth_flapping' <<<"$out" && ok \
  || bad "glob and --exclude: $out"
"$bin" list --json >"$tmp/list.json" && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [s["name"] for s in d["scenarios"]]
assert "golden_path" in names and d["scenario_dir_from"] and any(v["name"] == "leaky_manager" for v in d["variants"])
' "$tmp/list.json" && ok || bad "list --json"

expect_summary ""
