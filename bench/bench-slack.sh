#!/usr/bin/env bash
# Time from a signed Approve click reaching mlbot to GitLab receiving the
# play call of the rollback job, over 100 approvals (SQLite store with
# synchronous=FULL, the outbox worker woken by the decision), side by side
# with the same GitLab calls made directly (the floor). Goal: p99 < 2 s.
# Knob: RUNS (benchmark iterations of 100 approvals each, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
out=$(go test ./internal/bot/intake -run '^$' -bench 'BenchmarkApproveToPlay$|BenchmarkRollbackDirect$' -benchtime "${RUNS}x" -count 1)
echo "$out" | grep -E '^Benchmark' >&2
metric() { echo "$out" | awk -v b="$1" -v m="$2" '$1 ~ "^"b"-" { for (i = 2; i < NF; i++) if ($(i+1) == m) print $i }'; }
a50=$(metric BenchmarkApproveToPlay p50-ms); a99=$(metric BenchmarkApproveToPlay p99-ms); amax=$(metric BenchmarkApproveToPlay max-ms)
d50=$(metric BenchmarkRollbackDirect p50-ms); d99=$(metric BenchmarkRollbackDirect p99-ms); dmax=$(metric BenchmarkRollbackDirect max-ms)
printf '%-36s %10s %10s %10s\n' "approve → GitLab play ($((RUNS * 100)) approvals)" p50-ms p99-ms max-ms
printf '%-36s %10s %10s %10s\n' "mlbot (click, store, outbox)" "$a50" "$a99" "$amax"
printf '%-36s %10s %10s %10s\n' "direct GitLab calls (floor)" "$d50" "$d99" "$dmax"
awk -v a="$a99" -v d="$d99" 'BEGIN { printf "ratio p99 mlbot/direct: %.1fx; p99 vs the 2 s goal: %.3f of it\n", a / d, a / 2000 }'
