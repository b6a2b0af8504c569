"""The Purchases tab (F3): five views switched with F6..F10 and one find box
(the :class:`FindBox` every list has; what it keeps is the Purchases rule,
:func:`console.purchases.orders.search`: a door, a name or its pinyin, a
request number).

The views are on function keys, as the Thermometers tab's are, not on digits:
a digit is what a volunteer types into a form (a quantity, a price), and the
digits typed just after a form closed (Enter from its last box, Ctrl+S) reach
the table under it and switched the view away from what was just saved.
"""


from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, TabbedContent, TabPane

from console.purchases import catalogue as C
from console.purchases import orders as P
from console.purchases import schedules as S
from screens.purchases.view import CSS
from console.core.i18n import t as _t
from screens.purchases.view import View
from screens.purchases.requests import RequestsView
from screens.purchases.catalogue import CatalogueView
from screens.purchases.runs import RunsView
from screens.purchases.delivery import DeliveryView
from screens.purchases.schedules import SchedulesView
from screens.widgets.find_box import FIND, FindBox
from screens import messages


VIEWS = (("requests", RequestsView), ("catalogue", CatalogueView), ("runs", RunsView),
         ("delivery", DeliveryView), ("schedules", SchedulesView))


def view_key(index: int) -> str:
    """The key of the view at ``index``: f6 for the first (shown on its tab)."""
    return f"f{6 + index}"


def _list_of(pane: str) -> str:
    """The selector of the list in view ``pane`` (its first: the runs above the packs)."""
    return f"#{pane} DataTable"


class PurchasesTab(Vertical):
    """The F3 tab: five views; F6..F10 switch between them."""

    DEFAULT_CSS = CSS
    BINDINGS = [*(Binding(view_key(i), f"view('{name}')", _t(f"pui.view.{name}"), show=False)
                  for i, (name, _) in enumerate(VIEWS)),
                FIND,
                # Esc clears the find from the list too, not only from its box
                Binding("escape", "close_find", _t("pui.key.close"), show=False)]
    FILES = (P.REQUESTS, P.RUNS, C.CATALOGUE, S.SCHEDULES)
    find_text = ""

    def compose(self) -> ComposeResult:
        with TabbedContent(id="pur-views"):
            for i, (name, view) in enumerate(VIEWS):
                with TabPane(f"{view_key(i).upper()} {_t(f'pui.view.{name}')}", id=f"pv-{name}"):
                    yield view(id=f"view-{name}")
        yield FindBox(_list_of(f"pv-{VIEWS[0][0]}"))

    def action_find(self) -> None:
        box = self.query_one(FindBox)
        box.target = _list_of(self.query_one("#pur-views", TabbedContent).active)
        box.open()

    @on(View.FindProblem)
    def _find_problem(self, event: View.FindProblem) -> None:
        self.query_one(FindBox).say(event.problem)

    @on(FindBox.Changed)
    def _find_changed(self, event: FindBox.Changed) -> None:
        self.find_text = event.text
        for view in self.query(View):
            view.find_text = event.text
        self._active_view().reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return action != "close_find" or self.query_one(FindBox).has_class("open")

    def action_close_find(self) -> None:
        self.query_one(FindBox).action_clear()

    def _active_view(self) -> View:
        active = self.query_one("#pur-views", TabbedContent).active
        return self.query_one(f"#{active}").query_one(View)

    def on_mount(self) -> None:
        messages.watch(self, self._files)

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    def _files(self) -> Iterable[tuple[str, str | None]]:
        return [(name, None) for name in self.FILES]

    def reload(self) -> None:
        for view in self.query(View):
            if view.is_mounted:  # a view still composing loads itself when it mounts
                view.reload()

    def on_show(self) -> None:
        self.call_after_refresh(self._focus_view)

    def _focus_view(self) -> None:
        # only while this tab is on screen: focusing a hidden table would make
        # the console jump to Purchases (Textual shows the pane holding focus)
        active = self.query_one("#pur-views", TabbedContent).active
        outer = [a for a in self.ancestors if isinstance(a, TabbedContent)]
        if active and (not outer or outer[0].active == "tab-purchases"):
            self.query_one(f"#{active}").query_one(DataTable).focus()
            self._active_view().shown()   # read it if stale: Textual's Show for it can be lost

    @on(TabbedContent.TabActivated, "#pur-views")
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        self.query_one(FindBox).target = _list_of(event.pane.id)   # Enter in the box goes back here
        if self.find_text:
            self._active_view().reload()       # the find box applies to the view now shown
        self.call_after_refresh(self._focus_view)

    def action_view(self, name: str) -> None:
        self.query_one("#pur-views", TabbedContent).active = f"pv-{name}"
        self.call_after_refresh(self._focus_view)
