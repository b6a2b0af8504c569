"""What every Purchases view shares: a keyed table read in a worker, the
find box's filter, forms, confirmations and the cell helpers."""


from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.message import Message
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from console.purchases import orders as P
from console.purchases.form_values import parse_money
from console.households.registry import find_in
from console.core.i18n import DomainError
from console.purchases.parser import format_items, parse_items
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.form import Field, FormDialog
from screens.widgets.paged_table import PagedTable
from screens.widgets.validation import blank_or
from screens.widgets.writes import write
from console.core.i18n import t as _t


CSS = (Path(__file__).with_name("purchases.tcss")).read_text(encoding="utf-8")

def clip(text: str, cells: int) -> str:
    """Cut ``text`` to ``cells`` terminal columns (CJK characters take two)."""
    if cell_len(text) <= cells:
        return text
    while text and cell_len(text) > cells - 1:
        text = text[:-1]
    return text + "…"


def items_text(lines: list[dict], cells: int = 60) -> str:
    return clip(format_items(lines) if lines else "", cells)


def check_door(houses: dict[str, dict]):
    """The door box's check as it is typed: against ``houses``
    (:func:`console.households.registry.doors`, read in the worker that
    opened the form), so a key typed there never waits for the store."""
    def check(value: str) -> None:
        find_in(houses, value)
    return check


#: an amount or an item list that may stay empty
check_money = blank_or(parse_money)
check_items_optional = blank_or(parse_items)


class View(Vertical):
    """One view inside the tab: a keyed table and a status line.

    :meth:`load` reads the store in a worker and returns what to do on the
    event loop (patch the table, which redraws only the changed cells). A
    view that is not shown only notes that it is stale and loads when it is
    next shown, so another desk's edit reloads one view, not five."""

    TABLE_ID = ""
    COLUMNS: tuple[str, ...] = ()
    find_text = ""  #: set by the tab from its find box
    _stale = False   # until mounted: the tab may say a view is shown before it is

    class FindProblem(Message):
        """The find box's text could not be read (``problem``), or now can ("")."""

        def __init__(self, problem: str) -> None:
            super().__init__()
            self.problem = problem

    def compose(self) -> ComposeResult:
        yield PagedTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static("", classes="pur-status", markup=False)

    def on_mount(self) -> None:
        table = self.table
        for col in self.COLUMNS:
            table.add_column(_t(f"pui.col.{col}"), key=col)
        self._stale = True
        self._loading = self._again = False
        self.reload()

    def on_show(self) -> None:
        self.shown()

    def shown(self) -> None:
        """This view is being shown (the tab says so, or Textual's Show): read
        it if it went stale while hidden."""
        if self._stale:
            self.reload()

    def showing(self) -> bool:
        """Shown, as the tabs say: each pane holding this view is the active
        one of its tabs. Not ``is_on_screen``: the compositor places a pane
        shown a frame or more later, and the Show event it would then send is
        lost if anything asked it where a widget is meanwhile (it rebuilds its
        map without one), as the five views' mounts did: the requests view
        stayed empty on a busy machine until something changed."""
        for pane in self.ancestors:
            if isinstance(pane, TabPane):
                tabs = next((a for a in pane.ancestors if isinstance(a, TabbedContent)), None)
                if tabs is None or tabs.active != pane.id:
                    return False
        return self.is_attached

    def reload(self) -> None:
        if not self.showing():
            self._stale = True
            return
        self._stale = False
        if self._loading:  # one read at a time; the latest change is read after it
            self._again = True
            return
        self._loading = True
        self._read(*self.wanted())

    def paged(self, rows: list[dict], cells: Callable[[dict], tuple]) -> Callable[[], None]:
        """In :meth:`load`: the view's whole list (15,000 orders at 10×); the
        table asks for the window it shows, and only those rows become cells."""
        keyed = [(str(r["id"]), r) for r in rows]

        def window(start: int, count: int) -> tuple[int, list]:
            return len(keyed), [(key, cells(r)) for key, r in keyed[start:start + count]]

        def show() -> None:
            self.table.fetch = window
            self.table.reload()
        return show

    def wanted(self) -> tuple:
        """What :meth:`load` needs from the screen, read on the loop."""
        return ()

    def load(self, *wanted) -> Callable[[], None]:  # pragma: no cover - overridden
        """In a worker: read the store, return the update for the loop."""
        return lambda: None

    @work(thread=True, group="pur-view")
    def _read(self, *wanted) -> None:
        show = None
        try:
            show = self.load(*wanted)
        finally:
            self.app.call_from_thread(self._loaded, show)

    def _loaded(self, show: Callable[[], None] | None) -> None:
        self._loading = False
        if show is not None and self.is_attached:
            show()
        if self._again:
            self._again = False
            self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @property
    def store(self):
        return self.app.store

    @property
    def actor(self):
        return self.app.actor

    def status(self, text: str) -> None:
        """The view's bottom line (the runs view has its run summary above the packs)."""
        self.query(".pur-status").last(Static).update(text)

    def room(self, table: DataTable, column: str, least: int = 34) -> int:
        """Cells left for ``column`` once the other columns are drawn: a wide
        terminal shows more of each order (at least ``least``)."""
        others = sum(c.get_render_width(table) for key, c in table.columns.items() if key != column)
        width = table.size.width or self.app.size.width   # shown, not laid out yet: as wide as the desk
        return max(least, width - others - 2 * table.cell_padding - 2)   # 2: scrollbar

    def on_resize(self, event: events.Resize) -> None:
        """A wider terminal shows more of each order; being shown again
        (same width) reads nothing."""
        if event.size.width != getattr(self, "_width", None):
            self._width = event.size.width
            self.reload()

    def found(self, rows: list[dict]) -> list[dict]:
        """The rows the tab's find box keeps (a door exactly, a name, a number);
        a find text that cannot be read is posted up for the tab to show."""
        problem = ""
        try:
            rows = P.search(rows, self.find_text)
        except DomainError as exc:
            problem = str(exc)
        self.post_message(self.FindProblem(problem))  # thread-safe: called from the view's worker
        return rows

    def current(self) -> str | None:
        key = self.table.selected_key
        if key is None:
            self.app.notify(_t("pui.pick_row"), severity="warning")
        return key

    def opening(self, read: Callable[[], Any], show: Callable[[Any], None]) -> None:
        """``show(read())``: ``read`` (the store reads a form or a question
        needs) in a worker, so a busy store never stops the screen; ``show``
        on the event loop opens it. The keys typed meanwhile wait for it and
        land in it."""
        write(self, read, show, group="pur-read")

    def form(self, title: str, fields: list[Field], save, info: str = "", done: str = "") -> None:
        def after(result) -> None:
            if result is not None:
                self.reload()
                if done:
                    self.app.notify(_t("pui.saved", what=done), markup=False)
        self.app.push_screen(FormDialog(title, fields, save, info), after)

    def confirm(self, question: str, action, done: str = "") -> None:
        def after(yes: bool | None) -> None:
            if yes:
                self.attempt(action, done)
        self.app.push_screen(ConfirmScreen(question, enter_is_yes=True), after)

    def attempt(self, action, done: str = "") -> None:
        """Run ``action`` (a domain write) off the event loop; say what came of it."""
        def saved(_) -> None:
            if done:
                self.app.notify(_t("pui.saved", what=done), markup=False)
            self.reload()

        def refused(exc: DomainError) -> None:
            self.app.notify(str(exc), severity="error", markup=False)
            self.reload()
        write(self, action, saved, refused, group="pur-save")
