#!/usr/bin/env bash
# The JUnit XML as CI reads it: `run`'s and `report`'s files validate against
# the Jenkins xUnit plugin's junit-10.xsd (data/junit-10.xsd) with xmllint,
# and junitparser (junit_check.py) finds the same testcase names whatever
# the seed count or sharding, failures that name property, seed and replay
# command, and real times in `report`'s merge of shards.
# Usage: junit_schema_test.sh BRIDGESIM_BINARY
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
xsd=$here/data/junit-10.xsd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v xmllint >/dev/null || { echo "FAIL: xmllint is not installed (scripts/setup.sh: libxml2-utils)"; exit 1; }
/usr/bin/python3 -c 'import junitparser' 2>/dev/null \
  || { echo "FAIL: junitparser is not installed (scripts/setup.sh: python3-junitparser)"; exit 1; }
passes=0
fails=0
ok() { if "$@"; then passes=$((passes + 1)); else echo "FAIL: $*"; fails=$((fails + 1)); fi; }

run=("$bin" run --scenario golden_path --scenario hostile)
"${run[@]}" --seeds 10 --junit "$tmp/ten.xml" >/dev/null 2>&1
"${run[@]}" --seeds 20 --junit "$tmp/twenty.xml" >/dev/null 2>&1
for k in 1 2; do "${run[@]}" --seeds 20 --shard "$k/2" --json "$tmp/s$k.json" >/dev/null 2>&1; done
"$bin" report "$tmp/s1.json" "$tmp/s2.json" --junit "$tmp/merged.xml" >/dev/null 2>&1
"$bin" run --scenario golden_path --seeds 10 --variant leaky_manager --junit "$tmp/leaky.xml" >/dev/null 2>&1
"$bin" run --scenario golden_path --seeds 10 --shard 1/2 --json "$tmp/g1.json" >/dev/null 2>&1
"$bin" report "$tmp/g1.json" --junit "$tmp/gap.xml" >/dev/null 2>&1  # seeds 6..10 never ran

for f in ten twenty merged leaky gap; do
  ok xmllint --noout --schema "$xsd" "$tmp/$f.xml"
done
ok /usr/bin/python3 "$here/junit_check.py" NAMES "$tmp/ten.xml" "$tmp/twenty.xml" "$tmp/merged.xml"
ok /usr/bin/python3 "$here/junit_check.py" TIMED "$tmp/merged.xml"
ok /usr/bin/python3 "$here/junit_check.py" FAILS "$tmp/twenty.xml" 0
# leaky_manager breaks isolation, streams and timeliness (a victim waits for the 2 s resend); the replay command names the variant.
ok /usr/bin/python3 "$here/junit_check.py" FAILS "$tmp/leaky.xml" 3
ok /usr/bin/python3 "$here/junit_check.py" NAMES "$tmp/leaky.xml"
ok grep -qE 'replay: [^ ]*bridgesim replay --scenario golden_path --seed [0-9]+ --variant leaky_manager' "$tmp/leaky.xml"
ok /usr/bin/python3 "$here/junit_check.py" FAILS "$tmp/gap.xml" 1
ok grep -q '<failure message="seeds 6..10 never ran" type="IncompleteSweep">' "$tmp/gap.xml"
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
