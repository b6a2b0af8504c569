"""The app shell as a volunteer meets it: sign-in, tabs, lock, roster, audit, live updates."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, Select, TabbedContent

from app import DeskApp, MainScreen
from console import features
from console.core import operators
from screens.admin import AuditScreen, RosterScreen
from screens.signin import FirstLeaderScreen, LockScreen, SignInScreen


async def _sign_in(pilot, name: str, pin: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#name", Select).value = name
    screen.query_one("#pin", Input).focus()
    await pilot.press(*pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_first_run_creates_the_first_leader(empty_store):
    app = DeskApp(empty_store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, FirstLeaderScreen)
        await pilot.press(*"郭振兴")
        await pilot.press("tab", *"246813", "tab", *"246814", "enter")
        await pilot.pause()
        assert "differ" in str(app.screen.query_one("#message", Label).render())
        app.screen.query_one("#pin2", Input).value = "246813"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.actor == operators.Actor("郭振兴", "leader")
    assert operators.sign_in(empty_store, "郭振兴", "246813").is_leader


async def test_sign_in_wrong_then_right_pin(store):
    app = DeskApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await _sign_in(pilot, "志愿者乙", "9999")
        assert isinstance(app.screen, SignInScreen)
        assert "Wrong PIN" in str(app.screen.query_one("#message", Label).render())
        assert app.screen.query_one("#pin", Input).value == ""
        await _sign_in(pilot, "志愿者乙", "1234")
        assert isinstance(app.screen, MainScreen)
        header = str(app.screen.query_one("#desk-header").render())
        assert "志愿者乙" in header and app.gate in header


async def test_function_keys_switch_tabs(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.screen.query_one(TabbedContent)
        for key, name in [("f2", "errands"), ("f3", "purchases"), ("f4", "stock"),
                          ("f5", "households"), ("f1", "checkpoint")]:
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == f"tab-{name}"


@pytest.mark.parametrize("key, name, field", [("f1", "checkpoint", "#name"),
                                               ("f3", "purchases", "#req-table")])
@pytest.mark.parametrize("burst", [False, True], ids=["one-key", "burst"])
async def test_leaving_the_thermometers_tab_stays_left(store, volunteer, settle, key, name, field,
                                                       burst):
    """From F4 (the cursor in the door box, two lists beside it) F1 or F3 shows
    that tab and its field: the hidden door box handing its focus to the list
    next to it brought the stock tab back."""
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tabs = app.screen.query_one("#tabs", TabbedContent)
        await pilot.press("f3")       # every tab built once: the burst meets a mounted tab
        await settle(pilot)
        await pilot.press(*(["f4", key] if burst else ["f4"]))
        await settle(pilot)
        if not burst:
            assert tabs.active == "tab-stock" and app.focused.id == "door"
            await pilot.press(key)
            await settle(pilot)
        assert tabs.active == f"tab-{name}"
        assert app.focused is app.screen.query_one(field)


async def test_lock_needs_the_same_pin_and_sign_out_returns_to_sign_in(store, volunteer):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("f2")  # tabs are out of reach while locked
        await pilot.press(*"0000", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"1234", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        assert store.actor["op"] == ""


async def test_a_signed_out_main_screen_is_freed(store, volunteer, settle, monkeypatch):
    """Shift after shift on one console: what a main screen loaded is frozen
    out of the collector's way, and still freed once the volunteer signs out
    (it kept ~13 MB a sign-out, for good)."""
    import asyncio
    import gc
    import weakref
    monkeypatch.setattr(DeskApp, "FREEZE_AFTER", 0.3)
    app = DeskApp(store, actor=volunteer, gate="西门", tune_gc=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            main = weakref.ref(app.screen)
            await asyncio.sleep(0.4)   # the freeze after sign-in
            assert isinstance(main(), MainScreen)
            assert not any(o is main() for o in gc.get_objects())   # frozen: out of the collector's sight
            await pilot.press("ctrl+o")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen)
            await asyncio.sleep(0.4)   # and the one after sign-out
            gc.collect()
            assert main() is None
    finally:
        gc.unfreeze()   # this test process goes on to other apps


async def test_idle_desk_locks_itself(store, volunteer, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        app._last_input -= 11 * 60
        app._poll()  # the setting is read in the poll's worker
        await settle(pilot)   # the poll's worker, StoreChanged, the reload
        assert isinstance(app.screen, LockScreen)


async def test_leader_adds_a_volunteer_from_the_roster_screen(store, leader):
    store.actor = {"op": leader.name, "role": leader.role}
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, RosterScreen)
        app.screen.query_one("#name", Input).value = "新志愿者"
        app.screen.query_one("#pin", Input).value = "4321"
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert "新志愿者" in app.screen.query_one(DataTable).rows
    assert operators.sign_in(store, "新志愿者", "4321").role == "volunteer"


async def test_volunteer_is_refused_on_the_roster_screen(store, volunteer):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "冒名"
        app.screen.query_one("#pin", Input).value = "4321"
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert "Only a leader" in str(app.screen.query_one("#message", Label).render())
    assert "冒名" not in [m["name"] for m in operators.roster(store)]


async def test_leader_browses_the_audit_trail(store, leader, settle):
    store.actor = {"op": leader.name, "role": leader.role}
    operators.set_pin(store, leader, "志愿者乙", "135790")
    operators.set_member(store, leader, "志愿者乙", role="leader")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        await settle(pilot)   # the days, then the newest day's page, each read in a worker
        assert isinstance(app.screen, AuditScreen)
        table = app.screen.query_one("#audit", DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert "roster" in first[2] and "volunteer→leader" in first[2] and "组长甲" in first[1]


async def test_a_volunteer_pressing_the_audit_key_is_told_it_is_for_leaders(store, volunteer, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not isinstance(app.screen, AuditScreen)
        told = [n.message for n in app._notifications]
        assert told == ["Only a leader can browse the audit trail."]
        assert "Audit" not in [c.title for c in app.get_system_commands(app.screen)]


async def test_another_sessions_write_reaches_an_open_view(store, leader, second_desk, settle):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        other = second_desk  # a second desk: its own Store, its own cache
        operators.add_member(other, leader, "别的台加的", "volunteer", "1234")
        app._poll()  # the store is asked in a worker
        await settle(pilot)   # the poll's worker, StoreChanged, the reload
        assert "别的台加的" in app.screen.query_one(DataTable).rows


async def test_command_palette_lists_desk_actions(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Lock", "Sign out", "Roster", "Audit", "Thermometers"):
            assert wanted in titles


async def test_alerts_fill_one_line_and_new_ones_pop_up(store, leader, monkeypatch):
    from console.core import alerts
    from screens.header import AlertBar, AlertsScreen

    current = [alerts.Alert("a", "errand 3 is overdue"), alerts.Alert("b", "gun 4 overdue")]
    monkeypatch.setattr(features, "ALERT_PROVIDERS", [lambda s, now: list(current)])
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.query_one(AlertBar)
        assert bar.display and "2" in str(bar.render())
        assert not app._notifications  # the first batch fills the line, no pile of pop-ups
        current.append(alerts.Alert("c", "meal delivery due 11:30", "error"))
        app._check_alerts()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["meal delivery due 11:30"]
        assert "meal delivery" in str(bar.render())
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        assert app.screen.query_one("#alert-list").option_count == 3


async def test_signing_out_offers_to_close_the_shift(store, volunteer):
    from console.checkpoint import shifts
    from screens.checkpoint.shift import SignOutScreen
    shifts.open_shift(store, volunteer, "西门")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, SignOutScreen)
        await pilot.press("escape")  # stay
        assert isinstance(app.screen, MainScreen) and app.actor == volunteer
        await pilot.press("ctrl+o", *"gate key in the drawer", "enter")
        assert isinstance(app.screen, SignInScreen) and app.actor is None
    assert shifts.current_shift(store, "西门") is None
    assert shifts.last_handover(store, "西门")["handover"] == "gate key in the drawer"


async def test_signing_out_can_leave_the_shift_open_for_the_next_one(store, volunteer):
    from console.checkpoint import shifts
    shifts.open_shift(store, volunteer, "西门")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o", "ctrl+o")
        assert isinstance(app.screen, SignInScreen)
    assert shifts.current_shift(store, "西门")["opened_by"] == volunteer.name


async def test_quitting_with_the_shift_open_asks_to_hand_over_first(store, volunteer):
    """Ctrl+Q is the other way to leave a desk: it asks as signing out does;
    Esc stays, a note and Enter hands over and closes, Ctrl+Q again just goes."""
    from console.checkpoint import shifts
    from screens.checkpoint.shift import SignOutScreen
    shifts.open_shift(store, volunteer, "西门")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, SignOutScreen) and not app._exit  # noqa: SLF001
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q", *"keys on the hook", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app._exit  # noqa: SLF001  (Textual's "exit was asked for")
    assert shifts.last_handover(store, "西门")["handover"] == "keys on the hook"


async def test_quitting_again_from_the_question_leaves_the_shift_open(store, volunteer):
    from console.checkpoint import shifts
    shifts.open_shift(store, volunteer, "西门")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q", "ctrl+q")
        await pilot.pause()
    assert shifts.current_shift(store, "西门")["opened_by"] == volunteer.name


async def test_a_poll_that_finishes_as_the_console_closes_is_dropped(store, volunteer):
    """The 1 s poll's result reaching the app after its last screen went
    (CI saw it: ScreenStackError ended a test's app) is let go quietly."""
    from textual.app import ScreenStackError

    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert not app.screen_stack
    with pytest.raises(ScreenStackError):   # what the result did on its own
        app._polled(10, [], [])
    assert app._unless_closed(app._polled, 10, [], []) is None
