"""Small modals the views open: jump to a door, pick a member, name a new grid."""

from __future__ import annotations


from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.core import operators
from console.households import registry as hh
from screens.widgets.footer import DeskFooter
from screens.widgets.name_select import NameSelect
from screens.widgets.writes import write
from console.core.i18n import t


class DoorScreen(ModalScreen[str | None]):
    """Type a door (5-302, 5栋302...) to jump to it."""

    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.key.goto"), classes="title")
            yield Input(id="door", placeholder="5-302", max_length=20)
            yield Label("", id="err-door", classes="error")
        yield DeskFooter()

    @on(Input.Submitted, "#door")
    def _go(self, event: Input.Submitted) -> None:
        store, text = self.app.store, event.value
        write(self, lambda: hh.find(store, text)["door"], self.dismiss,
              lambda exc: self.query_one("#err-door", Label).update(str(exc)))


class PickMemberScreen(ModalScreen[str | None]):
    """Pick an active roster member (or none) for a grid or building role."""

    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def __init__(self, what: str, names: list[str], current: str = ""):
        """``names``: the active roster, read before it opens (:meth:`read`, in a worker)."""
        super().__init__()
        self.what, self.names, self.current = what, names, current

    @staticmethod
    def read(store) -> list[str]:
        return [m["name"] for m in operators.roster(store, active_only=True)]

    def compose(self) -> ComposeResult:
        options = [(t("hh.pick_none"), "")] + [(n, n) for n in self.names]
        self.initial = self.current if self.current in self.names else ""
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.pick_title", what=self.what), classes="title")
            yield NameSelect(options, id="member", allow_blank=False, value=self.initial)
            yield Static(t("hh.pick_hint"), markup=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(Select).focus()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if not self.query_one(Select).expanded and event.value != self.initial:
            self.dismiss(str(event.value))


class NewGridScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", t("hh.key.close"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="hh-dialog"):
            yield Static(t("hh.new_grid"), classes="title")
            yield Input(id="grid", max_length=12)
            yield Label("", id="err-grid", classes="error")
        yield DeskFooter()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        app, grid = self.app, event.value
        write(self, lambda: hh.add_grid(app.store, app.actor, grid), lambda _: self.dismiss(grid),
              lambda exc: self.query_one("#err-grid", Label).update(str(exc)))
