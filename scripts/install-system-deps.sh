#!/usr/bin/env bash
# System packages the project needs beyond PyPI. Idempotent; uses apt-get only when missing.
set -euo pipefail
need=()
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then need+=(fonts-noto-cjk); fi
if ! command -v fc-list >/dev/null 2>&1; then need+=(fontconfig); fi
if [ ${#need[@]} -eq 0 ]; then
  echo "system deps: already installed"
  exit 0
fi
echo "system deps: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
