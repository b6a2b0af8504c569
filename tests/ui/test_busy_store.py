"""Keys while another desk holds the store (its commit: the directory's lock
and the fsync) or a big data directory is loading: the screen keeps taking
keys, what a key reads from the store is read in a worker, and the keys typed
after it wait for it and then land field by field, as they do on a free store.

Nothing here is timed: each step waits for a condition (the keys taken by the
key gate while the store is still held, then everything settled)."""

from __future__ import annotations

from textual.widgets import Input

from app import DeskApp
from console.errands import errand as errands
from screens.errands.request import RequestScreen
from tests.keys import burst
from tests.off_loop import waiting_keys

GATE = "西门"


def values(root, *ids: str) -> list[str]:
    return [root.query_one(f"#{i}", Input).value for i in ids]


async def test_the_errand_form_opens_fills_and_saves_while_the_store_is_held(
        store, volunteer, clk, open_tab, settle, busy_store):
    """n reads the escorts and the registry's doors before the form opens;
    what is typed meanwhile goes into the form's fields in order. Ctrl+S
    checks and saves in a worker, and the next n opens the next form."""
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        with busy_store() as other_desk:
            burst(app, "n", "1-102", "tab", "tab", "李四", "tab", "13900139001", "tab", "买药")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app).endswith("买药"),
                        "the form's read waiting for the store, the burst taken by the desk")
            assert not isinstance(app.screen, RequestScreen)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RequestScreen)
        assert values(form, "f-door", "f-org", "f-person", "f-phone", "f-purpose") == [
            "1-102", "", "李四", "13900139001", "买药"]
        assert "户主1102" in form.query_one("#f-person", Input).placeholder   # the door was found

        with busy_store() as other_desk:
            burst(app, "ctrl+s", "n", "2-101")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "n2-101",
                        "the save waiting for the store, the keys after it held")
            assert app.screen is form
        await settle(pilot)
        assert [(e["door"], e["person"], e["purpose"]) for e in errands.all_errands(store)] == [
            ("1-102", "李四", "买药")]
        assert isinstance(app.screen, RequestScreen) and app.screen is not form
        assert values(app.screen, "f-door", "f-person") == ["2-101", ""]


async def test_the_roll_finds_a_door_of_another_building_while_the_store_is_held(
        store, volunteer, open_tab, settle, busy_store):
    """The find box takes the door at once; the read that finds its building
    (and that building's roll) waits for the store in a worker."""
    from screens.widgets.find_box import FindBox
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "r")
        with busy_store() as other_desk:
            await pilot.press("ctrl+f", *"2-101")
            assert tab.query_one("#hh-roll FindBox", FindBox).text == "2-101"
            await other_desk.until(lambda: other_desk.waiting, "the roll's read waiting for the store")
        await settle(pilot)
        assert tab.building == 2
        assert list(tab.query_one("#roll-table").rows) == ["2-101"]


async def test_the_roll_summary_is_copied_while_the_store_is_held(
        store, volunteer, open_tab, settle, busy_store):
    """c in the roll's summary reads the report in a worker, then copies it."""
    from screens.households.summary import SummaryScreen
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "r")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        with busy_store() as other_desk:
            burst(app, "c")
            await other_desk.until(lambda: other_desk.waiting, "the report's read waiting for the store")
            assert app.clipboard == ""
        await settle(pilot)
        assert "Total: 48 households" in app.clipboard


async def test_a_grid_member_is_picked_from_a_burst_while_the_store_is_held(
        store, leader, open_tab, settle, busy_store):
    """w reads who holds the role and the roster before the picker opens; the
    keys typed meanwhile open its list, find 志愿者乙 by pinyin and choose."""
    from console.households import registry as hh
    from screens.households.pickers import PickMemberScreen
    app = DeskApp(store, actor=leader, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "g")
        with busy_store() as other_desk:
            burst(app, "w", "enter", "zyzy", "enter")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "<enter>zyzy<enter>",
                                   "the picker's read waiting for the store, the keys after w held")
            assert not isinstance(app.screen, PickMemberScreen)
        await settle(pilot)
        assert not isinstance(app.screen, PickMemberScreen)
        assert hh.grids(store)[0]["worker"] == "志愿者乙"


async def test_an_entry_is_annulled_from_a_burst_while_the_store_is_held(
        store, leader, volunteer, gate_day, open_tab, settle, busy_store):
    """x on the gate's log reads the entry in a worker; the reason typed
    meanwhile goes into the prompt that opens with it, and Enter annuls."""
    from console.checkpoint import gate as cp
    from screens.checkpoint.inside import InsideScreen
    from textual.widgets import DataTable
    e = cp.log_entry(store, volunteer, GATE, {"name": "测试", "door": "1-101", "direction": "in",
                                              "purpose": "buy", "outcome": "turned_away"})
    app = DeskApp(store, actor=leader, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        tab.query_one("#log", DataTable).focus()
        with busy_store() as other_desk:
            burst(app, "x", "培训测试", "enter")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "培训测试<enter>",
                                   "the entry's read waiting for the store, the reason held")
        await settle(pilot)
        assert cp.entries(store)[-1]["corrects"] == e["id"]
        assert cp.entries(store)[-1]["reason"] == "培训测试"
        with busy_store() as other_desk:   # F9 opens at once; its lists come once the store is free
            await pilot.press("f9")
            assert isinstance(app.screen, InsideScreen)
            await other_desk.until(lambda: other_desk.waiting, "F9's read waiting for the store")
        await settle(pilot)
        assert "2 h" in str(app.screen.query_one("#inside-title").render())


