"""Ctrl+F finds by door (and name) in every list: the errands, the key
persons, the daily roll, the stock ledger and guns lent, who is inside (F9)
and the gate's requests (Ctrl+B). 5-302 in any written form is that
household, never 15-302; a text that finds nothing says so and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from app import DeskApp
from console.households import marks, roll
from screens.widgets.find_box import FindBox
from tests.ui.rendered import screen_text

NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen(freeze_clock):
    return freeze_clock(NOW)


@pytest.fixture
def doors(store):
    """Buildings 5 and 15, each with a 302 (and 5-303): the doors a loose match confuses."""
    rows = [{"door": d, "building": int(d.split("-")[0]), "unit": 1, "floor": 3, "room": d.split("-")[1],
             "head": head, "phone": "13800005302", "members": 2, "grid": "1", "at_home": True}
            for d, head in (("5-302", "王中"), ("5-303", "李四"), ("15-302", "张三"))]
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert_multiple(
            [{"number": b, "grid": "1", "floors": 6, "leader": ""} for b in (5, 15)])
        tx.table("households").insert_multiple(rows)
    return store


def keys(table: DataTable) -> list[str]:
    return [r.key.value for r in table.ordered_rows]


async def find(pilot, settle, text: str) -> None:
    """Ctrl+F, clear the box, type ``text``, Enter: back on the list."""
    await pilot.press("ctrl+f", "ctrl+u", *text)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_key_persons_find_a_door_exactly_and_say_when_nothing_is_found(
        doors, leader, volunteer, open_tab, settle):
    for door in ("5-302", "15-302", "1-101"):
        marks.set_mark(doors, leader, door, "yellow", "密接", "2026-03-09")
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "k")
        table = tab.query_one("#keys-table", DataTable)
        assert len(keys(table)) == 3
        for text in ("5-302", "5栋302", "5#302"):
            await find(pilot, settle, text)
            assert keys(table) == ["5-302"], text
            assert table.has_focus and table.selected_key == "5-302"
        await find(pilot, settle, "15-302")
        assert keys(table) == ["15-302"]
        await find(pilot, settle, "zs")                       # 张三 by pinyin
        assert keys(table) == ["15-302"]
        await find(pilot, settle, "5-303")                    # a household with no mark
        assert len(keys(table)) == 3                          # the list as without a find
        assert "Nothing found for “5-303”" in screen_text(app)
        await pilot.press("ctrl+f", "escape")
        await settle(pilot)
        assert not tab.query_one(FindBox).has_class("open")
        assert len(keys(table)) == 3 and "Nothing found" not in screen_text(app)
        assert table.has_focus


async def test_roll_finds_a_door_in_its_building_and_shows_another_building(
        doors, volunteer, open_tab, settle):
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "r")
        table = tab.query_one("#roll-table", DataTable)
        assert tab.building == 1 and len(keys(table)) == 24
        await find(pilot, settle, "5栋302")
        assert tab.building == 5 and keys(table) == ["5-302"] and table.selected_key == "5-302"
        await find(pilot, settle, "15#302")
        assert tab.building == 15 and keys(table) == ["15-302"]
        await find(pilot, settle, "ls")                       # 李四 is not in building 15
        assert keys(table) == ["15-302"] and "Nothing found for “ls”" in screen_text(app)
        await find(pilot, settle, "15-302")
        await pilot.press("n")                                 # the roll's keys work on the found row
        await settle(pilot)
        assert list(roll.day_reports(doors)) == ["15-302"]
