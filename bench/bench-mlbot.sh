#!/usr/bin/env bash
# Intake throughput and p99 latency of mlbot's POST /v1/alertmanager under
# concurrent load from a second process on loopback, side by side with a
# minimal gin handler on the same machine (the ceiling):
# - the durable SQLite store (WAL, synchronous=FULL), one replica;
# - PostgreSQL (Debian's, a throwaway cluster started here with the
#   defaults a user has: fsync=on, synchronous_commit=on, on a loopback
#   port), one replica, and two replicas behind one port (bench/mlbot/proxy
#   hands each connection to the next replica in turn).
# Each store is run with a rule matching every alert (each alert queues a
# retrain job that the worker runs against the ceiling's fake GitLab
# during the load; with two replicas both workers run) and with a rule
# matching none (intake alone).
# Knobs: N (requests, default 20000), C (connections, 32), ALERTS (alerts
# per request, 1), ROUNDS (3), STORES (sqlite,postgres), BASE (another
# mlbot binary, e.g. built from main: its SQLite jobs run is timed in each
# round beside this tree's, to compare a change side by side). Each round times
# the ceiling and every mlbot run back to back, so that a ratio compares
# runs of the same minute; the table gives each row's median round.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}; C=${C:-32}; ALERTS=${ALERTS:-1}; ROUNDS=${ROUNDS:-3}; STORES=${STORES:-sqlite,postgres}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
tmp=$(mktemp -d)
pids=()
pgdata=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$pgdata" ]; then asdb "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# asdb runs a PostgreSQL program as the postgres user when we are root.
asdb() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
go build -tags nomsgpack -o "$tmp/mlbot" ./cmd/mlbot # as shipped (Makefile TAGS)
go build -o "$tmp/load" ./bench/mlbot/load
go build -o "$tmp/ceiling" ./bench/mlbot/ceiling
go build -o "$tmp/proxy" ./bench/mlbot/proxy

