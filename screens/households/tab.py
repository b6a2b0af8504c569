"""The Households tab (F5): five views switched with b / k / r / g / i."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Static

from console.core import clock
from console.core.i18n import t
from screens.households.sheet import SheetView
from screens.households.key_persons import KeyPersonsView
from screens.households.roll import RollView
from screens.households.grids import GridsView
from screens.households.import_view import ImportView
from screens.households.view import HouseholdView
from screens import messages


class HouseholdsTab(Vertical):
    DEFAULT_CSS = (Path(__file__).with_name("households.tcss")).read_text(encoding="utf-8")
    SCOPED_CSS = False  # the modals below use these styles too
    BINDINGS = [
        Binding("b", "view('sheet')", t("hh.view.sheet"), show=False),
        Binding("k", "view('keys')", t("hh.view.keys"), show=False),
        Binding("r", "view('roll')", t("hh.view.roll"), show=False),
        Binding("g", "view('grids')", t("hh.view.grids"), show=False),
        Binding("i", "view('import')", t("hh.view.import"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="households")
        self.building: int | None = None  # the view's read picks the first when None
        self.numbers: list[int] = []  # the buildings, as the last read found them

    def compose(self) -> ComposeResult:
        yield Static("", id="hh-nav", markup=False)
        with ContentSwitcher(initial="hh-sheet", id="hh-views"):
            yield SheetView(id="hh-sheet")
            yield KeyPersonsView(id="hh-keys")
            yield RollView(id="hh-roll")
            yield GridsView(id="hh-grids")
            yield ImportView(id="hh-import")

    def on_mount(self) -> None:
        messages.watch(self, self._files)
        self.reload()

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    def _files(self) -> list[tuple[str, str | None]]:
        return [("households", None), ("buildings", None), ("grids", None), ("marks", None),
                ("roll", clock.today().isoformat())]

    @property
    def view(self) -> HouseholdView:
        switcher = self.query_one(ContentSwitcher)
        return switcher.query_one(f"#{switcher.current}", HouseholdView)

    def reload(self) -> None:
        self._nav()
        self.view.reload()

    def reload_all(self) -> None:
        self.building = None
        self.reload()

    def action_view(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = f"hh-{name}"
        self.reload()
        self.view.focus_main()

    def on_show(self) -> None:
        self.call_after_refresh(self.view.focus_main)

    def _nav(self) -> None:
        current = self.query_one(ContentSwitcher).current
        text = Text()
        for key, name in (("b", "sheet"), ("k", "keys"), ("r", "roll"), ("g", "grids"),
                          ("i", "import")):
            style = "bold reverse" if current == f"hh-{name}" else ""
            text.append(f" {key} ", style="bold")
            text.append(t(f"hh.view.{name}"), style=style)
            text.append(" ")
        self.query_one("#hh-nav", Static).update(text)

    def step_building(self, step: int) -> None:
        numbers = self.numbers
        if not numbers:
            return
        i = numbers.index(self.building) if self.building in numbers else 0
        self.building = numbers[(i + step) % len(numbers)]
        self.reload()
