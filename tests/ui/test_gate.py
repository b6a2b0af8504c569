"""Gate rules on the checkpoint tab through Pilot at 80x24: the deny / advise
line as the door is typed, a volunteer refused, a leader's override with a
reason, annul and fix from the log (original struck through), who is
inside now."""

from __future__ import annotations

import pytest

from textual.widgets import DataTable, Input, Label, Select, Static

from app import DeskApp
from console.checkpoint import gate as cp
from console.households import marks
from screens.widgets.text_prompt import TextPrompt
from screens.checkpoint.inside import InsideScreen
from tests.gate_day import DAY, GATE

pytestmark = pytest.mark.usefixtures("gate_day")


async def fill_out(pilot, settle, tab, door: str, name: str = "王伟"):
    tab.query_one("#name", Input).value = name
    tab.query_one("#direction", Select).value = "out"
    tab.query_one("#purpose", Select).value = "buy"
    tab.query_one("#outcome", Select).value = "allowed"
    tab.query_one("#door", Input).focus()
    await pilot.press(*door)
    await settle(pilot)


def verdict(tab) -> str:
    return str(tab.query_one("#cp-verdict", Static).render())


async def test_deny_line_as_door_is_typed_and_volunteer_refused(store, leader, volunteer, settle, open_tab):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await fill_out(pilot, settle, tab, "1-303")
        assert "May go out: back by 12:00" in verdict(tab)
        await pilot.press("backspace", "2")
        await settle(pilot)
        assert "Key-person household: may not go out" in verdict(tab)
        assert "确诊" not in verdict(tab)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Only a leader" in str(tab.query_one("#err-outcome", Label).render())
        assert cp.entries(store, DAY) == []


async def test_leader_overrides_with_a_reason_and_log_shows_it(store, leader, settle, open_tab):
    marks.set_mark(store, leader, "1-302", "yellow", "密接", "2026-03-12")
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await fill_out(pilot, settle, tab, "1-302")
        assert "Home quarantine until 03-12" in verdict(tab)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one("#reason", Input).value = "去医院透析"
        await pilot.press("enter")
        await settle(pilot)
        [e] = cp.entries(store, DAY)
        assert e["override"]["reason"] == "去医院透析" and e["override"]["by"] == leader.name
        outcome = tab.query_one("#log", DataTable).get_cell(f"{DAY}:{e['id']}", "outcome")
        assert str(outcome).startswith("⚑")


async def test_override_cancelled_saves_nothing(store, leader, settle, open_tab):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await fill_out(pilot, settle, tab, "1-302")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert cp.entries(store, DAY) == []
        assert tab.query_one("#door", Input).value == "1-302"


async def test_annul_from_the_log_strikes_the_original(store, leader, volunteer, settle, open_tab):
    e = cp.log_entry(store, volunteer, GATE, {"name": "测试", "door": "1-101", "direction": "in",
                                              "purpose": "buy", "outcome": "turned_away"})
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        tab.query_one("#log", DataTable).focus()
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one("#reason", Input).value = "培训测试"
        await pilot.press("enter")
        await settle(pilot)
        table = tab.query_one("#log", DataTable)
        assert "strike" in str(table.get_cell(f"{DAY}:{e['id']}", "name").style)
        annul_id = e["id"] + 1
        assert "void #1" in str(table.get_cell(f"{DAY}:{annul_id}", "purpose"))
        assert cp.entries(store, DAY)[-1]["reason"] == "培训测试"


async def test_volunteer_fixes_own_entry_from_the_log(store, volunteer, settle, open_tab):
    e = cp.log_entry(store, volunteer, GATE, {"name": "王伟", "door": "1-101", "direction": "in",
                                              "purpose": "buy", "outcome": "turned_away"})
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        tab.query_one("#log", DataTable).focus()
        await pilot.press("c")
        await settle(pilot)
        assert tab.query_one("#door", Input).value == "1-101"
        assert "Fixing entry 1" in str(tab.query_one("#cp-info", Static).render())
        tab.query_one("#door", Input).value = "1-102"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = cp.entries(store, DAY)
        assert [(r["id"], r["door"], r.get("corrects")) for r in rows] == [
            (e["id"], "1-101", None), (e["id"] + 1, "1-102", e["id"])]


