#!/usr/bin/env bash
# kubectl, for deploy/k8s_mlbot_test.go's `kubectl create --dry-run=client`
# of the mlbot manifests (against a discovery stand-in on loopback).
# Idempotent: keeps any kubectl already on PATH.
set -euo pipefail
if ! command -v kubectl >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kubernetes-client
fi
