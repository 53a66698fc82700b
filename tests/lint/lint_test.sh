#!/usr/bin/env bash
# The size, dependency and format lints must flag planted violations and pass
# clean trees. Usage: lint_test.sh SCRIPTS_DIR
set -u
scripts=$1
source "$(dirname "$0")/../support/expect.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

function_of() {  # function_of NAME BODY_LINES: a function NAME of BODY_LINES + 2 lines
  echo "int $1() {"
  for _ in $(seq 1 "$2"); do echo "  x++;"; done
  echo "}"
}
size() { /usr/bin/python3 "$scripts/lint_size.py" "$@"; }

# ---- size: functions
mkdir -p "$tmp/s/sim" "$tmp/s/scripts"
function_of ok 68 >"$tmp/s/sim/a.cpp"  # 70 lines: at the limit
expect "size: a 70-line function passes" 0 "" -- size "$tmp/s"
function_of long 69 >"$tmp/s/sim/a.cpp"  # 71 lines
expect "size: a 71-line function fails" 1 "function sim/a.cpp long: 71 lines" -- size "$tmp/s"
size --update "$tmp/s" >/dev/null
expect "size: a listed violator passes" 0 "" -- size "$tmp/s"
function_of long 75 >"$tmp/s/sim/a.cpp"
expect "size: a listed violator that grew fails" 1 "" -- size "$tmp/s"
function_of long 10 >"$tmp/s/sim/a.cpp"
expect "size: a listed violator that shrank under the limit fails (delete its line)" 1 "" -- size "$tmp/s"
rm "$tmp/s/scripts/size-ratchet.txt"
{ echo 'int f() {'; echo '  const char* k = R"({ " })";'; for _ in $(seq 1 75); do echo '  x++;'; done; echo '}'; } \
  >"$tmp/s/sim/a.cpp"
expect "size: a brace inside a raw string does not end its function" 1 "function sim/a.cpp f: 78 lines" -- size "$tmp/s"
body75() { for _ in $(seq 1 75); do echo "  x++;"; done; }
for shape in 'A::A() : x_{1}, y_(2) {' 'template <typename T, typename = int> void t(T v) {' 'void h() try {' \
             'template <typename T> void r(T) requires true {'; do
  { echo "$shape"; body75; echo '}'; } >"$tmp/s/sim/a.cpp"
  expect "size: a long function of shape '$shape' fails" 1 "" -- size "$tmp/s"
done
{ echo "char c = L'{';"; echo 'void g() {'; body75; echo '}'; } >"$tmp/s/sim/a.cpp"
expect "size: a prefixed character literal is not a brace" 1 "function sim/a.cpp g: 77 lines" -- size "$tmp/s"
{ echo 'namespace n {'; echo 'struct S {'; echo '  void m() const {'; for _ in $(seq 1 70); do echo '    if (x) { y(); }'; done; echo '  }'; echo '};'; echo '}'; } >"$tmp/s/sim/a.cpp"
expect "size: a 72-line member function inside a namespace and a class fails" 1 "" -- size "$tmp/s"
for _ in $(seq 1 501); do echo "int v$RANDOM;"; done >"$tmp/s/sim/a.cpp"
expect "size: a 501-line file fails" 1 "" -- size "$tmp/s"

# ---- dependency rule
deps() { /usr/bin/python3 "$scripts/lint_deps.py" "$@"; }
mkdir -p "$tmp/d/bench" "$tmp/d/cli" "$tmp/d/system" "$tmp/d/properties" "$tmp/d/tests/sweep"
printf '#include "harness/sweep.hpp"\n#include "system/app.hpp"\n' >"$tmp/d/bench/a.cpp"
printf '#include "bench/fanout.hpp"\n' >"$tmp/d/cli/a.cpp"
expect "deps: allowed arrows pass" 0 "" -- deps "$tmp/d"
printf '#include "cli/harness.hpp"\n' >"$tmp/d/bench/b.cpp"
expect "deps: bench -> cli fails" 1 "bench/b.cpp:1: bench may not include cli/" -- deps "$tmp/d"
rm "$tmp/d/bench/b.cpp"
printf '#include "sim/trace.hpp"\n' >"$tmp/d/system/b.cpp"
expect "deps: system -> sim fails" 1 "" -- deps "$tmp/d"
rm "$tmp/d/system/b.cpp"
printf '#include "system/app.hpp"\n' >"$tmp/d/properties/b.cpp"
expect "deps: properties -> system fails" 1 "" -- deps "$tmp/d"
rm "$tmp/d/properties/b.cpp"
printf '#include "cli/commands.hpp"\n' >"$tmp/d/tests/sweep/b.cpp"
expect "deps: tests/sweep -> cli fails" 1 "" -- deps "$tmp/d"
rm "$tmp/d/tests/sweep/b.cpp"
printf '#include <system/app.hpp>\n' >"$tmp/d/properties/b.cpp"
expect "deps: an angle-bracket include of a project folder is checked too" 1 "properties may not include system/" -- deps "$tmp/d"
printf '#include "../system/app.hpp"\n' >"$tmp/d/properties/b.cpp"
expect "deps: a relative include is resolved and checked" 1 "properties may not include system/" -- deps "$tmp/d"
rm "$tmp/d/properties/b.cpp"
mkdir -p "$tmp/d/newfolder" && printf 'int x;\n' >"$tmp/d/newfolder/a.cpp"
expect "deps: a folder without a row fails" 1 "" -- deps "$tmp/d"