async def test_inside_count_and_list(store, volunteer, settle, open_tab):
    for name, org in (("李强", "顺丰快递"), ("赵六", "供电所")):
        cp.log_entry(store, volunteer, GATE, {"name": name, "door": org, "direction": "in",
                                              "purpose": "deliver", "outcome": "allowed"})
    cp.log_entry(store, volunteer, GATE, {"name": "王伟", "door": "1-101", "direction": "out",
                                          "purpose": "buy", "outcome": "allowed"})
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert "in 2 (0 over) · out 1 (0 late)" in str(
            tab.query_one("#cp-inside", Static).render())
        await pilot.press("f9")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, InsideScreen)
        assert screen.query_one("#inside", DataTable).row_count == 2
        row = screen.query_one("#out", DataTable).get_row_at(0)
        assert row[0] == "1-101" and str(row[3]) == "12:00 (120 min)"  # the countdown


async def test_an_errand_out_shows_when_it_is_due_back(store, volunteer, pass_, settle, open_tab):
    """F9's due-back column for an errand is the end of its window, the time
    its overdue alert names (it was empty)."""
    from console.checkpoint import scan
    scan.scan(store, pass_["code"], GATE, volunteer)
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("f9")
        await settle(pilot)
        row = pilot.app.screen.query_one("#out", DataTable).get_row_at(0)
        assert row[0] == "1-101" and str(row[3]) == "12:00 (120 min)"


async def test_standing_passes_issued_and_revoked_from_the_errands_tab(store, leader, settle):
    from console.errands import standing
    from screens.errands.standing import StandingForm, StandingScreen
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, StandingScreen)
        await pilot.press("w")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, StandingForm)
        form.query_one("#s-door", Input).value = "2-101"
        form.query_one("#s-person", Input).value = "陈静"
        form.query_one("#s-org", Input).value = "华中食品厂"
        form.query_one("#s-days", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "1 to 90 days" in str(form.query_one("#se-days", Label).render())
        assert standing.listing(store) == []
        form.query_one("#s-days", Input).value = "7"
        await pilot.press("ctrl+s")
        await settle(pilot)
        [p] = standing.listing(store)
        assert (p["pass_kind"], p["person"], p["until"]) == ("commuter", "陈静", "2026-03-11")
        screen = pilot.app.screen
        assert isinstance(screen, StandingScreen) and screen.query_one(DataTable).row_count == 1
        await pilot.press("v")
        await settle(pilot)
        pilot.app.screen.query_one("#reason", Input).value = "已复工结束"
        await pilot.press("enter")
        await settle(pilot)
        assert standing.get(store, p["number"])["state"] == "revoked"


async def test_leader_sets_gate_rules_bad_numbers_refused(store, leader, settle, open_tab):
    from console.core import settings
    from screens.checkpoint.rules import RulesScreen
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("f10")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RulesScreen)
        screen.query_one("#r-people", Input).value = "-3"
        screen.query_one("#r-inside_hours", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "must be 0 to 20" in str(screen.query_one("#r-error", Label).render())
        assert settings.get(store, "gate_inside_hours") == 2
        screen.query_one("#r-people", Input).value = "2"
        screen.query_one("#r-red_action", Select).value = "advise"
        screen.query_one("#r-red_instruction", Input).value = "请戴口罩"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, RulesScreen)
        assert settings.get(store, "gate_quota")["people"] == 2
        assert settings.get(store, "gate_inside_hours") == 4
        assert settings.get(store, "gate_marks")["red"] == {"action": "advise", "instruction": "请戴口罩"}


async def test_scan_of_standing_passes_shows_the_gate_rules(store, leader, volunteer, settle, open_tab):
    from console.errands import standing
    from screens.errands.scan import ScanField, VerdictView
    ok = standing.issue_household(store, leader, "1-101")
    red = standing.issue_household(store, leader, "1-302")
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        field = tab.query_one(ScanField)
        for code in (ok["code"], red["code"]):
            field.value = code
            field.focus()
            await pilot.press("enter")
            await settle(pilot)
            text = str(tab.query_one(VerdictView).render())
            if code == ok["code"]:
                assert "VALID: may go out; back by 12:00" in text and "household pass 1" in text
        assert "DENIED: key-person household" in text and "确诊" not in text
        assert [e["door"] for e in cp.entries(store, DAY)] == ["1-101"]


async def test_log_row_shows_the_override_reason(store, leader, open_tab, settle):
    marks.set_mark(store, leader, "1-302", "red", "确诊", "2026-03-20")
    e = cp.log_entry(store, leader, GATE, {"name": "王伟", "door": "1-302", "direction": "out",
                                           "purpose": "medical", "outcome": "allowed",
                                           "override": "120 接去医院"})
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        table = tab.query_one("#log", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(f"{DAY}:{e['id']}"))
        await settle(pilot)
        assert "let through by leader 组长甲: 120 接去医院" in str(
            tab.query_one("#cp-info", Static).render())
