"""Ctrl+F finds by door (and name) in every list: the errands, the key
persons, the daily roll, the stock ledger and guns lent, who is inside (F9)
and the gate's requests (Ctrl+B). 5-302 in any written form is that
household, never 15-302; a text that finds nothing says so and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable

from app import DeskApp
from console.core import i18n
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


async def test_errands_find_by_door_and_person(doors, volunteer, open_tab, settle):
    from tests.errand_helpers import make_errand
    a = make_errand(doors, volunteer, door="5-302", person="王中")
    b = make_errand(doors, volunteer, door="15-302", person="张三")
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        table = tab.query_one("#errands", DataTable)
        assert keys(table) == [str(b["number"]), str(a["number"])]
        await find(pilot, settle, "5#302")
        assert keys(table) == [str(a["number"])] and table.selected_key == str(a["number"])
        await find(pilot, settle, "zs")
        assert keys(table) == [str(b["number"])]
        await find(pilot, settle, "5-303")
        assert len(keys(table)) == 2 and "Nothing found for “5-303”" in screen_text(app)
        i18n.set_lang("zh")                                   # the same miss in Chinese
        await find(pilot, settle, "5-304")
        assert len(keys(table)) == 2 and "没有找到“5-304”" in screen_text(app)


async def test_stock_ledger_and_guns_find_by_door_and_team(doors, leader, volunteer, open_tab, settle):
    from console.stock import ledger as stock
    stock.receive(doors, volunteer, "mercury", 5, "中心A")
    for door in ("5-302", "15-302", "5-303"):
        stock.issue(doors, volunteer, door)
    stock.receive(doors, leader, "gun", 2, "区卫健委")
    stock.lend(doors, leader, "gun", "巡逻队", NOW + dt.timedelta(hours=2))
    stock.lend(doors, leader, "gun", "第4组", NOW + dt.timedelta(hours=2))
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        moves = tab.query_one("#moves", DataTable)
        assert len(keys(moves)) == 7
        await find(pilot, settle, "5栋302")
        assert len(keys(moves)) == 1 and moves.has_focus
        assert "5-302" in str(moves.get_row_at(0)[-1]) and "15-302" not in str(moves.get_row_at(0)[-1])
        await pilot.press("ctrl+f", "escape")
        await settle(pilot)
        assert len(keys(moves)) == 7
        await pilot.press("f9")
        await settle(pilot)
        guns = tab.query_one("#guns", DataTable)
        assert len(keys(guns)) == 2
        await find(pilot, settle, "xld")                      # 巡逻队 by pinyin
        assert [guns.get_row(k)[2] for k in keys(guns)] == ["巡逻队"] and guns.has_focus
        await find(pilot, settle, "5-302")                    # no gun is lent to a door
        assert len(keys(guns)) == 2 and "Nothing found for “5-302”" in screen_text(app)


async def test_inside_window_finds_a_resident_out_by_door(doors, volunteer, open_tab, settle):
    from console.checkpoint import gate as cp
    for name, door in (("王中", "5-302"), ("张三", "15-302")):
        cp.log_entry(doors, volunteer, "西门", {"name": name, "door": door, "direction": "out",
                                               "purpose": "buy", "outcome": "allowed"})
    cp.log_entry(doors, volunteer, "西门", {"name": "李强", "door": "顺丰快递", "direction": "in",
                                           "purpose": "deliver", "outcome": "allowed"})
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("f9")
        await settle(pilot)
        screen = app.screen
        out, ins = screen.query_one("#out", DataTable), screen.query_one("#inside", DataTable)
        assert out.row_count == 2 and ins.row_count == 1
        await find(pilot, settle, "5-302")
        assert [out.get_row(k)[0] for k in keys(out)] == ["5-302"] and ins.row_count == 0
        assert out.has_focus                                  # Enter: on the list that found it
        await find(pilot, settle, "lq")                       # 李强 by pinyin: the visitor inside
        assert out.row_count == 0 and ins.row_count == 1
        await pilot.press("escape")                           # Esc on the list still closes
        await settle(pilot)
        assert app.screen is not screen


async def test_gate_requests_reach_row_501_and_find_by_door(doors, volunteer, open_tab, settle):
    rows = [{"door": "1-101", "person": f"居民{i}", "status": "new", "no": f"0305-{i:03d}",
             "source": {"checkpoint": "2026-03-05", "id": i}, "lines": [], "at": "2026-03-05T08:00"}
            for i in range(1, 601)]
    rows[0].update(door="5-302", person="王中")
    rows[1].update(door="15-302", person="张三")
    with doors.transaction("purchase_requests") as tx:
        tx.table("purchase_requests").insert_multiple(rows)
    app = DeskApp(doors, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+b")
        await settle(pilot)
        table = app.screen.query_one("#requests", DataTable)
        assert table.row_count < 600                          # a window, not every row
        await pilot.press("end")
        await settle(pilot)
        last = table.get_row(table.selected_key)
        assert table.total == 600 and last[3] == "王中"       # newest first: the oldest is row 600
        await find(pilot, settle, "5-302")
        assert [table.get_row(k)[2] for k in keys(table)] == ["5-302"]
        await find(pilot, settle, "15栋302")
        assert [table.get_row(k)[3] for k in keys(table)] == ["张三"]
