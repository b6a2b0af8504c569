"""Thermometers tab with Pilot at 80x24: door + Enter, replacement reason, forms, views."""

from __future__ import annotations

import datetime as dt

from textual.widgets import ContentSwitcher, DataTable, Input, Label, Select, Static

from app import DeskApp
from console.stock import balances
from console.stock import ledger as stock
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.form import FieldError, FormDialog
from tests import needs
from tests.keys import burst
from tests.ui.rendered import screen_text


def _msg(app) -> str:
    return str(app.screen.query_one("#door-msg", Label).render())


async def test_door_enter_hands_out_one_and_second_needs_reason(store, volunteer, settle, open_tab):
    stock.receive(store, volunteer, "mercury", 3, "中心A", "3.5")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        assert app.focused.id == "door"
        await pilot.press(*"1-101", "enter")
        await settle(pilot)
        assert "1-101" in _msg(app) and "2 left" in _msg(app)
        assert balances.held_by_door(store) == {"1-101": 1}
        assert tab.query_one("#balances", DataTable).get_cell("mercury", "balance") == 2
        assert app.focused.id == "door" and app.focused.value == ""
        # a second one: refused with the reason asked for; Enter picks "broken",
        # and the replacement is asked about first: Enter twice gives nothing
        await pilot.press(*"1-101", "enter")
        await settle(pilot)
        assert "needs a reason" in _msg(app)
        assert balances.held_by_door(store) == {"1-101": 1}
        assert tab.query_one("#reason", Select).expanded
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen) and "replacement (old one broken)" in str(
            app.screen.query_one(Static).render())
        await pilot.press("enter")  # not a yes
        assert isinstance(app.screen, ConfirmScreen) and balances.held_by_door(store) == {"1-101": 1}
        await pilot.press("n")
        await settle(pilot)
        assert balances.held_by_door(store) == {"1-101": 1} and tab.query_one("#reason", Select).is_blank()
        await pilot.press("enter")  # the door is still there: asked again, this time yes
        await settle(pilot)
        await pilot.press("enter")
        await pilot.press("y")
        await settle(pilot)
        assert "Replacement" in _msg(app) and "broken" in _msg(app)
        last = balances.movements(store)[-1]
        assert last["replacement"] and last["reason"] == "broken" and last["door"] == "1-101"
        assert tab.query_one("#reason", Select).is_blank()
        moves = tab.query_one("#moves", DataTable)
        assert moves.get_row_at(0)[0] == last["no"]  # newest on top
        assert moves.selected_key == str(last["no"])  # and selected: Ctrl+Z corrects this one


async def test_bad_doors_and_empty_stock_say_why_and_keep_the_text(store, volunteer, settle, open_tab):
    stock.receive(store, volunteer, "mercury", 1, "中心A")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press(*"9-999", "enter")
        await settle(pilot)
        assert "No household with door 9-999" in _msg(app)
        assert app.screen.query_one("#door", Input).value == "9-999"
        app.screen.query_one("#door", Input).value = ""
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert "Cannot read door" in _msg(app)
        app.screen.query_one("#door", Input).value = ""
        await pilot.press(*"2栋101", "enter")
        await settle(pilot)
        app.screen.query_one("#door", Input).value = ""
        await pilot.press(*"2-102", "enter")
        await settle(pilot)
        assert "balance is 0" in _msg(app)
    assert balances.held_by_door(store) == {"2-101": 1}


async def test_receive_form_validates_and_updates_balances_and_sources(store, volunteer, settle, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"0", "tab", *"城东社区卫生服务中心", "tab", "backspace", *"3.5")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)  # blocked while the quantity is invalid
        assert "Fix the fields" in str(app.screen.query_one("#e-form", Label).render())
        assert balances.movements(store) == []
        app.screen.query_one("#f-source", Input).value = ""
        app.screen.query_one("#f-qty", Input).value = "40"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Enter the source" in str(app.screen.query_one("#e-source", Label).render())
        assert app.screen.query_one("#f-qty", Input).value == "40"  # what was typed stays
        app.screen.query_one("#f-source", Input).value = "城东社区卫生服务中心"
        app.screen.query_one("#f-qty", Input).value = "40"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        assert tab.query_one("#balances", DataTable).get_cell("mercury", "balance") == 40
        await pilot.press("f7")
        await pilot.pause()
        assert tab.query_one(ContentSwitcher).current == "v-sources"
        assert "140.00" in str(tab.query_one("#sources-total", Static).render())


