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


class KeyPersonsView(HouseholdView):
    BINDINGS = [Binding("o", "open", t("hh.key.open")), export.binding("key-persons")]

    def action_export(self, what: str) -> None:
        export.run(self, what)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.order: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="keys-title", classes="hh-line", markup=False)
        yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("colour", "door", "head", "phone", "since", "review", "reason"):
            table.add_column(t(f"hh.col.{key}"), key=key)

    def reload(self) -> None:
        rows = marks.key_persons(self.app.store, masked=True)
        table = self.query_one(DataTable)
        self.query_one("#keys-title", Static).update(t("hh.keys_title", count=len(rows)))

        def cells(r: dict) -> list:
            review = Text(r["review"], style="bold red" if r["due"] else "")
            if r["due"]:
                review.append(" " + t("hh.due"))
            return [colour_text(r["colour"]), r["door"], r["head"], r["phone"], r["since"], review,
                    r["reason"]]

        order = [r["door"] for r in rows]
        if order != self.order:
            keep = table.cursor_row
            table.clear()
            for r in rows:
                table.add_row(*cells(r), key=r["door"])
            self.order = order
            if rows:
                table.move_cursor(row=min(keep, len(rows) - 1))
        else:
            for r in rows:
                for col, value in zip(("colour", "door", "head", "phone", "since", "review", "reason"),
                                      cells(r)):
                    table.update_cell(r["door"], col, value)

    @on(DataTable.RowSelected, "#keys-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            door = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(HouseholdScreen(door), lambda _: self.reload())
