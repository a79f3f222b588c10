#!/usr/bin/env bash
# Intake throughput and p99 latency of mlbot's POST /v1/alertmanager with
# the durable SQLite store (WAL, synchronous=FULL), under concurrent load
# from a second process on loopback, side by side with a minimal gin
# handler on the same machine (the ceiling). mlbot's worker runs during
# the load and creates pipelines on the ceiling's fake GitLab endpoint.
# Knobs: N (requests, default 20000), C (connections, 32), ALERTS (alerts
# per request, 1).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}; C=${C:-32}; ALERTS=${ALERTS:-1}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/mlbot" ./cmd/mlbot
go build -o "$tmp/load" ./bench/mlbot/load
go build -o "$tmp/ceiling" ./bench/mlbot/ceiling

"$tmp/ceiling" -listen 127.0.0.1:18090 & pids+=($!)
# Two mlbot runs: one whose rule matches every alert (each alert queues a
# retrain job that the worker runs against the ceiling's fake GitLab
# during the load), one whose rule matches none (intake alone).
mkconf() { # $1 port, $2 db, $3 severity the rule wants
cat <<YML
listen: 127.0.0.1:$1
store: {driver: sqlite, dsn: "$2"}
auth:
  alertmanager: {bearer_token: bench-token}
backends:
  gitlab: {url: "http://127.0.0.1:18090/api/v4", token: bench}
rules:
  - name: severe-drift
    matchers: ['alertname="FeatureDrift"', 'severity="$3"']
    actions:
      - retrain:
          project: ml/rec
          ref: main
          variables: {MLGATE_TRIGGER: alert, MODEL: "{{ .Labels.model }}", PSI: "{{ .Annotations.psi }}"}
YML
}
mkconf 18080 "$tmp/jobs.db" critical >"$tmp/jobs.yml"
mkconf 18081 "$tmp/nojobs.db" never >"$tmp/nojobs.yml"
wait_ready() { for _ in $(seq 100); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done; echo "mlbot on $1 not ready" >&2; exit 1; }

ceil=$("$tmp/load" -url http://127.0.0.1:18090/v1/alertmanager -n "$N" -c "$C" -alerts "$ALERTS")
"$tmp/mlbot" serve --config "$tmp/jobs.yml" 2>"$tmp/jobs.log" & pids+=($!)
wait_ready 18080
jobs=$("$tmp/load" -url http://127.0.0.1:18080/v1/alertmanager -n "$N" -c "$C" -alerts "$ALERTS")
# How many jobs the worker finished while the load ran (pipelines created
# on the fake GitLab), so that the jobs row is not a worker sitting idle.
done_jobs=$(curl -fs http://127.0.0.1:18080/metrics | awk '/^mlbot_jobs\{state="done"\}/ {print $2}')
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
"$tmp/mlbot" serve --config "$tmp/nojobs.yml" 2>"$tmp/nojobs.log" & pids+=($!)
wait_ready 18081
nojobs=$("$tmp/load" -url http://127.0.0.1:18081/v1/alertmanager -n "$N" -c "$C" -alerts "$ALERTS")

CEIL="$ceil" JOBS="$jobs" NOJOBS="$nojobs" DONE="${done_jobs:-0}" /usr/bin/python3 - <<'PY'
import json, os
c, j, n = (json.loads(os.environ[k]) for k in ("CEIL", "JOBS", "NOJOBS"))
print(f"{'':44}{'alerts/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'vs ceiling':>12}")
for name, r in (("minimal gin handler (ceiling)", c), ("mlbot, SQLite FULL, each alert queues a job", j),
                ("mlbot, SQLite FULL, alerts only", n)):
    print(f"{name:44}{r['alerts_per_s']:10.0f}{r['p50_ms']:9.2f}{r['p99_ms']:9.2f}{r['max_ms']:9.2f}{r['alerts_per_s']/c['alerts_per_s']:12.1%}")
print(f"{j['requests']} requests x {j['alerts_per_request']} alert(s) after a warm-up, {j['connections']} connections; errors: {c['errors']}, {j['errors']}, {n['errors']}")
done = float(os.environ["DONE"])
print(f"worker in the jobs run: {done:.0f} jobs done (pipelines created) by the end of the load, about {done/j['seconds']:.0f}/s")
print(f"goals: >= 5,000 alerts/s and >= 30% of the ceiling, with jobs: "
      f"{'met' if j['alerts_per_s'] >= 5000 and j['alerts_per_s'] >= 0.3*c['alerts_per_s'] else 'NOT met'}")
PY