# Loopback ports the kernel has free now (bound together, so distinct):
# the ceiling (also the fake GitLab), a single mlbot, two replicas, the
# proxy in front of them, PostgreSQL.
read -r P_CEIL P_ONE P_R1 P_R2 P_PROXY P_PG < <(/usr/bin/python3 -c '
import socket
ss = [socket.socket() for _ in range(6)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
"$tmp/ceiling" -listen 127.0.0.1:$P_CEIL & pids+=($!)
# One config per store and rule: "jobs" matches every alert (each alert
# queues a retrain job that the worker runs against the ceiling's fake
# GitLab during the load), "nojobs" matches none (intake alone).
mkconf() { # $1 port, $2 driver, $3 dsn, $4 severity the rule wants
cat <<YML
listen: 127.0.0.1:$1
store: {driver: $2, dsn: "$3"}
auth:
  alertmanager: {bearer_token: bench-token}
backends:
  gitlab: {url: "http://127.0.0.1:$P_CEIL/api/v4", token: bench}
rules:
  - name: severe-drift
    matchers: ['alertname="FeatureDrift"', 'severity="$4"']
    actions:
      - retrain:
          project: ml/rec
          ref: main
          variables: {MLGATE_TRIGGER: alert, MODEL: "{{ .Labels.model }}", PSI: "{{ .Annotations.psi }}"}
YML
}
rport() { if [ "$1" = 1 ]; then echo "$P_R1"; else echo "$P_R2"; fi; } # replica i's port
runs=(ceil)
if [[ ,$STORES, == *,sqlite,* ]]; then
  mkconf $P_ONE sqlite "$tmp/jobs.db" critical >"$tmp/sqlite-jobs.yml"
  mkconf $P_ONE sqlite "$tmp/nojobs.db" never >"$tmp/sqlite-nojobs.yml"
  runs+=(sqlite-jobs)
  if [ -n "${BASE:-}" ]; then
    mkconf $P_ONE sqlite "$tmp/basejobs.db" critical >"$tmp/base-jobs.yml"
    runs+=(base-jobs)
  fi
  runs+=(sqlite-nojobs)
fi
if [[ ,$STORES, == *,postgres,* ]]; then
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL not installed ($PGBIN/initdb missing; apt-get install postgresql)" >&2; exit 1; }
  mkdir "$tmp/pg"; pgdata="$tmp/pg/data"
  if [ "$(id -u)" = 0 ]; then chmod 711 "$tmp"; chown postgres: "$tmp/pg"; fi
  asdb "$PGBIN/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
  # The cluster as installed, on a loopback port: fsync and
  # synchronous_commit stay on, so an answered alert is on disk.
  asdb "$PGBIN/pg_ctl" -D "$pgdata" -w -l "$tmp/pg/log" \
    -o "-p $P_PG -k $tmp/pg -c listen_addresses=127.0.0.1 ${PGOPTS:-}" start >/dev/null
  for db in jobs nojobs; do asdb "$PGBIN/psql" -h 127.0.0.1 -p $P_PG -U postgres -qc "CREATE DATABASE $db" postgres; done
  for r in 1 2; do
    for kind in jobs nojobs; do
      sev=critical; [ "$kind" = nojobs ] && sev=never
      for i in $(seq "$r"); do
        mkconf "$(rport "$i")" postgres "postgres://postgres@127.0.0.1:$P_PG/$kind?sslmode=disable" "$sev" >"$tmp/pg$r-$kind-$i.yml"
      done
    done
  done
  runs+=(pg1-jobs pg1-nojobs pg2-jobs pg2-nojobs)
fi
wait_ready() { for _ in $(seq 100); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done; echo "mlbot on $1 not ready" >&2; exit 1; }

# ticks PID...: the CPU clock ticks (user + system) the processes used.
ticks() { local t=0 p; for p in "$@"; do t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo "$t"; }
# pg_ticks: PostgreSQL's, the postmaster's children included (those that
# exited are in its cutime and cstime).
pg_ticks() {
  [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ] || { echo 0; return; }
  local pm t
  pm=$(head -1 "$pgdata/postmaster.pid")
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  echo $(( t + $(ticks $(pgrep -P "$pm")) ))
}
load() { "$tmp/load" -url "http://127.0.0.1:$1/v1/alertmanager" -n "$N" -c "$C" -alerts "$ALERTS"; }
# serve_load RUN: starts the run's mlbot replicas (and the proxy in front
# of two), loads them, appends the result to $tmp/RUN.json and stops
# them, so that one run's workers never run during another's load.
serve_load() {
  local run=$1 started=() port
  case $run in
    ceil) load $P_CEIL >>"$tmp/$run.json"; return ;;
    base-jobs)
      "$BASE" serve --config "$tmp/$run.yml" 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_ONE; port=$P_ONE ;;
    sqlite-*)
      "$tmp/mlbot" serve --config "$tmp/$run.yml" 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_ONE; port=$P_ONE ;;
    pg1-*)
      "$tmp/mlbot" serve --config "$tmp/$run-1.yml" 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_R1; port=$P_R1 ;;
    pg2-*)
      "$tmp/mlbot" serve --config "$tmp/$run-1.yml" 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_R1 # the first migrates; the second finds the schema
      "$tmp/mlbot" serve --config "$tmp/$run-2.yml" 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_R2
      "$tmp/proxy" -listen 127.0.0.1:$P_PROXY -to 127.0.0.1:$P_R1,127.0.0.1:$P_R2 2>>"$tmp/$run.log" & started+=($!)
      wait_ready $P_PROXY; port=$P_PROXY ;;
  esac
  pids+=("${started[@]}")
  local mlbots=("${started[@]}")
  [[ $run == pg2-* ]] && mlbots=("${started[@]:0:2}") # not the proxy
  local m0 p0
  m0=$(ticks "${mlbots[@]}"); p0=$(pg_ticks)
  load "$port" >>"$tmp/$run.json"
  # CPU the run took (clock ticks): mlbot's replicas, and PostgreSQL's
  # server processes (with the backends that exited meanwhile).
  echo "$(( $(ticks "${mlbots[@]}") - m0 )) $(( $(pg_ticks) - p0 ))" >>"$tmp/$run.cpu"
  if [[ $run == *-jobs ]]; then
    # How many jobs the workers have finished so far (pipelines created
    # on the fake GitLab; the store's count, so both replicas'): the jobs
    # row is not an idle worker.
    curl -fs "http://127.0.0.1:$port/metrics" | awk '/^mlbot_jobs\{state="done"\}/ {print $2}' >"$tmp/$run.done"
  fi
  for p in "${started[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
}
for r in $(seq "$ROUNDS"); do
  for run in "${runs[@]}"; do serve_load "$run"; done
done

