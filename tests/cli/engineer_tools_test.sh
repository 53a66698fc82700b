#!/usr/bin/env bash
# The engineer's tools (issue 14, item 9): `shrink --property P` shrinks for
# the property asked for; shrink drops any user that is not needed (not only
# the highest) and lowers the start spread and message counts; the replay
# timeline numbers its records as violations name them, marks the violation
# and filters by actor, connection and time.
# Usage: engineer_tools_test.sh BRIDGESIM_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../support/expect.sh"
cd "$tmp" || exit 2

# ---- shrink --property ----------------------------------------------------------
# golden_path seed 3 with leaky_manager violates isolation, streams and timeliness.
expect "shrink keeps the first property by default" 1 "seed 3: isolation$" -- \
  "$bin" shrink -s golden_path --seed 3 --variant leaky_manager -o "$tmp/first.toml"
expect "shrink --property timeliness" 1 "seed 3: timeliness$" -- \
  "$bin" shrink -s golden_path --seed 3 --variant leaky_manager --property timeliness -o "$tmp/t.toml"
grep -qE '^properties = \["timeliness"\]' "$tmp/t.toml" && ok || bad "the shrunk file does not check timeliness"
expect "the shrunk file replays the property asked for" 1 "VIOLATION timeliness" -- \
  "$bin" replay -s "$tmp/t.toml" --seed 3 --variant leaky_manager --no-color
expect "a property the run does not violate" 2 "does not violate 'delivery'; it violates: isolation, streams, timeliness" -- \
  "$bin" shrink -s golden_path --seed 3 --variant leaky_manager --property delivery
expect "an unknown property" 2 "unknown property 'timelines' \(did you mean 'timeliness'\?\)" -- \
  "$bin" shrink -s golden_path --seed 3 --variant leaky_manager --property timelines

# ---- any user, the start spread, the messages ------------------------------------
# Seed 1 of bounds_keys_and_identities under fanout_fixed_at_run_start fails
# on u1's second tab with u2 and u3 not needed; 3 users, 2 messages, 300 ms.
out=$("$bin" shrink -s bounds_keys_and_identities --seed 1 --variant fanout_fixed_at_run_start -o "$tmp/f.toml" 2>&1)
grep -qE "users 3 -> 1," <<<"$out" && ok || bad "shrink kept users it does not need: $(grep shrunk <<<"$out")"
grep -qE "messages/user 2 -> 1, start spread 300 -> [0-9]+ ms" <<<"$out" && ! grep -qE "start spread 300 -> 300 ms" <<<"$out" \
  && ok || bad "shrink did not lower the messages and the start spread: $(grep shrunk <<<"$out")"
expect "the smaller repro still fails" 1 "VIOLATION streams" -- \
  "$bin" replay -s "$tmp/f.toml" --seed 1 --variant fanout_fixed_at_run_start --no-color
# A victim above a user that is not needed: seed 4 fails on u3's tab; u1 and u2 go, u3 becomes u1.
out=$("$bin" shrink -s bounds_keys_and_identities --seed 4 --variant fanout_fixed_at_run_start -o "$tmp/f4.toml" 2>&1)
grep -qE "users 3 -> 1," <<<"$out" && ok || bad "a u3 victim kept u1 and u2: $(grep shrunk <<<"$out")"
expect "... and replays" 1 "VIOLATION streams" -- "$bin" replay -s "$tmp/f4.toml" --seed 4 --variant fanout_fixed_at_run_start --no-color

# ---- the timeline ----------------------------------------------------------------
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --no-color)
at=$(grep -oE '^VIOLATION isolation at record #[0-9]+' <<<"$out" | grep -oE '[0-9]+$')
line=$(grep -E "^#$at " <<<"$out")
[ -n "$at" ] && grep -qE "<== VIOLATION isolation$" <<<"$line" && grep -qF 'agent_thinking' <<<"$line" \
  && ok || bad "record #$at is not the marked violation: '$line'"
n=$(grep -cE '^#[0-9]+ ' <<<"$out")
last=$(grep -oE 'records=[0-9]+' <<<"$out" | grep -oE '[0-9]+$')
[ "$n" = "$last" ] && grep -qE "^#0 +" <<<"$out" && grep -qE "^#$((last - 1)) " <<<"$out" && ok || bad "not every record numbered ($n of $last)"
[ "$(grep -c '<== VIOLATION' <<<"$out")" = 3 ] && ok || bad "not one mark per violation"
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --no-color --actor 'user:u2')
rows=$(grep -E '^#[0-9]+ ' <<<"$out")
[ -n "$rows" ] && ! grep -qvE '^#[0-9]+ +[0-9.]+s  user:u2 ' <<<"$rows" && ok || bad "--actor kept other actors"
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --no-color --actor 'user:u1*' --actor net)
grep -qE '  user:u1 ' <<<"$out" && grep -qE '  net ' <<<"$out" && ! grep -qE '  user:u2 ' <<<"$out" && ok || bad "--actor globs"
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --no-color --conn 3)
rows=$(grep -E '^#[0-9]+ ' <<<"$out")
[ -n "$rows" ] && ! grep -qv ' conn=3\b' <<<"$rows" && grep -qE '<== VIOLATION isolation$' <<<"$rows" && ok || bad "--conn 3"
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --no-color --until 40ms)
times=$(grep -E '^#[0-9]+ ' <<<"$out" | awk '{print $2}' | tr -d s)
[ -n "$times" ] && awk -v max=0.040000 '$1 > max {bad=1} END {exit bad}' <<<"$times" && [ "$(tail -1 <<<"$times")" != "" ] \
  && grep -qE '^VIOLATION isolation' <<<"$out" && ok || bad "--until 40ms kept later records"
expect "--until in seconds" 0 "" -- "$bin" replay -s golden_path --seed 3 --until 0.5
expect "an actor the run has not" 2 "--actor 'user:u9' matches no actor of this run" -- "$bin" replay -s golden_path --seed 3 --actor user:u9
expect "a connection the run has not" 2 "--conn 99 is no connection of this run" -- "$bin" replay -s golden_path --seed 3 --conn 99
expect "a bad --conn" 2 "--conn must be a whole number" -- "$bin" replay -s golden_path --seed 3 --conn x
expect "a bad --until" 2 "--until must be a virtual time such as 1.5s" -- "$bin" replay -s golden_path --seed 3 --until soon
out=$("$bin" replay -s golden_path --seed 3 --variant leaky_manager --color always)
grep -qF "$(printf '\033')[1;31m<== VIOLATION isolation" <<<"$out" && ok || bad "the mark is not highlighted"

expect_summary "engineer tools: "
