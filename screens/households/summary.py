"""The community summary (s): households, marks and the roll per building."""

from __future__ import annotations


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.households import roll
from screens.widgets.footer import DeskFooter
from screens import export
from console.core.i18n import t
from screens.widgets.writes import write
from screens.widgets.paged_table import PagedTable, Table


class SummaryScreen(ModalScreen[None]):
    """Per-grid and per-building roll summary, and the not-reported list."""

    BINDINGS = [Binding("escape", "dismiss", t("hh.key.close")),
                Binding("c", "copy", t("hh.key.copy")),
                export.binding("roll", "e", named=True),
                export.binding("not-reported", "u", named=True)]

    def __init__(self, day: str):
        super().__init__()
        self.day = day

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-card"):
            yield Static(t("hh.summary_title", day=self.day), classes="hh-line", markup=False)
            yield Table(id="summary", cursor_type="row", zebra_stripes=True)
            yield Static("", id="missing-title", classes="hh-line", markup=False)
            yield PagedTable(self._missing, id="missing", cursor_type="row")   # every one, a window at a time
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#summary", DataTable)
        for key in ("grid", "households", "away", "expected", "normal", "fever", "missing"):
            table.add_column(t(f"hh.col.{key}" if key != "grid" else "hh.col.building"), key=key)
        miss = self.query_one("#missing", DataTable)
        for key in ("door", "head", "phone", "grid"):
            miss.add_column(t(f"hh.col.{key}"), key=key)
        self.load()
        miss.reload(start=0)

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        s = roll.summary(self.app.store, self.day)
        self.app.call_from_thread(self._show, s)

    def _missing(self, start: int, count: int) -> tuple[int, list]:
        """The not-reported rows ``start`` .. ``start + count`` (read in the table's worker)."""
        missing = roll.not_reported(self.app.store, self.day)
        return len(missing), [(m["door"], (m["door"], m["head"], m["phone"], m["grid"]))
                              for m in missing[start:start + count]]

    @on(PagedTable.Loaded, "#missing")
    def _missing_count(self, event: PagedTable.Loaded) -> None:
        self.query_one("#missing-title", Static).update(t("hh.missing_title", count=event.total))

    def _show(self, s: dict) -> None:
        table = self.query_one("#summary", DataTable)
        cols = ("households", "away", "expected", "normal", "fever", "missing")

        def cells(row: dict) -> list:
            return [row[c] if c != "fever" or not row[c] else Text(str(row[c]), style="bold red")
                    for c in cols]

        table.add_row(Text(t("hh.total"), style="bold"), *cells(s["total"]), key="total")
        for g in s["grids"]:
            table.add_row(Text(t("hh.grid_row", grid=g["grid"]), style="bold"), *cells(g),
                          key=f"g{g['grid']}")
        for b in s["buildings"]:
            table.add_row(f"  {b['building']}", *cells(b), key=f"b{b['building']}")
        self.summary = s

    def action_copy(self) -> None:
        """The report for the chat group, read in a worker, then copied."""
        store, day = self.app.store, self.day
        write(self, lambda: roll.report_text(store, day), self._copy)

    def _copy(self, text: str) -> None:
        self.app.copy_to_clipboard(text)
        self.notify(t("hh.copied"))

    def action_export(self, what: str) -> None:
        export.run(self, what, [self.day])