printf '// see ../%s/%s.md\n' shared DESIGN >"$tmp/d/cli/c.cpp"
expect "deps: a file pointing outside the repository fails" 1 "cli/c.cpp:1: points outside the repository" -- deps "$tmp/d"
rm "$tmp/d/cli/c.cpp"

# ---- pointer-keyed containers, also behind type aliases (lint-determinism.sh)
det() { bash "$scripts/lint-determinism.sh" "$@"; }
mkdir -p "$tmp/p/system" "$tmp/p/harness"
cat >"$tmp/p/system/clean.hpp" <<'END'
// std::set<Conn*> in a comment, and in a string, are not code
const char* s = "std::unordered_map<Conn*, int>";
std::map<std::string, Conn*> by_name;
std::unordered_map<int, std::vector<Conn*>> by_id;
using ConnPtr = Conn*;
using Names = std::set<std::string>;
END
expect "pointer keys: pointer values, comments and strings pass" 0 "" -- det "$tmp/p"
while IFS='|' read -r label code use want; do
  printf '%s\n' "$code" >"$tmp/p/system/alias.hpp"
  printf 'int pad;\n%s\n' "$use" >"$tmp/p/harness/use.cpp"
  expect "pointer keys: $label" 1 "$want" -- det "$tmp/p"
done <<'END'
a using alias of unordered_map<Conn*, X>|using ConnMap = std::unordered_map<Conn*, X>;|int x;|system/alias.hpp:1:using ConnMap
a use of that alias|using ConnMap = std::unordered_map<Conn*, X>;|ConnMap conns;|harness/use.cpp:2:ConnMap conns;
a typedef of std::set<const T*>|typedef std::set<const T*> S;|int x;|system/alias.hpp:1:typedef
a use of that typedef|typedef std::set<const T*> S;|S members;|harness/use.cpp:2:S members;
std::unordered_set<Foo*>|int x;|std::unordered_set<Foo*> u;|harness/use.cpp:2:std::unordered_set
std::map<Foo*, ...>|int x;|std::map<Foo*,int> m;|harness/use.cpp:2:std::map
std::hash<T*>|int x;|auto h = std::hash<T*>{}(p);|harness/use.cpp:2:auto h
a container keyed by a pointer alias|typedef const Foo* FooPtr;|std::set<FooPtr> s;|harness/use.cpp:2:std::set<FooPtr>
a use of an alias template keyed by a pointer|template <class V> using ByConn = std::map<Conn*, V>;|ByConn<int> b;|harness/use.cpp:2:ByConn<int>
a smart-pointer key|int x;|std::set<std::shared_ptr<Conn>> s;|harness/use.cpp:2:std::set
END
rm "$tmp/p/system/alias.hpp" "$tmp/p/harness/use.cpp"
printf 'std::multimap<\n    const Conn *, int> m;\n' >"$tmp/p/system/multi.hpp"
expect "pointer keys: a declaration over two lines is named at its first" 1 "system/multi.hpp:1:" -- det "$tmp/p"

# ---- format
if command -v clang-format >/dev/null; then
  mkdir -p "$tmp/f/sim"
  cp "$(dirname "$0")/../../.clang-format" "$tmp/f/"
  printf 'int f() { return 1; }\n' >"$tmp/f/sim/a.cpp"
  expect "format: a formatted file passes" 0 "" -- bash "$scripts/lint-format.sh" "$tmp/f"
  printf 'int   f( ) {return 1;}\n' >"$tmp/f/sim/a.cpp"
  expect "format: an unformatted file fails" 1 "sim/a.cpp" -- bash "$scripts/lint-format.sh" "$tmp/f"
fi
expect_summary "lint: "