async def test_stock_take_is_refused_for_a_volunteer_in_the_form(store, volunteer, open_tab):
    stock.receive(store, volunteer, "mercury", 5, "中心A")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press("ctrl+k")
        await pilot.pause()
        app.screen.query_one("#f-counted", Input).value = "4"
        app.screen.query_one("#f-reason", Input).value = "count"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Only a leader" in str(app.screen.query_one("#e-form", Label).render())
        await pilot.press("escape")
        await pilot.pause()
    assert len(balances.movements(store)) == 1


async def test_guns_lend_and_back_and_correct_a_handout(store, leader, settle, open_tab):
    stock.receive(store, leader, "gun", 1, "区卫健委")
    stock.receive(store, leader, "mercury", 2, "中心A")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        await pilot.press("ctrl+g")
        await pilot.pause()
        app.screen.query_one("#f-team", Input).value = "第1组"
        await pilot.press("ctrl+s")   # Enter here would move on to the hours
        await settle(pilot)
        await pilot.press("f9")
        await pilot.pause()
        guns = tab.query_one("#guns", DataTable)
        assert guns.row_count == 1 and guns.get_row_at(0)[2] == "第1组"
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert guns.row_count == 0 and balances.loans(store) == []
        # hand out, then correct it (leader): a new movement, the household is back on the list
        tab.query_one("#door", Input).focus()
        await pilot.press(*"1-101", "enter")
        await settle(pilot)
        await pilot.press("f6", "ctrl+z")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"wrong door", "enter")
        await settle(pilot)
        kinds = [m["kind"] for m in balances.movements(store)]
        assert kinds[-2:] == ["issue", "reverse"]
        assert balances.held_by_door(store) == {"1-101": 0}


