#!/usr/bin/env bash
# Headless Chromium for internal/report's check of report.html (the test
# skips, saying so, without it). Idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
else
  echo "chromium.sh: not root or no apt-get; the report.html browser test will be skipped" >&2
fi
