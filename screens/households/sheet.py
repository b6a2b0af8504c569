"""Sheet view (b): one building as a grid of boxes, floors top-down; Space home/away, Enter opens."""

from __future__ import annotations


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from console.households import registry as hh, marks, roll, sheets
from console.core.i18n import DomainError
from console.core.i18n import t
from screens.households.cells import sheet_cell, roll_status
from screens.households.household import HouseholdScreen
from screens.households.pickers import DoorScreen
from screens.households.view import BUILDING_KEYS, HouseholdView
from screens.widgets.paged_table import Table
from screens.widgets.writes import write


class SheetView(HouseholdView):
    BINDINGS = [
        Binding("space", "toggle_home", t("hh.key.toggle")),
        Binding("o", "open", t("hh.key.open")),
        Binding("left_square_bracket", "building(-1)", t("hh.key.prev_b"), key_display="[",
                group=BUILDING_KEYS),
        Binding("right_square_bracket", "building(1)", t("hh.key.next_b"), key_display="]",
                group=BUILDING_KEYS),
        Binding("ctrl+left", "building(-1)", t("hh.key.prev_b"), show=False),
        Binding("ctrl+right", "building(1)", t("hh.key.next_b"), show=False),
        Binding("d", "goto", t("hh.key.goto")),
        Binding("p", "print", t("hh.key.print")),
    ]

    def __init__(self, **kw):
        super().__init__(**kw)
        self.data: dict | None = None
        self.shape: tuple = ()
        self._reports: dict = {}
        self._houses: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="sheet-title", classes="hh-line", markup=False)
        yield Table(id="sheet-table", cursor_type="cell", zebra_stripes=False)
        yield Static("", id="sheet-detail", classes="hh-line", markup=False)

    def fetch(self, building: int | None, find: str) -> dict | None:
        if building is None:
            return None
        store = self.app.store
        return {"sheet": sheets.sheet(store, building), "reports": roll.day_reports(store),
                "houses": {h["door"]: h for h in hh.in_building(store, building)}}

    def show(self, got: dict | None) -> None:
        table = self.query_one("#sheet-table", DataTable)
        if got is None:
            self.query_one("#sheet-title", Static).update(t("hh.no_buildings"))
            table.clear(columns=True)
            self.data, self.shape = None, ()
            return
        data, reports = got["sheet"], got["reports"]
        # every door of a floor in sight: on a narrow terminal the cells lose their padding
        tight = bool(self.size.width) and 4 + 9 * len(data["columns"]) > self.size.width
        shape = (data["building"], tuple(data["columns"]), tuple(f["floor"] for f in data["floors"]),
                 tight)
        if shape != self.shape:
            table.cell_padding = 0 if tight else 1
            table.clear(columns=True)
            table.add_column(t("hh.col.floor"), key="floor")
            for suffix in data["columns"]:
                table.add_column(suffix, key=suffix, width=7)
            for fl in data["floors"]:
                table.add_row(Text(f"{fl['floor']:>2}", style="bold"),
                              *[sheet_cell(fl["cells"].get(s), reports.get(
                                  fl["cells"].get(s, {}).get("door"))) for s in data["columns"]],
                              key=str(fl["floor"]))
            self.shape = shape
            if data["floors"]:
                table.move_cursor(row=len(data["floors"]) - 1, column=1)
        else:
            old = {(str(f["floor"]), s): c for f in self.data["floors"] for s, c in f["cells"].items()}
            old_reports = self._reports
            for fl in data["floors"]:
                for s, cell in fl["cells"].items():
                    before = old.get((str(fl["floor"]), s))
                    door = cell["door"]
                    if before != cell or old_reports.get(door) != reports.get(door):
                        table.update_cell(str(fl["floor"]), s, sheet_cell(cell, reports.get(door)))
        self.data, self._reports, self._houses = data, reports, got["houses"]
        self.query_one("#sheet-title", Static).update(t(
            "hh.sheet_title", building=data["building"], grid=data["grid"], leader=data["leader"] or "—",
            households=data["households"], home=data["home"]))
        self._detail()

    def on_resize(self) -> None:
        self.reload()

    def current(self) -> dict | None:
        table = self.query_one("#sheet-table", DataTable)
        if not self.data or not table.row_count:
            return None
        row, col = table.cursor_coordinate
        if col == 0 or row >= len(self.data["floors"]):
            return None
        return self.data["floors"][row]["cells"].get(self.data["columns"][col - 1])

    def select(self, door: str) -> None:
        if not self.data:
            return
        for r, fl in enumerate(self.data["floors"]):
            for c, s in enumerate(self.data["columns"]):
                if fl["cells"].get(s, {}).get("door") == door:
                    self.query_one("#sheet-table", DataTable).move_cursor(row=r, column=c + 1)
                    return

    @on(DataTable.CellHighlighted, "#sheet-table")
    def _detail(self, _event=None) -> None:
        cell = self.current()
        label = self.query_one("#sheet-detail", Static)
        if cell is None:
            label.update("")
            return
        house = self._houses.get(cell["door"])
        if house is None:
            return
        mark = marks.colour_name(cell["colour"], long=True)
        if cell["colour"]:
            mark += " " + t("hh.detail_hidden")
        label.update(t("hh.detail", door=cell["door"], head=house["head"], members=house["members"],
                       phone=hh.mask_phone(house.get("phone")) or "—",
                       home=t("households.home" if cell["at_home"] else "households.away"),
                       mark=mark, roll=roll_status(self._reports.get(cell["door"]),
                                                   cell["at_home"]).plain))

    @on(DataTable.CellSelected, "#sheet-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        cell = self.current()
        if cell:
            self.app.push_screen(HouseholdScreen(cell["door"]), lambda _: self.reload())

    def action_toggle_home(self) -> None:
        cell = self.current()
        if not cell:
            return
        app, door, home = self.app, cell["door"], not cell["at_home"]
        write(self, lambda: hh.set_at_home(app.store, app.actor, door, home), self._toggled)

    def _toggled(self, house: dict) -> None:
        self.reload()
        state = t("households.home" if house["at_home"] else "households.away")
        self.notify(t("hh.toggled", door=house["door"], state=state), markup=False)

    def action_building(self, step: int) -> None:
        self.tab.step_building(step)

    def action_goto(self) -> None:
        def go(door: str | None) -> None:
            if door:
                self.tab.building = int(door.split("-")[0])
                self.reload(then=lambda: self.select(door))
        self.app.push_screen(DoorScreen(), go)

    def action_print(self) -> None:
        if self.tab.building is not None:
            self._print(self.tab.building)

    @work(thread=True, exclusive=True, group="pdf")
    def _print(self, number: int) -> None:
        try:
            path = sheets.sheet_pdf(self.app.store, number)
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, t("hh.pdf_done", path=path), markup=False)
