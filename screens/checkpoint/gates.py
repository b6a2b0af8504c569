"""Leaders' lists: the gates (Ctrl+G) and the purchase requests made at the gate (Ctrl+B)."""

from __future__ import annotations


from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from console.checkpoint import gate as cp, gates as gate_setting
from console.core import i18n
from screens.widgets.find_box import FIND, FindBox, keep
from screens.widgets.paged_table import PagedTable, Table
from screens.widgets.writes import write
from screens.widgets.footer import DeskFooter


class GatesScreen(ModalScreen[None]):
    """Gate names and which are open (leaders change them; the domain refuses others)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", i18n.t("checkpoint.key.close")),
        Binding("space", "toggle", i18n.t("checkpoint.key.toggle")),
        Binding("ctrl+a", "add", i18n.t("checkpoint.key.add"), priority=True),
        Binding("delete", "remove", i18n.t("checkpoint.key.remove")),
        Binding("ctrl+s", "save", i18n.t("checkpoint.key.save"), priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("checkpoint.gates.title"), classes="title")
            yield Table(id="gates", cursor_type="row")
            yield Input(id="gate-name", max_length=12, placeholder=i18n.t("checkpoint.gates.new"))
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def __init__(self, gates: list[dict]) -> None:
        """``gates``: as :meth:`read` found them before it opened (in a worker)."""
        super().__init__()
        self.gates = gates

    @staticmethod
    def read(store) -> list[dict]:
        return gate_setting.gates(store)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(i18n.t("checkpoint.col.name"), key="name")
        table.add_column(i18n.t("checkpoint.gates.open"), key="open")
        self.redraw()
        table.focus()

    def redraw(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for g in self.gates:
            table.add_row(g["name"], i18n.t("checkpoint.gates.open" if g["open"]
                                            else "checkpoint.gates.closed"))
        table.move_cursor(row=min(row, max(0, len(self.gates) - 1)))

    def action_toggle(self) -> None:
        table = self.query_one(DataTable)
        if self.focused is table and self.gates:
            g = self.gates[table.cursor_row]
            g["open"] = not g["open"]
            self.redraw()

    def action_add(self) -> None:
        name = self.query_one("#gate-name", Input).value.strip()
        if name:
            self.gates.append({"name": name, "open": False})
            self.query_one("#gate-name", Input).value = ""
            self.redraw()

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        if self.focused is table and self.gates:
            del self.gates[table.cursor_row]
            self.redraw()

    def action_save(self) -> None:
        app, gates = self.app, [dict(g) for g in self.gates]
        write(self, lambda: gate_setting.set_gates(app.store, app.actor, gates), self._saved,
              lambda exc: self.query_one("#message", Label).update(str(exc)))

    def _saved(self, _) -> None:
        self.notify(i18n.t("checkpoint.gates.saved"))
        self.dismiss(None)


class RequestsScreen(ModalScreen[None]):
    """Purchase requests made at the gate (until the Purchases tab takes them),
    every one of them: the table holds the window in sight."""

    BINDINGS = [Binding("escape", "dismiss(None)", i18n.t("checkpoint.key.close")), FIND]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(i18n.t("checkpoint.req.title"), classes="title")
            yield PagedTable(id="requests", cursor_type="row")
            yield FindBox("#requests")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        for key, label in (("no", "checkpoint.req.no"), ("time", "checkpoint.col.time"),
                           ("door", "checkpoint.col.where"), ("person", "checkpoint.req.person"),
                           ("phone", "checkpoint.ui.phone"), ("status", "checkpoint.req.status")):
            table.add_column(i18n.t(label), key=key)
        self.show()
        table.focus()

    def action_find(self) -> None:
        self.query_one(FindBox).open()

    @on(FindBox.Changed)
    def show(self) -> None:
        """Read the requests the find box keeps in the table's worker, one window at a time."""
        text = self.query_one(FindBox).text

        def window(start: int, count: int) -> tuple[int, list]:
            rows, problem = keep(cp.requests(self.app.store), text, who=("person",))
            self.app.call_from_thread(self._say, text, problem)
            return len(rows), [(str(r["id"]), _cells(r)) for r in rows[start:start + count]]
        table = self.query_one(PagedTable)
        table.fetch = window
        table.reload(start=0, cursor=0)

    def _say(self, text: str, problem: str) -> None:
        box = self.query_one(FindBox)
        if box.is_attached and box.text == text:   # not a find typed over since
            box.say(problem)


def _cells(r: dict) -> tuple:
    at = str(r.get("at") or "")
    return (r.get("no") or "—", at[5:16].replace("T", " ") or "—", r.get("door") or r.get("org", ""),
            r.get("person", ""), r.get("phone", ""), i18n.t(f"purchases.status.{r.get('status', 'new')}"))
