#!/usr/bin/env bash
# Install what the machine lacks (scripts/setup.sh), set up, fill demo/ with
# ready-to-try data (once: slips, sheets and lists to print included) and
# start the console on it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
.venv/bin/python app.py --data-dir demo demo
exec .venv/bin/python app.py --data-dir demo "$@"
