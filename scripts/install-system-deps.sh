#!/usr/bin/env bash
# System packages the project needs beyond PyPI. Idempotent: uses apt-get only when something is
# missing, works as root without sudo, and says what it does.
#
#   fonts-noto-cjk   Noto Sans CJK, so chart labels such as 上证指数 render as characters
#                    (services/renderers/charts/fonts.py resolves it through matplotlib)
#   fontconfig       fc-list, to tell whether a CJK font is installed
#
# fonts-noto-cjk is about 91 MB. scripts/dev-test.sh skips this script with SKIP_SYSTEM_DEPS=1.
set -euo pipefail
need=()
if ! command -v fc-list >/dev/null 2>&1; then need+=(fontconfig); fi
# grep without -q reads all of fc-list's output: with -q it would exit at the first match, fc-list
# would die of SIGPIPE, and pipefail would report the font as missing.
if ! fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "system deps: already installed (Noto Sans CJK, fontconfig)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system deps: no apt-get; install ${need[*]} by hand." >&2
  echo "system deps: charts still render without them, with Chinese names in Latin only." >&2
  exit 0
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "system deps: not root and no sudo; cannot install ${need[*]}" >&2
    echo "system deps: install them as root, or skip this step with SKIP_SYSTEM_DEPS=1" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
echo "system deps: installing ${need[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
  "${need[@]}"
# matplotlib caches its font list; drop it so the next run sees the new font (the charts also
# look for CJK font files missing from a stale cache, so this only saves that search).
rm -f "${MPLCONFIGDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/matplotlib}"/fontlist-*.json
echo "system deps: done"
