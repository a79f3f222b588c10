#!/usr/bin/env bash
# Runs every benchmark script bench/bench-*.sh in turn; each prints its own
# side-by-side table and ratios. BENCH_ONLY=name runs just one.
set -euo pipefail
cd "$(dirname "$0")/.."
for s in bench/bench-*.sh; do
  [ -e "$s" ] || continue
  n=$(basename "$s" .sh); n=${n#bench-}
  if [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$n" ]; then continue; fi
  echo "=================== $n ==================="
  bash "$s"
done
