"""Checkpoint tab through Pilot at 80x24: entry, bad input, filter, redirect,
repeat notice, recall, live update, paging, shift handover, export."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.widgets._toast import Toast

from app import DeskApp
from console.checkpoint import gate as cp, gates, shifts
from console.core import i18n
from tests.gate_day import DAY, GATE, NOW
from tests.ui.rendered import screen_lines

pytestmark = pytest.mark.usefixtures("gate_day")


def log_keys(tab) -> list[str]:
    return [r.key.value for r in tab.query_one("#log", DataTable).ordered_rows]


async def type_into(pilot, tab, field: str, text: str):
    tab.query_one(f"#{field}", Input).focus()
    await pilot.press(*text) if text.isascii() else None
    if not text.isascii():
        tab.query_one(f"#{field}", Input).insert_text_at_cursor(text)
    await pilot.pause()


def entry(**kw):
    base = {"name": "王伟", "phone": "13800001234", "door": "1-302", "direction": "in",
            "purpose": "buy", "outcome": "turned_away"}
    return {**base, **kw}


async def test_entry_saves_clears_and_keeps_focus(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert pilot.app.focused.id == "name"
        await type_into(pilot, tab, "name", "王伟")
        await pilot.press("tab", *"1-302", "enter")   # the door follows the name
        assert pilot.app.focused.id == "purpose"
        await pilot.press("1", "tab", *"37.6", "f7")  # purpose 1 (buy goods), the temperature, F7 (turned away)
        await type_into(pilot, tab, "phone", "13800001234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = cp.entries(store, DAY)
        assert len(rows) == 1
        assert (rows[0]["name"], rows[0]["door"], rows[0]["temp"], rows[0]["outcome"]) == (
            "王伟", "1-302", 37.6, "turned_away")
        assert tab.query_one("#name", Input).value == "" and tab.query_one("#temp", Input).value == ""
        assert pilot.app.focused.id == "name"
        assert log_keys(tab) == [f"{DAY}:1"]
        temp_cell = tab.query_one("#log", DataTable).get_cell(f"{DAY}:1", "temp")
        assert "red" in str(temp_cell.style)  # fever highlighted


@pytest.mark.parametrize("field, text, expect", [
    ("temp", "45", "34.0 to 42.0"),
    ("phone", "1380000", "11 digits"),
    ("door", "9-999", "No household with door 9-999"),
])
async def test_bad_input_message_next_to_field_nothing_saved(store, volunteer, field, text, expect, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "name", "李四")
        await type_into(pilot, tab, field, text)
        tab.query_one("#purpose", Select).value = "buy"
        tab.query_one("#outcome", Select).value = "allowed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert expect in str(tab.query_one(f"#err-{field}", Label).render())
        assert tab.query_one(f"#{field}", Input).value == text
        assert tab.query_one("#name", Input).value == "李四"
        assert pilot.app.focused.id == field
        assert cp.entries(store, DAY) == []


async def test_empty_name_without_org_refused(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "name or an organisation" in str(tab.query_one("#err-name", Label).render())
        assert cp.entries(store, DAY) == []


async def test_filter_by_outcome_purpose_and_text(store, volunteer, settle, open_tab):
    for i, (outcome, purpose) in enumerate([("turned_away", "buy"), ("allowed", "medical"),
                                            ("allowed", "deliver"), ("turned_away", "buy")]):
        cp.log_entry(store, volunteer, GATE, entry(name=f"人{i}", outcome=outcome, purpose=purpose))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert log_keys(tab) == [f"{DAY}:{i}" for i in (4, 3, 2, 1)]
        tab.query_one("#f-outcome", Select).value = "allowed"
        await settle(pilot)
        assert log_keys(tab) == [f"{DAY}:3", f"{DAY}:2"]
        tab.query_one("#f-purpose", Select).value = "medical"
        await settle(pilot)
        assert log_keys(tab) == [f"{DAY}:2"]
        tab.query_one("#f-outcome", Select).clear()
        tab.query_one("#f-purpose", Select).clear()
        await pilot.press("ctrl+f")
        assert pilot.app.focused.id == "f-text"
        tab.query_one("#f-text", Input).insert_text_at_cursor("人3")
        await settle(pilot)
        assert log_keys(tab) == [f"{DAY}:4"]


async def test_redirect_creates_purchase_request(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "name", "张三")
        await type_into(pilot, tab, "door", "2-401")
        tab.query_one("#purpose", Select).value = "buy"
        tab.query_one("#outcome", Select).focus()
        await pilot.press("enter")  # open the list, pick "to proxy purchase" by its number
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert tab.query_one("#outcome", Select).value == "redirected"
        assert not tab.query_one("#outcome", Select).expanded
        await pilot.press("ctrl+s")
        await settle(pilot)
        reqs = store.table("purchase_requests").all()
        assert len(reqs) == 1 and reqs[0]["door"] == "2-401" and reqs[0]["person"] == "张三"
        assert reqs[0]["source"] == {"checkpoint": DAY, "id": 1}
        assert any("Purchase request made for 张三" in n.message for n in pilot.app._notifications)
        await pilot.press("ctrl+b")
        await settle(pilot)
        table = pilot.app.screen.query_one("#requests", DataTable)
        row = table.get_row_at(0)
        assert table.row_count == 1 and "张三" in row
        assert row[0] == reqs[0]["no"] and row[1] == "03-05 10:00" and row[-1] == "new"
        pilot.app.screen.dismiss(None)
        # a request without a number or time (an older one) shows dashes; zh labels its state
        store.table("purchase_requests").insert({"door": "1-101", "person": "老人", "status": "new",
                                                 "source": {"checkpoint": DAY, "id": 9}, "lines": []})
        i18n.set_lang("zh")
        await pilot.press("ctrl+b")
        await settle(pilot)
        row = pilot.app.screen.query_one("#requests", DataTable).get_row_at(0)
        assert row[:2] == ["—", "—"] and row[-1] == "待入批"


async def test_repeat_notice_while_typing(store, volunteer, settle, open_tab):
    cp.log_entry(store, volunteer, GATE, entry(outcome="turned_away"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "phone", "13800001234")
        await settle(pilot)
        info = str(tab.query_one("#cp-info", Static).render())
        assert "Came 1× today (last 10:00, turned away)" in info
        tab.query_one("#phone", Input).value = "13900000000"
        await settle(pilot)
        assert "Came" not in str(tab.query_one("#cp-info", Static).render())


async def test_recall_fills_the_form(store, volunteer, settle, open_tab):
    cp.log_entry(store, volunteer, GATE, entry(name="王伟", plate="鄂A12345"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "name", "王")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert tab.query_one("#name", Input).value == "王伟"
        assert tab.query_one("#door", Input).value == "1-302"
        assert tab.query_one("#plate", Input).value == "鄂A12345"


async def test_live_update_in_place_and_paging(store, volunteer, settle, open_tab):
    log = store.table("checkpoint", DAY)
    log.insert_multiple([{**entry(name=f"人{i}"), "at": NOW.isoformat(), "gate": GATE}
                         for i in range(450)])
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        table = tab.query_one("#log", DataTable)
        assert table.row_count == cp.PAGE and log_keys(tab)[0] == f"{DAY}:450"
        kept = table.rows[f"{DAY}:300"] if f"{DAY}:300" in table.rows else None
        # another desk writes: the poll picks it up, the new row goes on top
        store.table("checkpoint", DAY).insert({**entry(name="新来"), "at": NOW.isoformat(), "gate": GATE})
        pilot.app._poll()
        await settle(pilot)
        assert log_keys(tab)[0] == f"{DAY}:451" and table.row_count == cp.PAGE
        assert f"{DAY}:251" not in table.rows  # dropped off the first page
        assert table.rows[f"{DAY}:300"] is kept  # untouched rows are not rebuilt
        await pilot.press("pagedown")
        await settle(pilot)
        assert log_keys(tab)[0] == f"{DAY}:251"
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert log_keys(tab)[-1] == f"{DAY}:1" and table.row_count == 51
        assert "page 3/3" in str(tab.query_one("#cp-status", Static).render())


async def test_another_desks_entry_shows_in_this_desks_log_after_the_poll(
        store, volunteer, second_desk, settle, poll_now, open_tab):
    """Desk A (its own Store on the same data directory) logs at the gate; desk B,
    already showing today's log, shows that entry on top after its file-change poll."""
    cp.log_entry(second_desk, volunteer, GATE, entry(name="早到"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await poll_now(pilot)
        assert log_keys(tab) == [f"{DAY}:1"]
        for name in ("新来", "又来"):                      # desk A logs, desk B polls, twice
            cp.log_entry(second_desk, volunteer, GATE, entry(name=name))
            await poll_now(pilot)
            table = tab.query_one("#log", DataTable)
            assert name in str(table.get_row_at(0)), name
        assert log_keys(tab) == [f"{DAY}:3", f"{DAY}:2", f"{DAY}:1"]
        assert "3" in str(tab.query_one("#cp-status", Static).render())


async def test_a_slow_read_from_before_another_desks_entry_does_not_hide_it(
        store, volunteer, second_desk, settle, open_tab, monkeypatch):
    """Desk B's log is being read (a page key, a resize) when desk A logs; the
    poll's read shows A's entry, and the older read, done later, must not take it away."""
    import threading

    from screens.checkpoint.day_log import DayLog

    cp.log_entry(second_desk, volunteer, GATE, entry(name="早到"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert log_keys(tab) == [f"{DAY}:1"]
        real, calls, started, release = cp.page_of, [], threading.Event(), threading.Event()

        def page_of(*args, **kwargs):
            out = real(*args, **kwargs)
            calls.append(out)
            if len(calls) == 1:          # the read under way: it has read, it answers late
                started.set()
                release.wait(10)
            return out
        monkeypatch.setattr(cp, "page_of", page_of)
        tab.query_one(DayLog).reload()
        for _ in range(200):
            if started.is_set():
                break
            await pilot.pause(0.01)
        cp.log_entry(second_desk, volunteer, GATE, entry(name="新来"))   # desk A
        pilot.app._poll()
        for _ in range(200):
            if log_keys(tab)[0] == f"{DAY}:2":
                break
            await pilot.pause(0.01)
        assert log_keys(tab) == [f"{DAY}:2", f"{DAY}:1"]
        release.set()                    # the old read answers now
        await settle(pilot)
        assert log_keys(tab) == [f"{DAY}:2", f"{DAY}:1"]
        assert "新来" in str(tab.query_one("#log", DataTable).get_row_at(0))


async def test_step_back_to_an_earlier_day(store, volunteer, gate_day, settle, open_tab):
    gate_day.set(NOW - dt.timedelta(days=2))
    cp.log_entry(store, volunteer, GATE, entry(name="前天"))
    gate_day.set(NOW)
    cp.log_entry(store, volunteer, GATE, entry(name="今天"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+pageup")
        await settle(pilot)
        assert log_keys(tab) == ["2026-03-03:1"]
        assert "2026-03-03" in str(tab.query_one("#cp-status", Static).render())
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert log_keys(tab) == [f"{DAY}:1"]


async def test_shift_open_handover_and_next_volunteer_sees_it(store, volunteer, leader, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert shifts.current_shift(store, GATE)["opened_by"] == volunteer.name
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.shift_label == "志愿者乙 10:00–"
        cp.log_entry(store, volunteer, GATE, entry(temp="38.0"))
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "Fevers 1" in str(pilot.app.screen.query_one("#shift-counts", Static).render())
        pilot.app.screen.query_one("#handover", Input).insert_text_at_cursor("巷道二围挡松了")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shifts.current_shift(store, GATE) is None
        assert pilot.app.shift_label == ""
        assert tab.is_attached
    assert shifts.last_handover(store, GATE)["handover"] == "巷道二围挡松了"
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        assert any("last handover (志愿者乙, 03-05 10:00): 巷道二围挡松了" in n.message
                   for n in pilot.app._notifications)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert "巷道二围挡松了" in str(pilot.app.screen.query_one("#shift-last", Static).render())


@pytest.mark.parametrize("lang,note", [
    ("en", "the barrier in lane two is loose, call the property office before noon; " * 6),
    ("zh", "巷道二围挡松了，中午前给物业打电话；三号楼有两户居家隔离，门磁要每天看一次。" * 6)])
async def test_a_long_handover_note_is_a_short_toast_clear_of_the_form(
        store, volunteer, leader, settle, open_tab, lang, note):
    """The last note shows at sign-in in three lines for ten seconds, under
    the form at 80x24, and points to Ctrl+Y, where it is in full."""
    shifts.open_shift(store, volunteer, GATE)
    shifts.close_shift(store, volunteer, GATE, note[:500])
    app = DeskApp(store, actor=leader, gate=GATE, lang=lang)
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            tab = await open_tab(pilot, "checkpoint")
            await settle(pilot)
            (shown,), (toast,) = pilot.app._notifications, pilot.app.screen.query(Toast)
            kept = shifts.last_handover(store, GATE)["handover"]   # as the domain kept it
            assert kept[:20] in shown.message and "Ctrl+Y" in shown.message
            assert shown.timeout <= 10
            assert toast.region.height <= 5          # three lines in its padding
            for field in tab.query(Input):
                assert not toast.region.overlaps(field.region), field.id
            await pilot.press("ctrl+y")
            await settle(pilot)
            assert kept in str(pilot.app.screen.query_one("#shift-last", Static).render())
    finally:
        i18n.set_lang("en")


async def test_export_from_the_tab(store, volunteer, settle, open_tab):
    cp.log_entry(store, volunteer, GATE, entry())
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+e")
        await settle(pilot)
    [path] = (store.root / "exports").glob(f"checkpoint-{DAY}-*.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["D2"].value == "王伟" and sheet["E2"].data_type == "s"


async def test_gates_screen_leader_only(store, volunteer, leader, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("down", "space", "ctrl+s")
        await settle(pilot)
        assert "Only a leader" in str(pilot.app.screen.query_one("#message", Label).render())
    assert gates.open_gates(store) == [GATE]
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("down", "space", "ctrl+s")
        await settle(pilot)
    assert gates.open_gates(store) == [GATE, "东门"]


async def test_no_preselected_outcome_or_purpose_saving_asks_for_them(store, volunteer, settle,
                                                                      open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert tab.query_one("#purpose", Select).is_blank() and tab.query_one("#outcome", Select).is_blank()
        await type_into(pilot, tab, "name", "李四")
        await type_into(pilot, tab, "door", "1-302")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Pick the purpose" in str(tab.query_one("#err-purpose", Label).render())
        assert pilot.app.focused.id == "purpose"
        await pilot.press("4")  # digits pick in the numbered list: 4 medical
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Pick the outcome" in str(tab.query_one("#err-outcome", Label).render())
        assert cp.entries(store, DAY) == []
        # an outcome key works from a text box without typing into it
        tab.query_one("#name", Input).focus()
        await pilot.press("f6", "ctrl+s")
        await settle(pilot)
        saved = cp.entries(store, DAY)
        assert [(e["name"], e["purpose"], e["outcome"]) for e in saved] == [("李四", "medical", "allowed")]


async def test_outcome_keys_are_in_the_footer(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(120, 24)) as pilot:
        await open_tab(pilot, "checkpoint")
        shown = {b.binding.key: b.binding.description for b in pilot.app.screen.active_bindings.values()
                 if b.binding.show}
        assert (shown["f6"], shown["f7"], shown["f8"]) == ("allowed", "turned away", "proxy buy")


async def test_esc_on_a_filled_form_asks_first(store, volunteer, settle, open_tab):
    from screens.widgets.confirm import ConfirmScreen
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "name", "李四")
        await pilot.press("f7", "escape")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        assert tab.query_one("#name", Input).value == "李四"
        assert tab.query_one("#outcome", Select).value == "turned_away"
        await pilot.press("escape", "enter")  # Enter is not a yes
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        assert tab.query_one("#name", Input).value == "" and tab.query_one("#outcome", Select).is_blank()
        assert pilot.app.focused.id == "name"


async def test_a_stale_error_goes_with_esc_and_tab_switches(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await pilot.press("ctrl+s")
        await settle(pilot)
        err = tab.query_one("#err-name", Label)
        assert "name or an organisation" in str(err.render())
        await pilot.press("escape")  # nothing typed: clears at once, the message too
        assert str(err.render()) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f2", "f1")
        await settle(pilot)
        assert str(err.render()) == ""


async def test_the_next_volunteer_takes_over_and_the_header_says_whose_shift(store, volunteer, leader,
                                                                             settle, open_tab):
    shifts.open_shift(store, volunteer, GATE)
    async with DeskApp(store, actor=leader, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        assert pilot.app.shift_label == "志愿者乙 10:00–"
        await type_into(pilot, tab, "name", "李四")
        await pilot.press("f6", "tab", "tab", "1", "ctrl+s")  # purpose 1
        await settle(pilot)
        assert cp.entries(store, DAY)[0]["shift"] == shifts.current_shift(store, GATE)["id"]
        assert pilot.app.shift_label == "组长甲 10:00–"
        assert any("took over 志愿者乙's shift" in n.message for n in pilot.app._notifications)


async def test_direction_is_a_numbered_list_after_the_temperature(store, volunteer, settle, open_tab):
    """Name, door, purpose, temperature, then which way: 2 = out (no list to open)."""
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await type_into(pilot, tab, "name", "李四")
        await pilot.press("tab", *"1-302", "tab", "4", "tab", *"36.6", "tab", "2", "f6", "ctrl+s")
        await settle(pilot)
        [e] = cp.entries(store, DAY)
        assert (e["door"], e["purpose"], e["temp"], e["direction"], e["outcome"]) == (
            "1-302", "medical", 36.6, "out", "allowed")
        assert tab.query_one("#direction", Select).value == "in"   # the next one starts at in again


async def test_a_numbered_list_shows_its_choices_on_the_info_line(store, volunteer, settle, open_tab):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        tab.query_one("#purpose", Select).focus()
        await pilot.pause()
        info = str(tab.query_one("#cp-info", Static).render())
        assert "4 medical" in info and "1 shopping" in info
        tab.query_one("#name", Input).focus()
        await settle(pilot)
        assert "medical" not in str(tab.query_one("#cp-info", Static).render())


@pytest.mark.parametrize("size, whole", [((80, 24), False), ((130, 40), True)])
async def test_a_wide_terminal_shows_more_of_each_entry(store, volunteer, settle, open_tab, size, whole):
    """At 80 columns a long name is cut; on a wide terminal the log uses the room."""
    cp.log_entry(store, volunteer, GATE, entry(name="欧阳建国明", door="", org="市第一人民医院"))
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=size) as pilot:
        tab = await open_tab(pilot, "checkpoint")
        await settle(pilot)
        table = tab.query_one("#log", DataTable)
        cells = [str(table.get_cell(f"{DAY}:1", col)) for col in ("name", "where")]
        assert (cells == ["欧阳建国明", "市第一人民医院"]) is whole, cells


async def test_zh_purposes_are_drawn_whole_in_the_list_and_the_box(store, volunteer, settle, open_tab):
    """Each purpose keeps both its characters: 1 购物 was once drawn 1 购."""
    for name, purpose in (("王伟", "buy"), ("李娜", "medical"), ("张三", "work")):   # CJK under the list
        cp.log_entry(store, volunteer, GATE, entry(name=name, purpose=purpose))
    app = DeskApp(store, actor=volunteer, gate=GATE, lang="zh")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            tab = await open_tab(pilot, "checkpoint")
            purpose = tab.query_one("#purpose", Select)
            purpose.focus()
            await pilot.press("enter")                  # the list, open over the log
            await settle(pilot)
            shown = screen_lines(app)
            for label in ("1 购物", "4 就医"):
                assert sum(label in line for line in shown) == 2, shown   # in the list and the choices line
            await pilot.press("4")                      # picked: the closed box shows it
            await settle(pilot)
            assert not purpose.expanded and "4 就医" in screen_lines(app)[purpose.region.y]
    finally:
        i18n.set_lang("en")
