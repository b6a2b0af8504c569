"""Nothing a volunteer must read is cut off at 80×24: every key the footer
should show is there in full, on every tab and view, in English and Chinese."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app import DeskApp
from tests.fits_tour import tour

ROOT = Path(__file__).resolve().parent.parent


async def test_footer_keys_fit_at_80x24_in_english(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        assert {view: cut for view, cut in (await tour(app, pilot)).items() if cut} == {}


def test_footer_keys_fit_at_80x24_in_chinese(store):
    out = subprocess.run([sys.executable, "tests/fits_tour.py", "zh", str(store.root)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    cut = json.loads(out.stdout.strip().splitlines()[-1])
    assert {view: keys for view, keys in cut.items() if keys} == {}
