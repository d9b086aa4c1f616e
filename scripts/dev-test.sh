#!/usr/bin/env bash
# The one test command: install what the tests need, then lint, type-check and test.
# README tells a new user to run it; .ci/run runs it with PostgreSQL made mandatory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
bash scripts/test.sh "$@"
