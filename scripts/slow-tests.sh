#!/usr/bin/env bash
# Prints the arguments for `go test` that run exactly the slow tests: the
# packages holding a Test function that calls testenv.Slow, then
# -run '^(TestA|TestB|...)$'. `make test-slow` uses it; `make test` skips
# the same tests (MLGATE_SLOW=skip), so together they run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
files=$(grep -rl --include='*_test.go' 'testenv\.Slow(' --exclude-dir=testenv . || true)
[ -n "$files" ] || { echo "no slow tests found" >&2; exit 1; }
pkgs=() names=()
for f in $files; do
  dir=$(dirname "${f#./}")
  found=$(awk '
    /^func Test[A-Za-z0-9_]*\(/ { match($0, /Test[A-Za-z0-9_]*/); fn = substr($0, RSTART, RLENGTH) }
    /^}/ { fn = "" }
    /testenv\.Slow\(/ && fn != "" { print fn }' "$f")
  [ -n "$found" ] || continue
  pkgs+=("$mod/$dir")
  names+=($found)
done
printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' '
printf -- "-run ^(%s)\$\n" "$(printf '%s\n' "${names[@]}" | sort -u | paste -sd'|')"
