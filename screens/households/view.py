"""What the five Households views share: the tab they sit in and the building keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable
from textual.worker import get_current_worker

from console.core.i18n import DomainError, t
from console.households import registry as hh


BUILDING_KEYS = Binding.Group(t("hh.key.buildings"), compact=True)   # [ ] share one footer label


class HouseholdView(Vertical):
    """A view inside the Households tab. The tab holds the building shown
    (``tab.building``) and steps it; found by its type name, since the tab
    module imports the views.

    :meth:`reload` reads in a worker: :meth:`fetch` (store reads only, any
    thread; a store busy with another desk's commit never stops the screen),
    then :meth:`show` on the event loop with what it read."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self._then: list[Callable[[], None]] = []
        self._follow = False

    @property
    def tab(self):
        return self.query_ancestor("HouseholdsTab")

    def find_text(self) -> str:
        """What the view's find box holds ("" if it has none)."""
        return ""

    def reload(self, then: Callable[[], None] | None = None, follow_find: bool = False) -> None:
        """Read and show again; ``then()`` once shown (a newer reload that
        overtakes this one runs it). ``follow_find``: a door of another
        building in the find box shows that building (when it has households;
        also when a newer reload overtakes this one)."""
        if then is not None:
            self._then.append(then)
        self._follow = self._follow or follow_find
        self._read(self.tab.building, self.find_text(), self._follow)

    @work(thread=True, exclusive=True, group="hh-view")
    def _read(self, asked: int | None, find: str, follow_find: bool = False) -> None:
        store = self.app.store
        numbers = [b["number"] for b in hh.buildings(store)]
        building = asked if asked in numbers else (numbers[0] if numbers else None)
        if follow_find:
            building = _building_found(store, find, building)
        data = self.fetch(building, find)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._shown, numbers, asked, building, data)

    def _shown(self, numbers: list[int], asked: int | None, building: int | None, data: Any) -> None:
        tab = self.tab
        tab.numbers = numbers
        if tab.building == asked:  # not stepped again meanwhile
            tab.building = building
        self.show(data)
        self._follow = False
        then, self._then = self._then, []
        for step in then:
            step()

    def fetch(self, building: int | None, find: str) -> Any:
        """What :meth:`show` needs, read from the store (in a worker)."""
        return None

    def show(self, data: Any) -> None:
        """Show what :meth:`fetch` read (on the event loop)."""

    def focus_main(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()


def _building_found(store, find: str, building: int | None) -> int | None:
    """The building of the door ``find`` names if it has households, else ``building``."""
    try:
        found = int(hh.normalise_door(find).split("-")[0])
    except DomainError:
        return building
    return found if found != building and hh.in_building(store, found) else building
