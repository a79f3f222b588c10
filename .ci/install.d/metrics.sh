#!/usr/bin/env bash
# GNU time, for bench/bench-metrics.sh's peak-memory figures. Idempotent.
set -euo pipefail
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time
fi
