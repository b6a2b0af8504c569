"""The Errands & passes tab and the gate scan field, driven with Pilot at 80x24."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Label, Static

from app import DeskApp
from console.errands import errand as errands, passes
from screens.widgets.confirm import ConfirmScreen
from screens.errands.qr import QrScreen, qr_text
from screens.errands.request import RequestScreen
from screens.widgets.text_prompt import TextPrompt
from screens.errands.scan import ScanField, ScanPanel, VerdictView
from tests.errand_helpers import T0, issued, make_errand
from tests import needs
from tests.keys import burst
from screens.errands.rows import FILTERS
from tests.ui.rendered import widget_text as _text


async def test_request_form_validates_and_saves(store, volunteer, clk, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RequestScreen)
        await pilot.press(*"9-999")
        await pilot.pause()
        assert "9-999" in _text(form.query_one("#e-door", Label))
        # saving is blocked while invalid, and what was typed stays
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestScreen)
        assert form.query_one("#f-door", Input).value == "9-999"
        form.query_one("#f-door", Input).value = "1栋102"
        form.query_one("#f-purpose", Input).value = "买奶粉"
        form.query_one("#f-end", Input).value = "09:00"      # before the start
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RequestScreen)
        assert "end after it starts" in _text(form.query_one("#e-end", Label))
        form.query_one("#f-end", Input).value = "11:30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RequestScreen)
    e = errands.get(store, 1)
    assert (e["door"], e["person"], e["purpose"], e["state"]) == ("1-102", "户主1102", "买奶粉",
                                                                 "requested")


@needs.font
async def test_volunteer_cannot_approve_leader_can_then_print(store, leader, volunteer, clk, open_tab):
    make_errand(store, volunteer)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        assert tab.query_one(DataTable).row_count == 1
        tab._approve(errands.get(store, 1))  # the key is hidden from volunteers; the domain still refuses
        await pilot.pause()
        assert "Only a leader" in _text(tab.query_one("#errand-message", Label))
    assert errands.get(store, 1)["state"] == "requested"

    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        await pilot.press("a")  # asks first: n keeps it requested, y approves
        assert isinstance(app.screen, ConfirmScreen) and "Approve errand 1" in _text(
            app.screen.query_one(Static))
        await pilot.press("n")
        assert errands.get(store, 1)["state"] == "requested"
        await pilot.press("a", "y")
        assert errands.get(store, 1)["state"] == "approved"
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        e = errands.get(store, 1)
        assert e["state"] == "issued" and e["pass_gen"] == 1
        assert list((store.root / "slips").glob("e00001-*.png"))
        assert "Saved 1 slip" in _text(tab.query_one("#errand-message", Label))
        # reprint asks first, then bumps the generation
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert errands.get(store, 1)["pass_gen"] == 2
        assert passes.verify(store, e["code"]).kind == "replaced"
        # on-screen QR
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, QrScreen)
        await pilot.press("escape")
        await pilot.pause()


@needs.font
async def test_approve_print_and_show_typed_at_once_land_in_order(store, leader, volunteer, clk,
                                                                   open_tab, settle):
    """The approval and the print write in workers; the keys typed after
    them wait, so p prints the errand just approved and s shows its new pass."""
    make_errand(store, volunteer)
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        burst(app, "a", "y", "p", "s")
        await settle(pilot)
        e = errands.get(store, 1)
        assert (e["state"], e["pass_gen"]) == ("issued", 1)
        assert "Saved 1 slip" in _text(tab.query_one("#errand-message", Label))
        assert isinstance(app.screen, QrScreen) and app.screen.errand["code"] == e["code"]


async def test_reject_and_revoke_ask_for_a_reason(store, leader, volunteer, clk, open_tab):
    make_errand(store, volunteer)
    issued(store, leader, volunteer, door="1-102")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        table = tab.query_one(DataTable)
        assert [k.value for k in table.rows] == ["2", "1"]     # newest first
        await pilot.press("v")                                # revoke no. 2
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")                            # empty reason: refused
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"升级封闭", "enter")
        await pilot.pause()
        assert errands.get(store, 2)["state"] == "revoked"
        assert "2" not in [k.value for k in table.rows]       # left the in-progress list
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("escape")                           # cancel: nothing changes
        await pilot.pause()
        assert errands.get(store, 1)["state"] == "requested"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"代购", "enter")
        await pilot.pause()
        assert errands.get(store, 1)["state"] == "rejected"
        await pilot.press("f")        # filter: requested ... cycle to all
        for _ in range(len(FILTERS) - 2):
            await pilot.press("f")
        await pilot.pause()
        assert tab.filter == "all" and table.row_count == 2


async def test_other_sessions_writes_show_up(store, leader, volunteer, clk, open_tab, settle):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await open_tab(pilot, "errands")
        assert tab.query_one(DataTable).row_count == 0
        make_errand(store, volunteer)     # as if from another desk
        app._poll()  # the store is asked in a worker
        await settle(pilot)   # the poll's worker, StoreChanged, the reload
        assert tab.query_one(DataTable).row_count == 1


async def test_gate_scan_from_errands_tab(store, leader, volunteer, clk, open_tab):
    e = issued(store, leader, volunteer)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        await pilot.press("g")
        await pilot.pause()
        field = app.screen.query_one(ScanField)
        assert field.has_focus
        wide = "".join(chr(ord(c) - 0x30 + 0xFF10) for c in e["code"])   # full-width, via an IME
        await pilot.press(*wide, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen.query_one(VerdictView)
        assert view.has_class("ok") and "VALID" in _text(view) and "张三" in _text(view)
        assert field.value == ""
    assert errands.get(store, e["number"])["state"] == "out"
    log = store.table("checkpoint", day=T0.date().isoformat()).all()
    assert [r["direction"] for r in log] == ["out"]


class _Host(App):
    """Stands in for the checkpoint tab: composes the bare ScanField."""

    def __init__(self, store, actor, gate, panel: bool):
        super().__init__()
        self.store, self.actor, self.gate, self.panel = store, actor, gate, panel
        self.scanned: list[passes.Verdict] = []

    def compose(self) -> ComposeResult:
        yield ScanPanel() if self.panel else ScanField()

    def on_scan_field_scanned(self, message: ScanField.Scanned) -> None:
        self.scanned.append(message.verdict)


@pytest.mark.parametrize("panel", [False, True])
async def test_scan_field_verdicts(store, leader, volunteer, clk, panel):
    e = issued(store, leader, volunteer)
    app = _Host(store, volunteer, "西门", panel)
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(ScanField)
        field.focus()
        view = app.query_one(VerdictView)

        async def scan(text: str) -> None:
            field.value = text          # the scanner's burst, then its Enter
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()

        bad = e["code"][:10] + str((int(e["code"][10]) + 1) % 10) + e["code"][11:]
        await scan(bad)
        assert view.has_class("warn") and "Typo" in _text(view)
        await scan(e["code"])
        assert view.has_class("ok") and "OUT" in _text(view)
        await scan(e["code"])
        assert view.has_class("bad") and "already used" in _text(view)
        clk.advance(minutes=40)
        await scan(e["code"])
        assert view.has_class("ok") and "IN" in _text(view)
        assert [v.kind for v in app.scanned] == ["typo", "valid_out", "already_used", "valid_in"]
    scans = store.table("scans", day=T0.date().isoformat()).all()
    assert [s["verdict"] for s in scans] == ["typo", "valid_out", "already_used", "valid_in"]
    assert errands.get(store, e["number"])["state"] == "back"


def test_qr_text_is_black_on_white_half_blocks(store, leader, volunteer, clk):
    e = issued(store, leader, volunteer)
    text = qr_text(e["code"])
    lines = text.plain.split("\n")
    assert len(lines) == 19 and all(len(line) == 37 for line in lines)
    colours = {(str(s.style.color.name), str(s.style.bgcolor.name)) for s in text.spans}
    assert colours <= {(a, b) for a in ("#000000", "#ffffff") for b in ("#000000", "#ffffff")}


async def test_empty_request_marks_every_mistake_at_once(store, volunteer, clk, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        await pilot.press("n")
        form = app.screen
        form.query_one("#f-start", Input).value = ""
        form.query_one("#f-phone", Input).value = "123"
        await pilot.press("ctrl+s")
        marked = {name for name in ("door", "person", "phone", "purpose", "start")
                  if _text(form.query_one(f"#e-{name}", Label)).strip()}
        assert marked == {"door", "person", "phone", "purpose", "start"}
        assert app.focused.id == "f-door" and errands.all_errands(store) == []


async def test_esc_on_a_typed_request_asks_before_closing(store, volunteer, clk, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "errands")
        await pilot.press("n", "escape")  # nothing typed (the proposed times do not count): closes
        assert not isinstance(app.screen, (RequestScreen, ConfirmScreen))
        await pilot.press("n", *"1-101", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, RequestScreen)
        assert app.screen.query_one("#f-door", Input).value == "1-101"
        await pilot.press("escape", "y")
        assert not isinstance(app.screen, (RequestScreen, ConfirmScreen))
