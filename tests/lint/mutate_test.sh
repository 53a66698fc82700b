#!/usr/bin/env bash
# The mutation benchmark's own tool, cheaply: --list over the real system/,
# the operators and the skipped places on a planted file, a deterministic
# sample, and a mutate-and-restore round trip on a copy of one real file
# (the mutant differs, the restore is byte-identical). No build, no sweep.
# Usage: mutate_test.sh ROOT
set -u
root=$1
source "$(dirname "$0")/../support/expect.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mutate() { /usr/bin/python3 "$root/scripts/mutate.py" "$@"; }

expect "help names the sample option" 0 "--sample N" -- bash "$root/scripts/mutation-score.sh" --help
expect "an unknown option is a usage error" 2 "unknown option" -- bash "$root/scripts/mutation-score.sh" --bogus
expect "--list lists the mutants of system/" 0 "^system/[a-z_]+\.cpp:[0-9]+:[0-9]+:[a-z_]+" -- \
  bash "$root/scripts/mutation-score.sh" --list
listed=$(mutate list "$root" --ids 2>/dev/null)
for op in rel_boundary rel_negate negate_cond and_or delete_stmt swap_args const_return off_by_one; do
  expect "--list has $op mutants" 0 "" -- grep -q ":$op" <<<"$listed"
done
expect "system/net/ only with --net" 1 "" -- grep -q "^system/net/" <<<"$listed"
expect "--net adds system/net/" 0 "^system/net/" -- mutate list "$root" --ids --net

a=$(mutate list "$root" --ids --sample 10 --seed 3)
b=$(mutate list "$root" --ids --sample 10 --seed 3)
c=$(mutate list "$root" --ids --sample 10 --seed 4)
expect "a sample has N mutants" 0 "^10$" -- bash -c 'wc -l <<<"$1"' _ "$a"
expect "a sample is deterministic" 0 "" -- test "$a" = "$b"
expect "another seed draws another sample" 1 "" -- test "$a" = "$c"

# ---- operators and skipped places, on a planted file
mkdir -p "$tmp/p/system"
cat >"$tmp/p/system/planted.cpp" <<'EOF'
#define LIMIT(a, b) (a < b)
// if (a < b) f(x, y);
void g(int a, int b) {
  const char* s = "a < b && c";
  BRIDGESIM_ASSERT(a < b, "ordered");
  logger_->info("{} {}", a < b, a && b);
  if (a < b && a != 0) f(x, y);
  return a == b;
}
EOF
planted=$(mutate list "$tmp/p" --ids)
for want in 7:7:negate_cond 7:9:rel_boundary 7:9:rel_negate 7:13:and_or 7:18:rel_negate 7:21:off_by_one \
            7:24:delete_stmt 7:26:swap_args 8:10:const_return; do
  expect "planted: system/planted.cpp:$want" 0 "" -- grep -qx "system/planted.cpp:$want" <<<"$planted"
done
expect "planted: nothing on the #define, comment, string, assert or logging lines" 1 "" -- \
  grep -qE "^system/planted.cpp:[1-6]:" <<<"$planted"

# ---- mutate and restore, on a copy of one real file
mkdir -p "$tmp/r/system"
cp "$root/system/websocket_manager.cpp" "$tmp/r/system/"
cp "$tmp/r/system/websocket_manager.cpp" "$tmp/pristine.cpp"
ids=$(mutate list "$tmp/r" --ids)
for op in rel_negate delete_stmt const_return off_by_one negate_cond; do
  id=$(grep -m1 ":$op" <<<"$ids")
  expect "apply $op" 0 "" -- mutate apply "$tmp/r" "$id" --backup "$tmp/backup"
  expect "the $op mutant differs from the original" 1 "" -- cmp -s "$tmp/pristine.cpp" "$tmp/r/system/websocket_manager.cpp"
  expect "a second apply before restore is refused" 2 "not restored" -- mutate apply "$tmp/r" "$id" --backup "$tmp/backup"
  expect "restore $op" 0 "" -- mutate restore "$tmp/r" --backup "$tmp/backup"
  expect "the restore of $op is byte-identical" 0 "" -- cmp "$tmp/pristine.cpp" "$tmp/r/system/websocket_manager.cpp"
done
expect "applying an unknown id fails clearly" 2 "no mutant" -- \
  mutate apply "$tmp/r" system/websocket_manager.cpp:1:1:rel_negate --backup "$tmp/backup"
expect "restore with nothing to restore is a no-op" 0 "" -- mutate restore "$tmp/r" --backup "$tmp/backup"

expect_summary "mutate_test: "
