"""Each list's export key (Pilot, 80x24): shown in the footer, writes a new .xlsx."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from textual.widgets import Footer

from app import DeskApp
from console.households import marks
from screens.households.summary import SummaryScreen

NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen(freeze_clock):
    return freeze_clock(NOW)


def footer_keys(app) -> str:
    return " ".join(f"{b.key_display or b.key}:{b.description}"
                    for b in app.screen.query_one(Footer).screen.active_bindings.values()
                    for b in [b.binding] if b.show)


def written(store, what: str) -> list[list]:
    [path] = (store.root / "exports").glob(f"{what}-*.xlsx")
    return [[c.value for c in row] for row in openpyxl.load_workbook(path).active.iter_rows()]


async def test_key_persons_and_roll_lists_export_from_their_views(store, leader, volunteer, settle):
    marks.set_mark(store, leader, "1-101", "red", "确诊", "2026-03-07")
    async with DeskApp(store, actor=volunteer, gate="西门").run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert "Export" in footer_keys(pilot.app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        keys = footer_keys(pilot.app)
        assert "Export roll summary" in keys and "Export not reported" in keys
        await pilot.press("e", "u")
        await settle(pilot)
    rows = written(store, "key-persons")
    assert rows[1][0] == "1-101" and "确诊" not in rows[1]       # a volunteer's export: masked
    assert written(store, "roll-2026-03-05")[-1][1] == "total"
    assert len(written(store, "not-reported-2026-03-05")) == 1 + 46


async def test_unpaid_and_hand_out_lists_export(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate="西门").run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f9")  # the delivery and unpaid view
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("ctrl+e")
        await settle(pilot)
    assert len(written(store, "handouts")) == 1 + 48
    assert written(store, "unpaid")[0][0] == "no"
