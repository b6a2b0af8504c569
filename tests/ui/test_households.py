"""Pilot tests for the Households tab at 80x24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static

from app import DeskApp
from console.households import registry as hh, marks, roll
from screens.widgets.confirm import ConfirmScreen
from screens.households.household import HouseholdScreen
from screens.households.pickers import PickMemberScreen
from screens.households.summary import SummaryScreen
from tests.ui.rendered import widget_text as _text

NOW = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen(freeze_clock):
    return freeze_clock(NOW)


async def test_sheet_arrows_toggle_away_and_open_record(store, volunteer, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "b")
        table = tab.query_one("#sheet-table", DataTable)
        assert table.has_focus and table.row_count == 6      # floors 6..1
        assert "Building 1" in _text(tab.query_one("#sheet-title"))
        # cursor starts on the ground floor, first door: 1-101
        assert "1-101" in _text(tab.query_one("#sheet-detail"))
        await pilot.press("up", "right")                      # 2nd floor, door 02
        await pilot.pause()
        detail = _text(tab.query_one("#sheet-detail"))
        assert "1-202" in detail and "138****1202" in detail and "13800001202" not in detail
        await pilot.press("space")
        await pilot.pause()
        assert hh.find(store, "1-202")["at_home"] is False
        assert "away" in str(table.get_cell("2", "02")) or "-" in str(table.get_cell("2", "02"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert "13800001202" in _text(app.screen.query_one("#rec-body"))
        assert app.screen.query_one("#reason", Input).disabled      # volunteers: read only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Only a leader" in _text(app.screen.query_one("#message"))
        assert marks.current(store) == {}
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert tab.building == 2 and "Building 2" in _text(tab.query_one("#sheet-title"))
    assert [v["door"] for v in store.table("record_views", day="2026-03-05").all()] == ["1-202"]


async def test_leader_marks_a_household_with_field_errors_then_list_masks_it(store, leader, open_tab):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "b")
        await pilot.press("enter")                            # 1-101
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdScreen)
        screen.query_one("#colour", Select).value = "orange"
        screen.query_one("#reason", Input).value = "发热 38.2"
        screen.query_one("#review", Input).focus()
        await pilot.press(*"2026-03-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "past" in _text(screen.query_one("#err-review"))
        assert "Fix the fields" in _text(screen.query_one("#message"))
        assert screen.query_one("#review", Input).value == "2026-03-01"   # what was typed stays
        assert marks.current(store) == {}
        screen.query_one("#review", Input).value = "3-9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert marks.current(store)["1-101"]["review"] == "2026-03-09"
        assert "orange" in _text(screen.query_one("#rec-mark"))
        views = store.table("record_views", day="2026-03-05").all()
        assert len(views) == 1                                 # reloads are not new openings
        # clearing needs a reason different from the mark's and a confirmation
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert "Write the reason" in _text(screen.query_one("#err-reason"))
        await pilot.press(*"退烧")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert "1-101" in marks.current(store)
        await pilot.press("escape")                           # 退烧 is typed: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        keys = tab.query_one("#keys-table", DataTable)
        assert keys.row_count == 1
        row = [str(c) for c in keys.get_row("1-101")]
        assert hh.MASK in row and "138****1101" in row and "发热 38.2" not in row
        # the cell on the sheet carries the colour
        await pilot.press("b")
        await pilot.pause()
        assert "O" in str(tab.query_one("#sheet-table", DataTable).get_cell("1", "01"))
    assert [h["action"] for h in marks.history(store)] == ["set"]


async def test_mark_form_opens_in_its_first_field_and_esc_asks_before_dropping_typing(
        store, leader, open_tab):
    marks.set_mark(store, leader, "1-102", "yellow", "密接", "2026-03-09")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "b")
        await pilot.press("enter")                            # 1-101, no mark
        await pilot.pause()
        assert isinstance(app.screen, HouseholdScreen)
        assert app.focused is app.screen.query_one("#colour", Select)
        await pilot.press("escape")                           # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, HouseholdScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("tab", *"3-9", "tab", *"发热")       # review date, reason
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Clear what you typed?" in _text(app.screen.query_one(Static))
        await pilot.press("n")                                # no: the typing stays
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HouseholdScreen)
        assert [screen.query_one(f"#{k}", Input).value for k in ("review", "reason")] == [
            "3-9", "发热"]
        await pilot.press("escape", "y")                      # yes: closed, nothing saved
        await pilot.pause()
        assert not isinstance(app.screen, (HouseholdScreen, ConfirmScreen))
        assert list(marks.current(store)) == ["1-102"]                 # only the earlier mark
        await pilot.press("right", "enter")                   # 1-102: its mark shown, not typed
        await pilot.pause()
        assert app.screen.query_one("#reason", Input).value == "密接"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (HouseholdScreen, ConfirmScreen))


async def test_roll_entry_keys_temperature_summary_and_missing_list(store, volunteer, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "r")
        table = tab.query_one("#roll-table", DataTable)
        assert table.row_count == 24 and table.has_focus
        await pilot.press("n", "f")                           # 1-101 normal, 1-102 fever
        await pilot.pause()
        await pilot.press("t", *"365", "enter")               # 1-103 by temperature
        await pilot.press(*"383", "enter")                    # 1-104 fever by temperature
        await pilot.press(*"99", "enter")                     # bad reading stays typed
        await pilot.pause()
        assert "temperature" in _text(tab.query_one("#err-temp"))
        assert tab.query_one("#roll-temp", Input).value == "99"
        reports = roll.day_reports(store)
        assert {d: (r["status"], r["temp"]) for d, r in reports.items()} == {
            "1-101": ("normal", None), "1-102": ("fever", None), "1-103": ("normal", 36.5),
            "1-104": ("fever", 38.3)}
        assert "2 fever" in _text(tab.query_one("#roll-title"))
        await pilot.press("escape", "s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen.query_one("#summary", DataTable)
        total = [str(c) for c in summary.get_row("total")]
        assert total[1:] == ["48", "2", "46", "2", "2", "42"]
        assert app.screen.query_one("#missing", DataTable).row_count == 42
        assert "42" in _text(app.screen.query_one("#missing-title"))


async def test_summary_not_reported_list_reaches_its_last_household(store, volunteer, open_tab, settle):
    """300 households more than fit in one window of the list: End reaches the last one."""
    rows = [{"door": f"9-{floor}{door:02d}", "building": 9, "unit": 1, "floor": floor,
             "room": f"{floor}{door:02d}", "head": f"户主9{floor}{door:02d}", "phone": "13800009000",
             "members": 1, "grid": "2", "at_home": True} for floor in range(1, 31) for door in range(1, 11)]
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert({"number": 9, "grid": "2", "floors": 30, "leader": ""})
        tx.table("households").insert_multiple(rows)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "r")
        await pilot.press("s")
        await settle(pilot)
        missing = app.screen.query_one("#missing", DataTable)
        assert "346 households" in _text(app.screen.query_one("#missing-title"))   # 46 + 300
        assert missing.row_count < 346                                        # a window of them
        missing.focus()
        await pilot.press("end")
        await settle(pilot)
        assert missing.get_row(missing.selected_key)[0] == "9-3010"
        await pilot.press("home")
        await settle(pilot)
        assert missing.get_row(missing.selected_key)[0] == "1-101"


async def test_grids_pick_worker_from_roster_and_volunteer_refused(store, leader, volunteer, open_tab):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "g")
        grids = tab.query_one("#grids-table", DataTable)
        assert grids.row_count == 2 and grids.has_focus
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PickMemberScreen)
        app.screen.query_one(Select).value = "志愿者乙"
        await pilot.pause()
        assert not isinstance(app.screen, PickMemberScreen)
        assert hh.grids(store)[0]["worker"] == "志愿者乙"
        assert "志愿者乙" in str(grids.get_cell("1", "worker"))
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "g")
        await pilot.press("tab", "l")
        await pilot.pause()
        app.screen.query_one(Select).value = "组长甲"
        await pilot.pause()
        assert hh.building(store, 1)["leader"] == "楼长1"     # refused in console/


async def test_import_checks_then_imports_after_confirm(store, leader, tmp_path, open_tab):
    path = tmp_path / "住户.csv"
    path.write_bytes("楼号,门牌,户主,人数,网格\n1,701,新户,2,1\n1,702,坏,x,1\n".encode("gbk"))
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "i")
        field = tab.query_one("#import-path", Input)
        assert field.has_focus
        field.value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert "No such file" in _text(tab.query_one("#err-file"))
        field.value = str(path)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        report = _text(tab.query_one("#import-report"))
        assert "GBK" in report and "Line 3" in report and "checked only" in report
        assert len(store.table("households")) == 48
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert hh.find(store, "1-701")["head"] == "新户"
        assert "checked only" not in _text(tab.query_one("#import-report"))


async def test_other_sessions_changes_update_the_sheet_in_place(store, leader, open_tab, second_desk, settle):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "b")
        table = tab.query_one("#sheet-table", DataTable)
        other = second_desk                            # another volunteer's process
        marks.set_mark(other, leader, "1-303", "red", "确诊", "2026-03-10")
        roll.report(other, leader, "1-101", "fever", "38.0")
        app._poll()  # the store is asked in a worker
        await settle(pilot)   # the poll's worker, StoreChanged, the reload
        assert "R" in str(table.get_cell("3", "03"))
        assert "!" in str(table.get_cell("1", "01"))
        assert table.row_count == 6


async def test_chinese_labels_fit(store, leader, open_tab):
    from console.core import i18n
    app = DeskApp(store, actor=leader, gate="西门", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "b")
        assert "1 栋" in _text(tab.query_one("#sheet-title"))
        await pilot.press("r")
        await pilot.pause()
        assert "未报" in str(tab.query_one("#roll-table", DataTable).get_cell("1-101", "status"))
    i18n.set_lang("en")


async def test_the_views_answer_while_the_store_is_busy(store, volunteer, open_tab, settle, busy_store):
    """A commit holds the store for as long as another desk's lock and the
    fsync take: switching and stepping the views meanwhile must not wait
    for it; what they show arrives once the store is free."""
    from textual.widgets import ContentSwitcher

    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "b")
        with busy_store():
            for key, view in (("r", "hh-roll"), ("right_square_bracket", "hh-roll"),
                              ("k", "hh-keys"), ("g", "hh-grids"), ("b", "hh-sheet")):
                await pilot.press(key)
                assert tab.query_one(ContentSwitcher).current == view
        await settle(pilot)
        assert "Building 2" in _text(tab.query_one("#sheet-title"))
