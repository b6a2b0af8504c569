"""The day's log under the gate form: its filters, one page of entries, paging and days.

:class:`DayLog` loads its page in a worker and patches the table in place;
it reloads when any desk writes the day it shows. What concerns the form
goes up as messages: a row picked for a fix (:class:`DayLog.FixRequested`),
the override or correction of the selected row (:class:`DayLog.RowDetail`),
an entry annulled here (:class:`DayLog.Annulled`). The tab calls
:meth:`DayLog.show_saved` after a save and steps pages and days with
:meth:`DayLog.turn_page` and :meth:`DayLog.step_day` (its keys work from the form).
"""

from __future__ import annotations

from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from console.checkpoint import corrections
from console.checkpoint import gate as cp
from console.core import clock, i18n
from console.core.i18n import DomainError
from screens import messages
from screens.checkpoint.cells import COLUMNS, options, row_cells, widths_for
from screens.checkpoint.log import LogTable
from screens.checkpoint.verdict import row_detail
from screens.widgets.text_prompt import TextPrompt
from screens.widgets.writes import read_newest, write


class DayLog(Vertical):
    """One page of a day's gate log, newest first, with its outcome, purpose and text filters."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    class FixRequested(Message):
        """Fix ``entry`` (of ``day``): the form fills with it."""

        def __init__(self, day: str, entry: dict) -> None:
            super().__init__()
            self.day, self.entry = day, entry

    class RowDetail(Message):
        """The selected row's override reason or correction, to show under the form."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Annulled(Message):
        """Entry ``entry_id`` of ``day`` was annulled here: what follows the log reads again."""

        def __init__(self, day: str, entry_id: int) -> None:
            super().__init__()
            self.day, self.entry_id = day, entry_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.day: str | None = None  # None: today, following the clock
        self.page = 0
        self.pages = 1
        self._details: dict[str, str] = {}  # log row key -> its override / correction
        self._widths = widths_for(80)  # how much of each entry fits: follows the terminal

    def compose(self) -> ComposeResult:
        with Horizontal(id="cp-filters"):
            yield Select(options("outcome", cp.OUTCOMES), id="f-outcome", compact=True,
                         prompt=i18n.t("checkpoint.ui.all_outcomes"))
            yield Select(options("purpose", cp.PURPOSES), id="f-purpose", compact=True,
                         prompt=i18n.t("checkpoint.ui.all_purposes"))
            yield Input(id="f-text", compact=True, placeholder=i18n.t("checkpoint.ui.search"))
            yield Static("", id="cp-status")
        yield LogTable(id="log", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#log", LogTable)
        for col in COLUMNS:
            table.add_column(i18n.t(f"checkpoint.col.{col}"), key=col)
        messages.watch(self, lambda: [("checkpoint", self.shown_day())])
        self.reload()

    def on_store_changed(self, event: messages.StoreChanged) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        widths = widths_for(event.size.width)
        if widths != self._widths:  # a wider terminal shows more of each name and door
            self._widths = widths
            self.reload()

    def shown_day(self) -> str:
        return self.day or clock.today().isoformat()

    # -- what the tab asks --
    def show_saved(self, entry: dict) -> None:
        """An entry saved on this desk: show it now, not at the next poll."""
        self.reload()

    def turn_page(self, step: int) -> None:
        self.page = min(max(0, self.page + step), self.pages - 1)
        self.reload()

    def step_day(self, step: int) -> None:
        """The next earlier (step < 0) or later day that has a log; today is
        always one. The days are read in a worker; the next key waits for it."""
        store, current = self.app.store, self.shown_day()

        def target() -> str | None:
            days = store.days("checkpoint")
            today = clock.today().isoformat()
            if today not in days:
                days.append(today)
            near = [d for d in days if d < current] if step < 0 else [d for d in days if d > current]
            return (near[-1] if step < 0 else near[0]) if near else None
        write(self, target, lambda day: self._show_day(current, day))

    def _show_day(self, current: str, target: str | None) -> None:
        if target is None or self.shown_day() != current:
            return
        self.day = None if target == clock.today().isoformat() else target
        self.page = 0
        self.reload()

    def focus_find(self) -> None:
        self.query_one("#f-text", Input).focus()

    # -- filters --
    @on(Select.Changed, "#f-outcome, #f-purpose")
    @on(Input.Changed, "#f-text")
    def _filtered(self) -> None:
        self.page = 0
        self.reload()

    # -- loading --
    def reload(self) -> None:
        """Load the shown page in a worker; the table is then patched in place."""
        if not self.query("#f-outcome"):
            return  # a poll reaching the log while it is composed or taken down
        outcome = self.query_one("#f-outcome", Select).value
        purpose = self.query_one("#f-purpose", Select).value
        day, page, widths, store = self.shown_day(), self.page, self._widths, self.app.store
        outcome = None if outcome is Select.NULL else outcome
        purpose = None if purpose is Select.NULL else purpose
        text = self.query_one("#f-text", Input).value

        def read() -> tuple:
            rows, n, pages = cp.page_of(store, day, outcome, purpose, text, page)
            cells = [(f"{day}:{e['id']}", row_cells(e, widths)) for e in rows]
            details = {f"{day}:{e['id']}": d for e in rows if (d := row_detail(e))}
            return day, cells, n, pages, min(page, pages - 1), details
        # only the newest read is shown: one read before another desk's entry,
        # finishing last, would hide that entry until the next write
        read_newest(self, "cp-load", read, lambda shown: self._apply(*shown))

    def _apply(self, day: str, cells: list[tuple[str, tuple]], n: int, pages: int, page: int,
               details: dict[str, str] | None = None) -> None:
        """Patch the log to show ``cells`` (newest first) in place."""
        if not self.query("#log"):
            return  # a load that finishes while the log is composed or taken down
        self.pages, self.page = pages, page
        self._details = details or {}
        self.query_one("#log", LogTable).sync(cells)
        label = i18n.t("checkpoint.ui.today") if day == clock.today().isoformat() else day
        self.query_one("#cp-status", Static).update(
            i18n.t("checkpoint.ui.status", day=label, page=page + 1, pages=pages, n=n))

    # -- the selected row --
    @on(LogTable.RowHighlighted)
    def _row_detail(self, event: LogTable.RowHighlighted) -> None:
        """An override's reason or a correction goes under the form while its row is selected."""
        text = self._details.get(event.row_key.value or "")
        if text and event.data_table.has_focus:
            self.post_message(self.RowDetail(text))

    @on(LogTable.Correct)
    def _correct(self, event: LogTable.Correct) -> None:
        """The entry as the log holds it now, read in a worker; then the form
        fills with it (c) or the reason is asked (x), before the next key."""
        if not event.key:
            self.notify(i18n.t("gateui.no_entry"))
            return
        day, entry_id = event.key.rsplit(":", 1)
        store, kind = self.app.store, event.kind
        write(self, lambda: next((e for e in cp.entries(store, day) if e["id"] == int(entry_id)), None),
              lambda entry: self._correct_entry(kind, day, entry_id, entry))

    def _correct_entry(self, kind: str, day: str, entry_id: str, entry: dict | None) -> None:
        if entry is None:
            return
        if kind == "fix":
            self.post_message(self.FixRequested(day, entry))
            return

        def done(reason: str | None) -> None:
            if reason:
                self._annul(day, int(entry_id), reason)
        self.app.push_screen(TextPrompt(i18n.t(
            "gateui.annul_title", id=entry_id, who=entry.get("name") or entry.get("org", ""))), done)

    @work(thread=True, group="cp-save")
    def _annul(self, day: str, entry_id: int, reason: str) -> None:
        try:
            corrections.annul(self.app.store, self.app.actor, day, entry_id, reason)
        except DomainError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, i18n.t("gateui.annulled", id=entry_id), markup=False)
        self.app.call_from_thread(self._annulled, day, entry_id)

    def _annulled(self, day: str, entry_id: int) -> None:
        self.reload()
        self.post_message(self.Annulled(day, entry_id))
