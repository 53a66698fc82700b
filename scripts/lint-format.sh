#!/usr/bin/env bash
# Every C++ file is formatted by the repository's .clang-format (Debian's
# clang-format 14). Fails naming the files that are not; fix them with
#   clang-format -i FILE   (or: bash scripts/lint-format.sh --fix)
# Usage: lint-format.sh [--fix] [ROOT]
set -u
fix=0
if [ "${1:-}" = --fix ]; then fix=1; shift; fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || { echo "lint-format: cannot enter $root" >&2; exit 2; }
cf=$(command -v clang-format || command -v clang-format-14 || true)
[ -n "$cf" ] || { echo "lint-format: clang-format not found (scripts/setup.sh installs it)" >&2; exit 2; }
mapfile -t files < <(find protocol sim system scenarios properties reports harness cli bench tests fuzz \
  \( -name node_modules -o -name 'build*' \) -prune -o \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print 2>/dev/null | sort)
[ ${#files[@]} -gt 0 ] || { echo "lint-format: no C++ files under $root" >&2; exit 2; }
if [ $fix = 1 ]; then "$cf" -i "${files[@]}"; echo "lint-format: formatted ${#files[@]} files"; exit 0; fi
bad=()
for f in "${files[@]}"; do "$cf" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f"); done
if [ ${#bad[@]} -gt 0 ]; then
  echo "lint-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format (run scripts/lint-format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "lint-format: ${#files[@]} files formatted"
