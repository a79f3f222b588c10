#!/usr/bin/env bash
# Times `gate-runner drift` on the drift bench's two files (BENCH_ROWS rows,
# default 1,000,000, x 16 numeric + 4 categorical columns, written by
# bench/drift_gen.py as pandas' to_csv writes them, and the same rows as
# Parquet) read from an S3 server against the same files read from local
# disk, side by side in one run: wall time and peak memory (GNU time's
# maximum resident set size). Goal: S3 within 1.5x of local.
# Then a big CSV object (BENCH_BIG_ROWS rows, default 4,000,000: about
# 1 GB) is profiled from S3 and from disk, with `profile --memory 256`
# (streamed in two passes, memory bounded by the columns): goal, peak RSS
# from S3 under 1.5x the local run's.
#
# The server is versitygw (.ci/install.d/40-s3.sh) with its posix backend
# in bench/out/s3/server on a free loopback port, stopped at the end; the
# objects are uploaded with curl (SigV4). Every command runs BENCH_REPEAT
# times (default 3) and its median run is reported.
#
#   BENCH_ROWS=200000 BENCH_BIG_ROWS=800000 BENCH_REPEAT=1 bash bench/bench-s3.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_ROWS:-1000000}
big=${BENCH_BIG_ROWS:-4000000}
drift=bench/out/drift
out=bench/out/s3
mkdir -p "$drift" "$out"
ref=$drift/ref-$rows-pandas.csv
cur=$drift/cur-$rows-pandas.csv
refpq=$drift/ref-$rows.parquet
curpq=$drift/cur-$rows.parquet
bigcsv=$out/big-$big.csv

vgw=$(command -v versitygw || true)
[ -n "$vgw" ] || vgw=$(go env GOPATH)/bin/versitygw
if [ ! -x "$vgw" ]; then
  echo "bench-s3: versitygw is missing: bash .ci/install.d/40-s3.sh" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench-s3: /usr/bin/time (GNU time) is missing: apt-get install time" >&2
  exit 2
fi
go build -trimpath -o bin/ ./cmd/gate-runner
if [ ! -s "$ref" ] || [ ! -s "$cur" ]; then
  echo "generating $rows rows x 20 columns in $ref and $cur ..."
  /usr/bin/python3 bench/drift_gen.py "$rows" "$ref" "$cur"
fi
if [ ! -s "$refpq" ] || [ ! -s "$curpq" ] || [ "$refpq" -ot "$ref" ] || [ "$curpq" -ot "$cur" ]; then
  echo "writing the same rows as Parquet in $refpq and $curpq ..."
  go run ./bench/csv2parquet "$ref" "$refpq"
  go run ./bench/csv2parquet "$cur" "$curpq"
fi
if [ ! -s "$bigcsv" ]; then
  echo "generating $big rows in $bigcsv ..."
  /usr/bin/python3 bench/drift_gen.py "$big" "$bigcsv" "$out/big-cur-unused.csv"
  rm -f "$out/big-cur-unused.csv"
fi

# The server, on a free port, with a fresh data directory.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -rf "$out/server"
mkdir -p "$out/server"
key=benchroot secret=bench-root-secret-key
"$vgw" --access "$key" --secret "$secret" --port "127.0.0.1:$port" --region us-east-1 posix "$out/server" > "$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$out/server"' EXIT
endpoint=http://127.0.0.1:$port
for _ in $(seq 100); do
  curl -s -o /dev/null "$endpoint/" && break
  sleep 0.1
done
s3curl() {
  curl -sS -f -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$key:$secret" "$@"
}
s3curl -X PUT "$endpoint/bench" > /dev/null
for f in "$ref" "$cur" "$refpq" "$curpq" "$bigcsv"; do
  echo "uploading $(basename "$f") ($(du -h "$f" | cut -f1)) ..."
  s3curl -T "$f" "$endpoint/bench/$(basename "$f")" > /dev/null
done
export AWS_ENDPOINT_URL=$endpoint AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1
unset AWS_ENDPOINT_URL_S3 AWS_SESSION_TOKEN AWS_PROFILE
s3=s3://bench

