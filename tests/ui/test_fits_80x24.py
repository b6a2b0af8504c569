"""Nothing a volunteer must read is cut off at 80×24: every key the footer
should show is there in full, on every tab and view, in English and Chinese;
messages wrap; the header keeps the gate and clock and the gate log its
temperatures down to 60×20."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app import DeskApp
from console.checkpoint import gate as checkpoint
from console.core import i18n, printing
from console.errands import errand as errands
from console.purchases import orders as P
from console.purchases import runs as R
from tests.errand_helpers import T0, make_errand
from tests.ui.fits_tour import tour
from tests.ui.rendered import screen_lines

TZ = dt.timezone(dt.timedelta(hours=8))

ROOT = Path(__file__).resolve().parents[2]


async def test_footer_keys_fit_at_80x24_in_english(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        assert {view: cut for view, cut in (await tour(app, pilot)).items() if cut} == {}


def test_footer_keys_fit_at_80x24_in_chinese(store):
    out = subprocess.run([sys.executable, "tests/ui/fits_tour.py", "zh", str(store.root)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    cut = json.loads(out.stdout.strip().splitlines()[-1])
    assert {view: keys for view, keys in cut.items() if keys} == {}


def _flat(app) -> str:
    """The screen's text with line breaks and the spaces around them removed:
    a message that wraps reads whole, one that is cut does not."""
    return "".join(line.strip() for line in screen_lines(app))


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_header_keeps_gate_and_clock(store, leader, size, freeze_clock):
    freeze_clock(dt.datetime(2026, 3, 5, 9, 41, 7, tzinfo=TZ))
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        header = screen_lines(app)[0]
        assert "西门" in header and leader.name in header and header.rstrip().endswith("09:41")  # minutes: a per-second clock costs SSH bytes


async def test_fever_stays_visible_at_60x20(store, volunteer, freeze_clock, settle):
    freeze_clock(dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ))
    checkpoint.log_entry(store, volunteer, "西门", {
        "name": "王中", "phone": "", "door": "1-101", "direction": "in", "purpose": "home",
        "outcome": "allowed", "temp": "38.6", "plate": "", "note": ""})
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        row = next(line for line in screen_lines(app) if "王中" in line)
        assert "38.6" in row


async def test_no_font_refusal_wraps_on_the_errands_tab(store, leader, volunteer, monkeypatch, open_tab,
                                                       settle, freeze_clock):
    freeze_clock(T0)            # the errand's 10:00–12:00 window must not be past on the real clock
    monkeypatch.setattr(printing, "find_cjk_font", lambda refresh=False: None)
    e = make_errand(store, volunteer)
    errands.approve(store, leader, e["number"])
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        await pilot.press("p")
        await settle(pilot)
        assert "".join(i18n.t("printing.no_font").split()) in "".join(_flat(app).split())


async def test_receipt_check_refusal_wraps_in_the_form(store, volunteer, leader, freeze_clock, open_tab,
                                                       settle):
    freeze_clock(dt.datetime(2026, 3, 4, 9, 0, tzinfo=TZ))
    for door in ("1-101", "1-102", "1-103", "1-104", "2-101", "2-102", "2-103"):
        P.create_request(store, volunteer, door, lines="土豆2斤")
    R.create_run(store, leader, "2026-03-05", "平价超市")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f8")
        await pilot.press("b")
        await settle(pilot)
        await pilot.press(*"100", "enter")
        await settle(pilot)
        assert "7 households have no amount paid yet" in _flat(app)
        assert "…)." in _flat(app)                 # the end of the message, not cut


async def test_every_door_of_a_wide_building_shows_at_60x20(store, leader):
    rows = [{"door": f"3-{f}{d:02d}", "building": 3, "unit": 1, "floor": f, "room": f"{f}{d:02d}",
             "head": f"户主3{f}{d:02d}", "phone": "", "members": 2, "grid": "1", "at_home": True}
            for f in (1, 2) for d in range(1, 9)]
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert({"number": 3, "grid": "1", "floors": 2, "leader": ""})
        tx.table("households").insert_multiple(rows)
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        await app.workers.wait_for_complete()
        await pilot.pause()
        top = next(line for line in screen_lines(app) if "201" in line)
        assert "208" in top


async def test_sign_in_screen_shows_how_to_quit(store):
    app = DeskApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert f"^q {i18n.t('signin.quit')}" in screen_lines(app)[-1]
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
