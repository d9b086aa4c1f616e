#!/usr/bin/env bash
# Lint, type-check and test: the one test command (README and .ci/run both use it).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m ruff check .
python3 -m mypy
python3 -m pytest -q "$@"
