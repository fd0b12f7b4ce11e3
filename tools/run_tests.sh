#!/usr/bin/env bash
# The test command (CI runs it): set up the stack (tools/setup_env.sh, idempotent: ≈ 25 s once set up), lint with
# ruff, then run the whole pytest suite, integration tests included. Extra arguments go to pytest.
#   bash tools/run_tests.sh                 # everything
#   bash tools/run_tests.sh -m 'not integration' tests/test_models   # a fast subset
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup_env.sh
echo "==> lint (ruff)"
.venv/bin/ruff check .
echo "==> tests"
.venv/bin/python -m pytest "$@"