async def test_a_standing_pass_is_revoked_from_a_burst_while_the_store_is_held(
        store, leader, clk, open_tab, settle, busy_store):
    """h opens the standing passes and reads them in a worker; v typed
    meanwhile waits for the list and asks about the pass it shows."""
    from console.errands import standing
    from screens.widgets.text_prompt import TextPrompt
    issued = standing.issue_household(store, leader, "1-101")
    app = DeskApp(store, actor=leader, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        with busy_store() as other_desk:
            burst(app, "h", "v", "搬家")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "v搬家",
                                   "the list's read waiting for the store, v held")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        assert f"{issued['number']}" in str(app.screen.query_one(".title").render())
        assert app.screen.query_one(Input).value == "搬家"


async def test_signing_out_with_the_shift_open_while_the_store_is_held(
        store, volunteer, settle, busy_store):
    """Ctrl+O reads the gate's shift in a worker: the second Ctrl+O typed
    meanwhile lands in the hand-over question (leave it open), and the
    sign-in screen offers the names read in another."""
    from console.checkpoint import shifts
    from screens.signin import SignInScreen
    shifts.open_shift(store, volunteer, GATE)
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with busy_store() as other_desk:
            burst(app, "ctrl+o", "ctrl+o")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "<ctrl+o>",
                                   "the shift's read waiting for the store, the second Ctrl+O held")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        assert app.screen.names == ["志愿者乙", "组长甲"]
    assert shifts.current_shift(store, GATE)["opened_by"] == volunteer.name


async def test_the_roster_and_new_tabs_open_while_the_store_is_held(
        store, leader, settle, busy_store):
    """Ctrl+R and a tab's first F-key mount without waiting for the store
    (their lists are read in workers, what they watch is noted as this desk
    knows it); Ctrl+D typed after Ctrl+R acts on the member the list shows."""
    from textual.widgets import TabbedContent
    from console.core import operators
    from screens.admin import RosterScreen
    app = DeskApp(store, actor=leader, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with busy_store() as other_desk:
            await pilot.press("f2")
            await pilot.press("f5")
            assert app.screen.query_one(TabbedContent).active == "tab-households"
            burst(app, "ctrl+r", "ctrl+d")
            await other_desk.until(lambda: isinstance(app.screen, RosterScreen) and app.screen.is_mounted
                                   and other_desk.waiting and waiting_keys(app) == "<ctrl+d>",
                                   "the roster open, its read waiting for the store, Ctrl+D held")
        await settle(pilot)
        assert [(m["name"], m["active"]) for m in operators.roster(store)] == [
            ("志愿者乙", False), ("组长甲", True)]


async def test_the_audit_trail_opens_while_the_store_is_held(store, leader, settle, busy_store):
    """Ctrl+T reads the audit's days in a worker; Down typed meanwhile waits
    for the list and moves its cursor to the second change."""
    from textual.widgets import DataTable
    from screens.admin import AuditScreen
    app = DeskApp(store, actor=leader, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with busy_store() as other_desk:
            burst(app, "ctrl+t", "down")
            await other_desk.until(lambda: isinstance(app.screen, AuditScreen) and app.screen.is_mounted
                                   and other_desk.waiting and waiting_keys(app) == "<down>",
                                   "the audit open, its days' read waiting for the store, Down held")
        await settle(pilot)
        table = app.screen.query_one("#audit", DataTable)
        assert table.has_focus and table.row_count > 1 and table.cursor_row == 1


async def test_a_gate_entry_is_typed_and_saved_while_the_store_is_held(
        store, volunteer, gate_day, open_tab, settle, busy_store):
    """The gate form takes a whole visitor while another desk writes: leaving
    the door box checks it in a worker, Ctrl+S checks and saves in one, and
    the next visitor's name waits for the cleared form."""
    from console.checkpoint import gate as cp
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        with busy_store() as other_desk:
            burst(app, "李四", "tab", "1-302", "tab", "1", "f6", "ctrl+s", "王五")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app) == "王五",
                                   "the save waiting for the store, the next name held")
        await settle(pilot)
        assert [(e["name"], e["door"], e["purpose"]) for e in cp.entries(store)] == [("李四", "1-302", "buy")]
        assert values(tab, "name", "door") == ["王五", ""]


async def test_the_log_steps_back_a_day_while_the_store_is_held(
        store, volunteer, gate_day, open_tab, settle, busy_store):
    """Ctrl+PgUp reads which days have a log in a worker; the keys after it
    (back again with Ctrl+PgDn, then back once more) wait and step from the day it found."""
    import datetime as dt

    from console.checkpoint import gate as cp
    for days_ago, name in ((3, "大前天"), (1, "昨天"), (0, "今天")):
        gate_day.set(gate_day.t.replace(day=5) - dt.timedelta(days=days_ago))
        cp.log_entry(store, volunteer, GATE, {"name": name, "door": "1-101", "direction": "in",
                                              "purpose": "buy", "outcome": "allowed"})
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        with busy_store() as other_desk:
            burst(app, "ctrl+pageup", "ctrl+pageup", "ctrl+pagedown", "ctrl+pageup")
            await other_desk.until(lambda: other_desk.waiting and waiting_keys(app).count("<") == 3,
                                   "the days' read waiting for the store, the other steps held")
        await settle(pilot)
        assert tab.day_log.shown_day() == "2026-03-02"
