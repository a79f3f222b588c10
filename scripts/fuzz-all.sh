#!/usr/bin/env bash
# Runs every Fuzz target in the module for $FUZZTIME (default 10s) each.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${FUZZTIME:-10s}
status=0
while IFS= read -r line; do
  file=${line%%:*}; name=${line#*func }; name=${name%%(*}
  pkg=./$(dirname "$file")
  echo "== fuzz $pkg $name ($t)"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$t" "$pkg" || status=1
done < <(git ls-files '*_test.go' | xargs grep -n '^func Fuzz' | sed 's/:[0-9]*:/:/')
exit $status
