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
cat > "$tmp/mlbot.yml" <<YML
listen: 127.0.0.1:18080
store: {driver: sqlite, dsn: "$tmp/mlbot.db"}
auth:
  alertmanager: {bearer_token: bench-token}
backends:
  gitlab: {url: "http://127.0.0.1:18090/api/v4", token: bench}
rules:
  - name: severe-drift
    matchers: ['alertname="FeatureDrift"', 'severity="critical"']
    actions:
      - retrain:
          project: ml/rec
          ref: main
          variables: {MLGATE_TRIGGER: alert, MODEL: "{{ .Labels.model }}", PSI: "{{ .Annotations.psi }}"}
YML
"$tmp/mlbot" serve --config "$tmp/mlbot.yml" 2>"$tmp/mlbot.log" & pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:18080/readyz >/dev/null 2>&1 && break; sleep 0.1; done

ceil=$("$tmp/load" -url http://127.0.0.1:18090/v1/alertmanager -n "$N" -c "$C" -alerts "$ALERTS")
bot=$("$tmp/load" -url http://127.0.0.1:18080/v1/alertmanager -n "$N" -c "$C" -alerts "$ALERTS")
stored=$(curl -fs http://127.0.0.1:18080/metrics | awk '/^mlbot_alerts_received_total/ {print $2}')

CEIL="$ceil" BOT="$bot" STORED="$stored" /usr/bin/python3 - <<'PY'
import json, os
c, b = json.loads(os.environ["CEIL"]), json.loads(os.environ["BOT"])
print(f"{'':28}{'alerts/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
for name, r in (("minimal gin handler", c), ("mlbot + SQLite (durable)", b)):
    print(f"{name:28}{r['alerts_per_s']:12.0f}{r['p50_ms']:10.2f}{r['p99_ms']:10.2f}{r['max_ms']:10.2f}")
print(f"requests {b['requests']} x {b['alerts_per_request']} alert(s), {b['connections']} connections, errors {b['errors']}")
print(f"mlbot alerts received (metric, incl. warm-up): {os.environ['STORED']}")
print(f"ratio mlbot/ceiling throughput: {b['alerts_per_s']/c['alerts_per_s']:.1%}  (goal >= 30%)")
print(f"goal >= 5,000 alerts/s: {'met' if b['alerts_per_s'] >= 5000 else 'NOT met'}")
PY
