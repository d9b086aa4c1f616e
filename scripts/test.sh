#!/usr/bin/env bash
# Lint, type-check and test: the one test command (README and .ci/run both use it).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m ruff check .
python3 -m mypy
# Tests run in parallel worker processes (pytest-xdist): most wait on subprocesses and loopback
# servers, so more workers than cores pays; PYTEST_WORKERS=0 runs them in this process.
python3 -m pytest -q -n "${PYTEST_WORKERS:-4}" "$@"
