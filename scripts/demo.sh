#!/usr/bin/env bash
# Set up, fill demo/ with ready-to-try data (once), and start the console on it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
.venv/bin/python app.py --data-dir demo demo
exec .venv/bin/python app.py --data-dir demo "$@"