# measure NAME CMD...: runs CMD under GNU time BENCH_REPEAT times and
# writes the median run's "seconds peak_kb exit" to $out/NAME.time.
measure() {
  local name=$1; shift
  local reps=${BENCH_REPEAT:-3} k rc
  echo "timing $name ($reps runs, the median kept) ..."
  : > "$out/$name.runs"
  for k in $(seq "$reps"); do
    set +e
    /usr/bin/time -v -o "$out/$name.tv" "$@" > "$out/$name.out" 2> "$out/$name.err"
    rc=$?
    set -e
    if [ "$rc" -gt 1 ]; then
      echo "  $name exited $rc: $(tail -n 2 "$out/$name.err" | tr '\n' ' ')"
    fi
    awk -F': ' -v rc="$rc" '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; w=s}
      /Maximum resident set size/ {kb=$2} END {print w, kb, rc}' "$out/$name.tv" >> "$out/$name.runs"
  done
  sort -n "$out/$name.runs" | awk -v m=$(( (reps + 1) / 2 )) 'NR == m' > "$out/$name.time"
  echo "  wall s: $(cut -d' ' -f1 "$out/$name.runs" | sort -n | tr '\n' ' ')"
}

# Local and S3 runs alternate, so that both see the same load.
cat "$ref" "$cur" "$refpq" "$curpq" > /dev/null
measure csv-local bin/gate-runner drift --reference "$ref" --current "$cur" --format json --out "$out/o-csv-local"
measure csv-s3 bin/gate-runner drift --reference "$s3/$(basename "$ref")" --current "$s3/$(basename "$cur")" --format json --out "$out/o-csv-s3"
measure pq-local bin/gate-runner drift --reference "$refpq" --current "$curpq" --format json --out "$out/o-pq-local"
measure pq-s3 bin/gate-runner drift --reference "$s3/$(basename "$refpq")" --current "$s3/$(basename "$curpq")" --format json --out "$out/o-pq-s3"
cat "$bigcsv" > /dev/null
measure big-local bin/gate-runner profile --memory 256 --data "$bigcsv" --out "$out/big-local.profile.json"
measure big-s3 bin/gate-runner profile --memory 256 --data "$s3/$(basename "$bigcsv")" --out "$out/big-s3.profile.json"

/usr/bin/python3 - "$out" "$rows" "$big" "$(stat -c %s "$bigcsv")" <<'PY'
import json, sys
out, rows, big, bigsize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def timing(n):
    w, kb, rc = open("%s/%s.time" % (out, n)).read().split()
    return float(w), int(kb) / 1024, int(rc)
def feats(n):
    d = json.load(open("%s/o-%s/results.json" % (out, n)))
    return [f for g in d["gates"] for f in g["details"]["features"]]
print()
print("drift on 2 files x %d rows x (16 numeric + 4 categorical), local disk vs S3 (versitygw on loopback)" % rows)
print("%-22s %9s %12s %6s" % ("run", "wall s", "peak RSS MB", "exit"))
for n in ["csv-local", "csv-s3", "pq-local", "pq-s3", "big-local", "big-s3"]:
    w, m, rc = timing(n)
    print("%-22s %9.2f %12.0f %6d" % (n, w, m, rc))
for kind in ["csv", "pq"]:
    l, s = timing(kind + "-local"), timing(kind + "-s3")
    same = feats(kind + "-local") == feats(kind + "-s3")
    print("%s: S3/local wall %.2fx (goal <= 1.5), peak RSS %.2fx; statistics identical: %s" % (kind, s[0] / l[0], s[1] / l[1], same))
l, s = timing("big-local"), timing("big-s3")
print("profile of one %.2f GB CSV object (%d rows, --memory 256): S3/local wall %.2fx, peak RSS %.2fx (goal < 1.5)" % (bigsize / 1e9, big, s[0] / l[0], s[1] / l[1]))
a, b = json.load(open(out + "/big-local.profile.json")), json.load(open(out + "/big-s3.profile.json"))
a.pop("source"); b.pop("source")
print("profiles identical apart from their source: %s" % (a == b))
PY
