#!/usr/bin/env bash
# System packages the project needs beyond requirements*.txt. Idempotent: installs only what is
# missing, and says what it does. Run as root (CI, containers) or with sudo available.
#
#   fonts-noto-cjk   Noto Sans CJK, so chart labels such as 上证指数 render as characters
#                    (services/renderers/charts resolves it through matplotlib's font_manager).
set -euo pipefail

PACKAGES=(fonts-noto-cjk)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    echo "install-system-deps: $pkg already installed"
  else
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: apt-get not found; install ${missing[*]} by hand" >&2
  echo "install-system-deps: charts will still render, with CJK names shown in Latin only" >&2
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-system-deps: not root and no sudo; cannot install ${missing[*]}" >&2
  exit 1
fi

echo "install-system-deps: apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

# matplotlib caches its font list; a stale cache would not see the new font.
rm -rf "${MPLCONFIGDIR:-$HOME/.cache/matplotlib}"/fontlist-*.json 2>/dev/null || true
echo "install-system-deps: done"