@needs.font
async def test_missing_list_prints_a_pdf_and_updates_from_another_session(store, volunteer, settle, open_tab,
                                                                             second_desk):
    stock.receive(store, volunteer, "mercury", 5, "中心A")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        await pilot.press("f8")
        await settle(pilot)
        missing = tab.query_one("#missing", DataTable)
        assert missing.row_count == 24 and "1-101" in missing.rows
        # another desk (its own Store object) hands one out; the poll picks it up
        other = second_desk
        stock.issue(other, volunteer, "1-101")
        app._poll()
        await settle(pilot)
        assert missing.row_count == 23 and "1-101" not in missing.rows
        await pilot.press("f6")    # a hidden view is drawn when it is shown
        assert tab.query_one("#balances", DataTable).get_cell("mercury", "balance") == 4
        await pilot.press("f10")
        await settle(pilot)
    pdfs = list((store.root / "exports").glob("thermometers-1-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")


async def test_overdue_gun_is_marked(store, leader, freeze_clock, open_tab):
    clk = freeze_clock(dt.datetime.now().astimezone())
    stock.receive(store, leader, "gun", 1, "区卫健委")
    stock.lend(store, leader, "gun", "第4组", clk.t + dt.timedelta(hours=1))
    clk.advance(hours=2)
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        await pilot.press("f9")
        await pilot.pause()
        assert tab.query_one("#guns", DataTable).get_row_at(0)[5] == "OVERDUE"


async def test_gun_back_never_saves_a_default_gun_and_enter_opens_the_list(store, leader, settle, open_tab):
    stock.receive(store, leader, "gun", 2, "区卫健委")
    for team in ("第1组", "第4组"):
        stock.lend(store, leader, "gun", team, dt.datetime.now().astimezone() + dt.timedelta(hours=8))
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press("ctrl+b")
        form = app.screen
        loan = form.query_one("#f-loan", Select)
        assert isinstance(form, FormDialog) and loan.is_blank()
        await pilot.press("enter")  # in the note box, nothing picked: asks for the loan
        assert "Pick which loan" in str(form.query_one("#e-loan", Label).render())
        assert len(balances.loans(store)) == 2
        loan.focus()
        await pilot.press("enter")  # Enter on the list opens it
        assert loan.expanded and len(balances.loans(store)) == 2
        await pilot.press("down", "down", "enter")  # the second gun: 第4组
        assert not loan.expanded and isinstance(app.screen, FormDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [m["team"] for m in balances.loans(store)] == ["第1组"]


async def test_minus_signs_are_refused_not_dropped(store, volunteer, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press("ctrl+n", *"-5", "tab", *"中心A", "tab", "backspace", *"-3", "enter")
        form = app.screen
        assert form.query_one("#f-qty", Input).value == "-5"
        assert "whole number above 0" in str(form.query_one("#e-qty", Label).render())
        assert "not negative" in form.query_one("#e-cost", FieldError).text   # as typed, not on save
        form.query_one("#f-qty", Input).value = "5"
        await pilot.press("enter")
        assert "not negative" in str(form.query_one("#e-cost", Label).render())
        assert isinstance(app.screen, FormDialog) and balances.movements(store) == []


async def test_esc_on_a_filled_stock_form_asks_first(store, volunteer, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press("ctrl+n", "escape")  # nothing typed: closes at once
        assert not isinstance(app.screen, (FormDialog, ConfirmScreen))
        await pilot.press("ctrl+n", *"12", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.screen.query_one("#f-qty", Input).value == "12"
        await pilot.press("escape", "y")
        assert not isinstance(app.screen, (FormDialog, ConfirmScreen))


async def test_stock_take_refuses_letters_and_minus_as_typed(store, leader, settle, open_tab):
    stock.receive(store, leader, "mercury", 5, "中心A")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        await pilot.press("ctrl+k")
        await settle(pilot)
        form = app.screen
        counted = form.query_one("#f-counted", Input)
        counted.focus()
        await pilot.press(*"4a")                        # a letter is kept and refused, not dropped
        assert counted.value == "4a"
        assert "not “4a”" in form.query_one("#e-counted", FieldError).text
        counted.value = ""
        await pilot.press(*"-4")                        # a minus is taken, and refused
        assert counted.value == "-4"
        assert "not “-4”" in form.query_one("#e-counted", FieldError).text
        form.query_one("#f-low", Input).focus()
        await pilot.press(*"-1")
        assert "warning level must be a whole number" in form.query_one("#e-low", FieldError).text
        form.query_one("#f-reason", Input).value = "盘点"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and len(balances.movements(store)) == 1
        counted.value = ""
        await pilot.press(*"3")                         # a count that reads saves
        form.query_one("#f-low", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
    [row] = [r for r in balances.balances(store) if r["item"] == "mercury"]
    assert row["balance"] == 3


async def test_every_stock_form_label_is_shown_whole_at_80x24(store, leader, settle, open_tab):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "stock")
        for key, labels in (("ctrl+n", ("Source (health centre)", "Unit price (yuan, may be 0)")),
                            ("ctrl+k", ("Counted", "Warn at (blank: unchanged)"))):
            await pilot.press(key)
            await settle(pilot)
            shown = screen_text(app)
            assert all(label in shown for label in labels), shown
            await pilot.press("escape")
            await settle(pilot)


async def test_a_form_and_a_handout_answer_while_the_store_is_busy(store, volunteer, settle, open_tab,
                                                                   busy_store):
    """Another desk's commit holds the store: Ctrl+N reads the items for its
    form in a worker, so the screen answers meanwhile, and a burst typed at
    once (the quantity, Tab, the source, Ctrl+S, the next door, Enter) waits
    for the form and lands field by field: 40 received from 中心B, then one
    handed out to 1-101 from the door box."""
    stock.receive(store, volunteer, "mercury", 3, "中心A")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        door = tab.query_one("#door", Input)
        with busy_store() as other_desk:
            burst(app, "ctrl+n", "40", "tab", "中心B", "ctrl+s", "1-101", "enter")
            await other_desk.until(lambda: other_desk.waiting and len(app.keys.waiting) == 13,
                        "Ctrl+N's read in a worker, the keys after it held for its form")
            assert not isinstance(app.screen, FormDialog) and door.value == ""
            assert other_desk.held   # the screen answered while the store was still held
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        receive, issue = balances.movements(store)[-2:]
        assert (receive["kind"], receive["qty"], receive["source"]) == ("receive", 40, "中心B")
        assert (issue["kind"], issue["door"]) == ("issue", "1-101")
        assert "1-101" in _msg(app) and "42 left" in _msg(app)
        assert app.focused is door and door.value == ""



async def test_a_door_entered_before_the_first_read_gets_the_first_item(store, volunteer, settle, open_tab,
                                                                       monkeypatch):
    """The item list is filled by the tab's read (in a worker); a door and
    Enter before that read is back hand out the domain's first item."""
    from screens.stock.tab import StockTab

    monkeypatch.setattr(StockTab, "_show", lambda self, data: None)   # the read never arrives
    stock.receive(store, volunteer, "mercury", 3, "中心A")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "stock")
        assert tab.query_one("#item", Select).value == ""
        await pilot.press(*"1-101", "enter")
        await settle(pilot)
        issue = balances.movements(store)[-1]
        assert (issue["kind"], issue["door"], issue["item"]) == ("issue", "1-101", "mercury")
        assert "1-101" in _msg(app) and "2 left" in _msg(app)
