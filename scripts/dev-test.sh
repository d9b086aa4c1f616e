#!/usr/bin/env bash
# The one test command: install what the tests need, then lint, type-check and test.
# README tells a new user to run it; .ci/run runs it with PostgreSQL made mandatory.
#
# Python packages go into a virtual environment: the active one if there is one, else .venv
# in the repository (created on first use, reused after), so a system Python that refuses
# pip installs (PEP 668, "externally-managed-environment") is never touched.
#
#   SKIP_SYSTEM_DEPS=1   do not install the CJK font with apt-get (scripts/install-system-deps.sh)
#   PYTHON=python3.12    the interpreter that creates .venv (default python3; 3.11 or later)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_SYSTEM_DEPS:-0}" = "1" ]; then
  echo "system deps: skipped (SKIP_SYSTEM_DEPS=1)"
else
  bash scripts/install-system-deps.sh
fi
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "error: $python is missing or older than 3.11; set PYTHON=python3.11 (or later)" >&2
      exit 1
    fi
    echo "creating the virtual environment .venv with $("$python" --version 2>&1)"
    if ! "$python" -m venv .venv; then
      rm -rf .venv
      echo "error: '$python -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2
      exit 1
    fi
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
bash scripts/test.sh "$@"
