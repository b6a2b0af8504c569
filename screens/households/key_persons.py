"""Key persons view (k): every marked household, with its review date."""

from __future__ import annotations


from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.households import marks
from screens import export
from console.core.i18n import t
from screens.households.cells import colour_text
from screens.households.household import HouseholdScreen
from screens.households.view import HouseholdView
from screens.widgets.find_box import FIND, FindBox, keep
from screens.widgets.paged_table import PagedTable


class KeyPersonsView(HouseholdView):
    BINDINGS = [Binding("o", "open", t("hh.key.open")), FIND, export.binding("key-persons")]

    def action_export(self, what: str) -> None:
        export.run(self, what)

    def __init__(self, **kw):
        super().__init__(**kw)

    def compose(self) -> ComposeResult:
        yield Static("", id="keys-title", classes="hh-line", markup=False)
        yield PagedTable(id="keys-table", cursor_type="row", zebra_stripes=True)
        yield FindBox("#keys-table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("colour", "door", "head", "phone", "since", "review", "reason"):
            table.add_column(t(f"hh.col.{key}"), key=key)

    def find_text(self) -> str:
        return self.query_one(FindBox).text

    def fetch(self, building: int | None, find: str) -> tuple[int, list[dict], str]:
        rows = marks.key_persons(self.app.store, masked=True)
        return (len(rows), *keep(rows, find))

    def show(self, got: tuple[int, list[dict], str]) -> None:
        count, rows, problem = got
        self.query_one("#keys-title", Static).update(t("hh.keys_title", count=count))
        self.query_one(FindBox).say(problem)

        def cells(r: dict) -> list:
            review = Text(r["review"], style="bold red" if r["due"] else "")
            if r["due"]:
                review.append(" " + t("hh.due"))
            return [colour_text(r["colour"]), r["door"], r["head"], r["phone"], r["since"], review,
                    r["reason"]]

        self.query_one("#keys-table", PagedTable).sync([(r["door"], tuple(cells(r))) for r in rows])

    def action_find(self) -> None:
        self.query_one(FindBox).open()

    @on(FindBox.Changed)
    def _find(self) -> None:
        self.reload()

    @on(DataTable.RowSelected, "#keys-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        door = self.query_one("#keys-table", PagedTable).selected_key
        if door:
            self.app.push_screen(HouseholdScreen(door), lambda _: self.reload())
