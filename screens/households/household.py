"""One household opened (Enter/o): members, phone unmasked (the opening is logged), the mark and its history."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.core import clock
from console.households import registry as hh, marks
from console.core.i18n import DomainError
from screens.widgets.confirm import ConfirmScreen, ask_to_discard
from screens.widgets.form import FormRow
from console.core.i18n import t
from screens.households.cells import colour_text
from screens.widgets.footer import DeskFooter
from screens.widgets.validation import DomainCheck
from screens import messages
from screens.widgets.writes import write


def _error_for(view, exc: DomainError, default: str = "#message") -> None:
    """Show a DomainError under its field (``#err-<field>``) or the view's message."""
    target = view.query(f"#err-{exc.field}") if exc.field else []
    label = target.first() if target else view.query_one(default, Label)
    label.update(str(exc))

class HouseholdScreen(ModalScreen[None]):
    """One household opened: unmasked phone and mark, its mark history, and
    (for leaders) the mark form."""

    BINDINGS = [
        Binding("escape", "close", t("hh.key.close")),
        Binding("ctrl+s", "save", t("hh.key.save_mark")),
        Binding("ctrl+g", "clear", t("hh.key.clear_mark")),
        Binding("ctrl+y", "toggle_home", t("hh.key.toggle")),
    ]

    def __init__(self, door: str):
        super().__init__()
        self.door = door
        self.record: dict = {}   # until the first read arrives
        self.initial: tuple = ()  # the mark form as shown: Esc asks only when it was changed

    def compose(self) -> ComposeResult:
        leader = self.app.actor.is_leader
        today = clock.today().isoformat()
        with Vertical(classes="modal-card"):
            yield Static("", id="rec-title", classes="title", markup=False)
            yield Static("", id="rec-body", markup=False)
            yield Static("", id="rec-mark", markup=False)
            yield VerticalScroll(Static("", id="rec-history", markup=False), id="rec-history-box")
            if not leader:
                yield Label(t("hh.leaders_only"), classes="hh-note")
            with FormRow():
                with Vertical():
                    yield Select([(t(f"hh.opt.{c}"), c) for c in marks.COLOURS],
                                 id="colour", allow_blank=False, value="yellow", disabled=not leader)
                    yield Label("", id="err-colour", classes="error")
                with Vertical():
                    yield Input(id="review", placeholder=t("hh.review") + " 3-19",
                                validators=[DomainCheck(marks.review_date)], disabled=not leader)
                    yield Label("", id="err-review", classes="error")
            with FormRow():
                with Vertical(classes="hh-wide"):
                    yield Input(id="reason", placeholder=t("hh.reason"), max_length=60,
                                disabled=not leader)
                    yield Label("", id="err-reason", classes="error")
                with Vertical():
                    yield Input(today, id="since", placeholder=t("hh.since"),
                                validators=[DomainCheck(marks.since_date)], disabled=not leader)
                    yield Label("", id="err-since", classes="error")
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def on_mount(self) -> None:
        for key, title in (("colour", "hh.col.colour"), ("review", "hh.review"),
                           ("reason", "hh.reason"), ("since", "hh.since")):
            self.query_one(f"#{key}").border_title = t(title)
        if self.app.actor.is_leader:
            self.query_one("#colour", Select).focus()  # the mark form's first field
        self.initial = self._form()
        self.load(opening=True)
        messages.watch(self, lambda: [("households", None), ("marks", None)])

    def _form(self) -> tuple:
        """What the mark form holds: colour, review, reason, since."""
        return (self.query_one("#colour", Select).value,
                *(self.query_one(f"#{key}", Input).value for key in ("review", "reason", "since")))

    def action_close(self) -> None:
        """Esc: closes at once, or asks first when the mark form was changed."""
        ask_to_discard(self.app, self._form() != self.initial, self.dismiss)

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.load()

    def load(self, opening: bool = False) -> None:
        """Read the record in a worker; opening it is logged (a write), and
        the keys typed meanwhile wait for it to show."""
        app, door = self.app, self.door
        if opening:
            write(self, lambda: marks.open_record(app.store, app.actor, door), self._show,
                  lambda exc: _error_for(self, exc))
        else:
            self._read()

    @work(thread=True, exclusive=True, group="household-read")
    def _read(self) -> None:
        rec = marks.read_record(self.app.store, self.door)
        self.app.call_from_thread(lambda: self.is_attached and self._show(rec))

    def _show(self, rec: dict) -> None:
        home = t("households.home" if rec.get("at_home", True) else "households.away")
        self.query_one("#rec-title", Static).update(t("hh.record_title", door=rec["door"], head=rec["head"]))
        self.query_one("#rec-body", Static).update(t(
            "hh.record_body", building=rec["building"], unit=rec.get("unit", 1), floor=rec["floor"],
            members=rec["members"], phone=rec.get("phone") or "—", grid=rec["grid"], home=home))
        m = rec["mark"]
        mark_line = Text(t("hh.record_nomark"))
        if m:
            mark_line = colour_text(m["colour"], long=True) + Text(" " + t(
                "hh.record_mark", reason=m["reason"], since=m["since"], review=m["review"],
                by=m.get("by", "")))
        self.query_one("#rec-mark", Static).update(mark_line)
        lines = [t("hh.history_line", at=h["at"][:16].replace("T", " "), by=h.get("by", ""),
                   action=t(f"marks.action.{h['action']}"),
                   colour=marks.colour_name(h["colour"] or h.get("before")), reason=h["reason"],
                   review=h["review"]) for h in reversed(rec["history"])]
        self.query_one("#rec-history", Static).update("\n".join(lines))
        if m and not self.query_one("#reason", Input).value:
            self.query_one("#colour", Select).value = m["colour"]
            self.query_one("#reason", Input).value = m["reason"]
            self.query_one("#review", Input).value = m["review"]
            self.query_one("#since", Input).value = m["since"]
            self.initial = self._form()
        self.record = rec

    def _clear_errors(self) -> None:
        for label in self.query(".error"):
            label.update("")

    def action_save(self) -> None:
        self._clear_errors()
        if self.app.actor.is_leader:
            bad = False
            for key in ("review", "since"):
                field = self.query_one(f"#{key}", Input)
                result = field.validate(field.value)
                if result is not None and not result.is_valid:
                    bad = True
                    self.query_one(f"#err-{key}", Label).update("; ".join(result.failure_descriptions))
            if bad:  # saving is blocked while a field is invalid
                self.query_one("#message", Label).update(t("hh.fix_fields"))
                return
        app, door = self.app, self.door
        colour, reason, review, since = (str(self.query_one("#colour", Select).value),
                                         self.query_one("#reason", Input).value,
                                         self.query_one("#review", Input).value,
                                         self.query_one("#since", Input).value or None)
        self._write(lambda: marks.set_mark(app.store, app.actor, door, colour, reason, review,
                                           since=since))

    def _write(self, work: Callable[[], object]) -> None:
        """A mark change or home / away in a worker; then the record again."""
        write(self, work, self._saved, lambda exc: _error_for(self, exc))

    def _saved(self, _) -> None:
        self.query_one("#message", Label).update(t("hh.saved"))
        self.initial = self._form()   # saved: nothing left to lose
        self.load()

    def action_clear(self) -> None:
        self._clear_errors()
        mark = self.record.get("mark")
        reason = self.query_one("#reason", Input).value
        app, door = self.app, self.door
        if not self.app.actor.is_leader or not mark:   # the domain says why not
            self._write(lambda: marks.clear_mark(app.store, app.actor, door, reason))
            return
        if mark and reason == mark["reason"]:
            reason = ""
        if not reason.strip():
            self.query_one("#err-reason", Label).update(t("marks.no_reason"))
            self.query_one("#reason", Input).value = ""
            self.query_one("#reason", Input).focus()
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._write(lambda: marks.clear_mark(app.store, app.actor, door, reason))

        self.app.push_screen(ConfirmScreen(t("hh.confirm_clear", door=self.door,
                                             colour=marks.colour_name(mark["colour"]),
                                             reason=reason)), done)

    def action_toggle_home(self) -> None:
        app, door, home = self.app, self.door, not self.record.get("at_home", True)
        write(self, lambda: hh.set_at_home(app.store, app.actor, door, home),
              lambda _: self.load(), lambda exc: _error_for(self, exc))