RUNS="${runs[*]}" TMP="$tmp" /usr/bin/python3 - <<'PY'
import json, os, statistics
tmp = os.environ["TMP"]
names = os.environ["RUNS"].split()
label = {"ceil": "minimal gin handler (ceiling)",
         "sqlite-jobs": "mlbot, SQLite FULL, each alert queues a job", "base-jobs": "BASE mlbot, SQLite FULL, with jobs", "sqlite-nojobs": "mlbot, SQLite FULL, alerts only",
         "pg1-jobs": "mlbot, PostgreSQL, 1 replica, with jobs", "pg1-nojobs": "mlbot, PostgreSQL, 1 replica, alerts only",
         "pg2-jobs": "mlbot, PostgreSQL, 2 replicas, with jobs", "pg2-nojobs": "mlbot, PostgreSQL, 2 replicas, alerts only"}
rows = {k: [json.loads(l) for l in open(f"{tmp}/{k}.json") if l.strip()] for k in names}
rounds = len(rows["ceil"])
def median_run(runs):
    order = sorted(runs, key=lambda r: r["alerts_per_s"])
    return order[(len(order) - 1) // 2]
# Ratios per round (same minute), then their median.
def ratio(k, base="ceil"):
    return statistics.median(r["alerts_per_s"] / b["alerts_per_s"] for r, b in zip(rows[k], rows[base]))
print(f"{'':46}{'alerts/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'vs ceiling':>12}")
for k in names:
    r = median_run(rows[k])
    print(f"{label[k]:46}{r['alerts_per_s']:10.0f}{r['p50_ms']:9.2f}{r['p99_ms']:9.2f}{r['max_ms']:9.2f}{ratio(k) if k != 'ceil' else 1:12.1%}")
for k in names:
    print(f"  {k} per round: " + ", ".join(f"{r['alerts_per_s']:.0f}/s" for r in rows[k]))
j = rows["ceil"][0]
print(f"median of {rounds} rounds; {j['requests']} requests x {j['alerts_per_request']} alert(s) a run after a warm-up, "
      f"{j['connections']} connections; errors: {sum(r['errors'] for k in rows for r in rows[k])}; "
      "vs ceiling is the median of each round's ratio")
for k in names:
    if not k.endswith("-jobs"):
        continue
    try:
        done = float(open(f"{tmp}/{k}.done").read().strip() or 0)
    except (OSError, ValueError):
        done = 0
    secs = sum(r["seconds"] for r in rows[k])
    print(f"workers in the {k} runs: {done:.0f} jobs done (pipelines created), about {done/secs:.0f}/s of load")
for k in ("sqlite-jobs", "sqlite-nojobs"):
    if k in rows:
        r, q = median_run(rows[k]), ratio(k)
        ok = r["alerts_per_s"] >= 5000 and q >= 0.3
        print(f"goal >= 5,000 alerts/s and >= 30% of the ceiling, {k}: {'met' if ok else 'NOT met'}")
# CPU a thousand alerts cost, from each run's ticks (median round), and
# the cores mlbot and PostgreSQL together would need for 5,000 alerts/s.
hz = os.sysconf("SC_CLK_TCK")
for k in names:
    try:
        cpu = [tuple(int(x) for x in l.split()) for l in open(f"{tmp}/{k}.cpu") if l.strip()]
    except OSError:
        continue
    # Seconds of CPU an alert took, warm-up included.
    per = sorted((m / hz / n, p / hz / n) for (m, p), r in zip(cpu, rows[k])
                 for n in [(r["requests"] + r.get("warmup", 0)) * r["alerts_per_request"]])
    m, p = per[(len(per) - 1) // 2]
    pg = f" + PostgreSQL {p * 1e6:.0f} ms" if k.startswith("pg") else ""
    print(f"CPU per 1,000 alerts during the load, {k}: mlbot {m * 1e6:.0f} ms{pg}; "
          f"cores these take at 5,000 alerts/s: {(m + p) * 5000:.1f}")
if "base-jobs" in rows:
    print(f"this tree / BASE, SQLite with jobs (median of each round's ratio): {ratio('sqlite-jobs', 'base-jobs'):.2f}x")
if "pg1-jobs" in rows:
    r = median_run(rows["pg1-jobs"])
    print(f"goal >= 5,000 alerts/s on one PostgreSQL replica with jobs: {'met' if r['alerts_per_s'] >= 5000 else 'NOT met'}")
    for kind in ("jobs", "nojobs"):
        x = ratio(f"pg2-{kind}", f"pg1-{kind}")
        print(f"two replicas / one replica, {kind} (median of each round's ratio): {x:.2f}x: "
              f"{'faster' if x > 1 else 'NOT faster'}")
PY
