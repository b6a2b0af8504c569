#!/usr/bin/env bash
# Install what the machine lacks (scripts/setup.sh --tests), set up a virtual
# environment with the test extras and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
