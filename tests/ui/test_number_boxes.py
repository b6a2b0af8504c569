"""A minus sign typed into a number box reaches the domain's check and is
refused under the box (issue 13): the boxes used to drop it, so "-5" was
saved as 5 without a word. The keys are typed, as a volunteer does: a value
set from the test would pass round the box's ``restrict``."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from app import DeskApp
from console.checkpoint import gate as cp
from console.households import roll
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases import schedules as S
from screens.widgets.form import FieldError, FormDialog
from tests.gate_day import DAY, GATE

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(dt.datetime(2026, 3, 4, 9, 0, tzinfo=TZ))


def _under(app, field: str) -> str:
    return app.screen.query_one(f"#e-{field}", FieldError).text


async def _type_over(pilot, field: str, text: str) -> None:
    """Empty the form's box ``field``, then type ``text`` into it key by key."""
    box = pilot.app.screen.query_one(f"#f-{field}", Input)
    box.value = ""
    box.focus()
    await pilot.press(*text)


async def _save_refused(pilot, settle, field: str, text: str) -> str:
    """Type ``text`` over box ``field``, press Ctrl+S: the form stays open;
    what it says under the box."""
    await _type_over(pilot, field, text)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormDialog)
    return _under(pilot.app, field)


async def _new_request(pilot, open_tab, lines: str) -> None:
    """A new purchase request for 1-101 with the items ``lines`` typed in."""
    await open_tab(pilot, "purchases", "f6")
    await pilot.press("n", *"1-101")
    await _type_over(pilot, "lines", lines)


async def test_a_negative_budget_is_refused_under_the_box(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_request(pilot, open_tab, "土豆2斤")
        assert "cannot be negative" in await _save_refused(pilot, settle, "budget", "-5")
        assert P.requests(store) == []
        assert app.screen.query_one("#f-budget", Input).value == "-5"


async def test_a_minus_quantity_in_the_items_names_the_item(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_request(pilot, open_tab, "牛奶1箱 土豆 -2斤")
        assert "“土豆” must be more than 0" in _under(app, "lines")   # as typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert P.requests(store) == [] and isinstance(app.screen, FormDialog)


async def test_a_negative_amount_paid_and_receipt_are_refused(store, leader, volunteer, frozen,
                                                              open_tab, settle):
    a = P.create_request(store, volunteer, "1-101", lines="土豆2斤")
    frozen.t = dt.datetime(2026, 3, 4, 21, 0, tzinfo=TZ)
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f8")
        app.screen.query_one("#run-detail").focus()
        await pilot.press("a")
        await settle(pilot)
        assert "cannot be negative" in await _save_refused(pilot, settle, "amount", "-5")
        assert P.get_request(store, a["id"]).get("paid_fen") is None
        await pilot.press("escape", "y")
        await settle(pilot)
        app.screen.query_one("#runs-table").focus()
        await pilot.press("b")
        await settle(pilot)
        assert "cannot be negative" in await _save_refused(pilot, settle, "receipt", "-30")
        assert R.get_run(store, run["id"])["status"] == "open"


async def test_a_delivery_every_minus_five_days_is_refused(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f10")
        await pilot.press("n", *"午饭")
        await _type_over(pilot, "door", "1-101")
        await _type_over(pilot, "to", "酒店")
        assert "not “-5”" in await _save_refused(pilot, settle, "every", "-5")
        assert S.schedules(store) == []


async def test_a_negative_temperature_at_the_gate_is_refused(store, volunteer, gate_day, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await pilot.press(*"Wang", "tab", *"1-302", "tab", "1", "tab", *"-36.5", "f7", "ctrl+s")
        await settle(pilot)
        assert cp.entries(store, DAY) == []
        assert tab.query_one("#temp", Input).value == "-36.5"
        assert "“-36.5” must be 34.0 to 42.0" in tab.query_one("#err-temp", FieldError).text


async def test_a_negative_temperature_in_the_daily_roll_is_refused(store, volunteer, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate=GATE)
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "households", "r")
        await pilot.press("t", *"-36.5", "enter")
        await settle(pilot)
        assert roll.day_reports(store) == {}
        assert "“-36.5” must be 34.0 to 42.0" in str(tab.query_one("#err-temp").render())
