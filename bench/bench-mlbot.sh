#!/usr/bin/env bash
# Intake throughput and p99 latency of mlbot's POST /v1/alertmanager with
# the durable SQLite store (WAL, synchronous=FULL), under concurrent load
# from a second process on loopback, side by side with a minimal gin
# handler on the same machine (the ceiling). mlbot's worker runs during
# the load and creates pipelines on the ceiling's fake GitLab endpoint.
# Knobs: N (requests, default 20000), C (connections, 32), ALERTS (alerts
# per request, 1), ROUNDS (3). Each round times the ceiling, mlbot with
# jobs and mlbot alone back to back, so that a ratio compares runs of the
# same minute; the table gives each row's median round.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}; C=${C:-32}; ALERTS=${ALERTS:-1}; ROUNDS=${ROUNDS:-3}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -tags nomsgpack -o "$tmp/mlbot" ./cmd/mlbot # as shipped (Makefile TAGS)
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

load() { "$tmp/load" -url "http://127.0.0.1:$1/v1/alertmanager" -n "$N" -c "$C" -alerts "$ALERTS"; }
# serve_load NAME PORT: starts mlbot with NAME.yml, loads it, prints the
# result and stops it, so that one instance's worker never runs during
# the other's load.
serve_load() {
  "$tmp/mlbot" serve --config "$tmp/$1.yml" 2>>"$tmp/$1.log" & pids+=($!)
  wait_ready "$2"
  load "$2"
  if [ "$1" = jobs ]; then
    # How many jobs the worker finished during the load (pipelines
    # created on the fake GitLab): the jobs row is not an idle worker.
    curl -fs "http://127.0.0.1:$2/metrics" | awk '/^mlbot_jobs\{state="done"\}/ {print $2}' >>"$tmp/done"
  fi
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
}
ceil="" jobs="" nojobs=""
for r in $(seq "$ROUNDS"); do
  ceil+="$(load 18090)"$'\n'
  jobs+="$(serve_load jobs 18080)"$'\n'
  nojobs+="$(serve_load nojobs 18081)"$'\n'
done
done_jobs=$(tail -n 1 "$tmp/done" 2>/dev/null || echo 0)

CEIL="$ceil" JOBS="$jobs" NOJOBS="$nojobs" DONE="${done_jobs:-0}" /usr/bin/python3 - <<'PY'
import json, os, statistics
rows = {k: [json.loads(l) for l in os.environ[k].splitlines() if l.strip()] for k in ("CEIL", "JOBS", "NOJOBS")}
rounds = len(rows["CEIL"])
def median_run(runs):
    order = sorted(runs, key=lambda r: r["alerts_per_s"])
    return order[(len(order) - 1) // 2]
c, j, n = (median_run(rows[k]) for k in ("CEIL", "JOBS", "NOJOBS"))
# Ratios per round (same minute), then their median.
ratio = {k: statistics.median(r["alerts_per_s"] / rc["alerts_per_s"] for r, rc in zip(rows[k], rows["CEIL"])) for k in ("JOBS", "NOJOBS")}
print(f"{'':44}{'alerts/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'vs ceiling':>12}")
for name, r, q in (("minimal gin handler (ceiling)", c, 1.0), ("mlbot, SQLite FULL, each alert queues a job", j, ratio["JOBS"]),
                   ("mlbot, SQLite FULL, alerts only", n, ratio["NOJOBS"])):
    print(f"{name:44}{r['alerts_per_s']:10.0f}{r['p50_ms']:9.2f}{r['p99_ms']:9.2f}{r['max_ms']:9.2f}{q:12.1%}")
for k, name in (("CEIL", "ceiling"), ("JOBS", "with jobs"), ("NOJOBS", "alerts only")):
    print(f"  {name} per round: " + ", ".join(f"{r['alerts_per_s']:.0f}/s" for r in rows[k]))
print(f"median of {rounds} rounds; {j['requests']} requests x {j['alerts_per_request']} alert(s) a run after a warm-up, "
      f"{j['connections']} connections; errors: {sum(r['errors'] for k in rows for r in rows[k])}; "
      "vs ceiling is the median of each round's ratio")
done = float(os.environ["DONE"])
secs = sum(r["seconds"] for r in rows["JOBS"])
print(f"worker in the jobs runs: {done:.0f} jobs done (pipelines created), about {done/secs:.0f}/s of load")
for name, r, q in (("with jobs", j, ratio["JOBS"]), ("alerts only", n, ratio["NOJOBS"])):
    ok = r["alerts_per_s"] >= 5000 and q >= 0.3
    print(f"goal >= 5,000 alerts/s and >= 30% of the ceiling, {name}: {'met' if ok else 'NOT met'}")
PY
