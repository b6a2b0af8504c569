"""Shifts: taking over the gate, handing over with a note, signing out."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from console.checkpoint import shifts
from console.core import i18n
from screens.checkpoint.inside import inside_names
from screens.widgets.writes import write
from screens.widgets.footer import DeskFooter


class ShiftScreen(ModalScreen[None]):
    """The gate's shift: open, live counts, who is out, handover note, close."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", i18n.t("checkpoint.key.close")),
        Binding("ctrl+n", "open_shift", i18n.t("checkpoint.key.open_shift"), priority=True),
        Binding("ctrl+s", "close_shift", i18n.t("checkpoint.key.close_shift"), priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("checkpoint.shift.title", gate=self.app.gate), classes="title")
            yield Static("", id="shift-now")
            yield Static("", id="shift-counts")
            yield Static("", id="shift-errands")
            yield Static("", id="shift-inside")
            yield Static("", id="shift-last")
            yield Label(i18n.t("checkpoint.shift.note"))
            yield Input(id="handover", max_length=500)
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.refresh_info()
        self.query_one("#handover", Input).focus()

    @work(thread=True, exclusive=True)
    def refresh_info(self) -> None:
        store, gate = self.app.store, self.app.gate
        shift = shifts.current_shift(store, gate)
        counts = shifts.shift_counts(store, gate, shift["opened_at"]) if shift else None
        out = shifts.out_on_errand(store, gate)
        last = shifts.last_handover(store, gate)
        who = inside_names(store)
        self.app.call_from_thread(self._show, shift, counts, out, last, who)

    def _show(self, shift, counts, out, last, who: str = "") -> None:
        self.query_one("#shift-inside", Static).update(who)
        self.query_one("#shift-now", Static).update(
            i18n.t("checkpoint.shift.now", who=shift["opened_by"],
                   since=shift["opened_at"][5:16].replace("T", " "))
            if shift else i18n.t("checkpoint.shift.none"))
        self.query_one("#shift-counts", Static).update(
            i18n.t("checkpoint.shift.counts", total=counts["total"], fevers=counts["fevers"],
                   passes_out=counts["passes_out"], passes_in=counts["passes_in"],
                   **counts["outcomes"]) if counts else "")
        names = "、".join(f"{e.get('name', '')}({str(e.get('at', ''))[11:16]})" for e in out[:12])
        self.query_one("#shift-errands", Static).update(
            i18n.t("checkpoint.shift.errands", n=len(out), names=names or "—"))
        self.query_one("#shift-last", Static).update(
            i18n.t("checkpoint.shift.last", who=last["closed_by"],
                   at=last["closed_at"][5:16].replace("T", " "), note=last["handover"] or "—")
            if last else i18n.t("checkpoint.shift.no_last"))

    def action_open_shift(self) -> None:
        """Open a shift; someone else's open shift is taken over, with the
        note typed below as their handover (what they said, or nothing)."""
        app, note = self.app, self.query_one("#handover", Input).value
        write(self, lambda: shifts.open_shift(app.store, app.actor, app.gate, note), self._opened,
              lambda exc: self.query_one("#message", Label).update(str(exc)))

    def _opened(self, _) -> None:
        self.notify(i18n.t("checkpoint.shift.opened"))
        self.refresh_info()

    def action_close_shift(self) -> None:
        close_with_note(self, lambda: self.dismiss(None))


def close_with_note(screen: ModalScreen, then: Callable[[], object]) -> None:
    """Close the gate's shift with the note in the screen's #handover box (in
    a worker), then ``then()``; a refusal goes to its #message line."""
    app, note = screen.app, screen.query_one("#handover", Input).value

    def closed(_) -> None:
        screen.notify(i18n.t("checkpoint.shift.closed"))
        then()
    write(screen, lambda: shifts.close_shift(app.store, app.actor, app.gate, note), closed,
          lambda exc: screen.query_one("#message", Label).update(str(exc)))


class SignOutScreen(ModalScreen[bool]):
    """Signing out while the gate's shift is yours: close it with a handover
    note (Ctrl+S or Enter), or leave it open for the next one to take over
    (Ctrl+O); Esc stays signed in. Dismisses True when the volunteer goes."""

    BINDINGS = [
        Binding("ctrl+s", "close_and_go", i18n.t("checkpoint.key.close_and_go"), priority=True),
        Binding("ctrl+o", "dismiss(True)", i18n.t("checkpoint.key.leave_open"), priority=True),
        Binding("escape", "dismiss(False)", i18n.t("checkpoint.key.stay")),
    ]

    def __init__(self, shift: dict) -> None:
        super().__init__()
        self.shift = shift

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("checkpoint.signout.title", gate=self.app.gate,
                                since=self.shift["opened_at"][5:16].replace("T", " ")),
                         classes="title", markup=False)
            yield Label(i18n.t("checkpoint.signout.note"))
            yield Input(id="handover", max_length=500)
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#handover", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_close_and_go()

    def action_close_and_go(self) -> None:
        close_with_note(self, lambda: self.dismiss(True))
