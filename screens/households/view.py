"""What the five Households views share: the tab they sit in and the building keys."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from console.core.i18n import t


BUILDING_KEYS = Binding.Group(t("hh.key.buildings"), compact=True)   # [ ] share one footer label


class HouseholdView(Vertical):
    """A view inside the Households tab. The tab holds the building shown
    (``tab.building``) and steps it; found by its type name, since the tab
    module imports the views."""

    @property
    def tab(self):
        return self.query_ancestor("HouseholdsTab")

    def reload(self) -> None:  # pragma: no cover - overridden
        pass

    def focus_main(self) -> None:
        tables = self.query(DataTable)
        if tables:
            tables.first().focus()
