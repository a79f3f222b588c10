#!/usr/bin/env bash
# versitygw, the S3-compatible server the object storage tests start
# (internal/dataset/blob/s3test: posix backend on a temporary directory,
# internal IAM for a second user who is denied access) and bench/bench-s3.sh
# reads from. Built from the Go module proxy into /usr/local/bin (about 3.5
# CPU-minutes). Idempotent: skipped when the binary there is this version.
set -euo pipefail
VERSION=${MLGATE_VERSITYGW_VERSION:-v1.8.0}
BIN=/usr/local/bin/versitygw
if [ -x "$BIN" ] && go version -m "$BIN" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/versity/versitygw[[:space:]]+$VERSION([[:space:]]|$)"; then
  exit 0
fi
echo "installing versitygw $VERSION into $BIN ..."
GOFLAGS=-trimpath GOBIN=/usr/local/bin go install "github.com/versity/versitygw/cmd/versitygw@$VERSION"
