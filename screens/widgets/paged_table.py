"""A keyed table for long lists: only a window of rows lives in the widget.

``PagedTable(fetch)`` asks ``fetch(start, count) -> (total, [(key, cells)])``
in a worker for the rows around the cursor (what fits on screen and a few
screens more). Moving the cursor past either end of the window (arrows,
PgUp/PgDn, Home/End: first and last row) fetches the next window and keeps the cursor where the
volunteer expects it; the list may hold 15,000 orders, the table ~120 rows.
``reload()`` re-reads the current window; :meth:`sync` patches rows in place
(only changed cells are redrawn, the cursor stays on its row).

Without ``fetch`` it is a plain keyed table: ``sync(rows)`` and
``selected_key``. Either way a layout pass elsewhere on the screen does not
repaint its scrollbars (Textual 8 does for every scrolling widget, which
costs ~1.5 KB over SSH per keystroke in a neighbouring form).

Its base :class:`Table` is every other table of the desk: a DataTable whose
cells are drawn again when their column is widened (see there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import work
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey
from textual.worker import get_current_worker

Row = tuple[str, tuple]


def same(a, b) -> bool:
    """Two cells are the same when they show the same: rich's Text equality
    ignores style, so a fever turning bold red would not be redrawn."""
    if isinstance(a, Text) or isinstance(b, Text):
        return (isinstance(a, Text) and isinstance(b, Text) and a.plain == b.plain
                and str(a.style) == str(b.style) and a.spans == b.spans)
    return a == b
Fetch = Callable[[int, int], tuple[int, Sequence[Row]]]


class Table(DataTable):
    """A DataTable whose cells are drawn again when their column's width changes.

    Textual measures added and changed cells only when the table is next idle,
    and keys the lines and cells it has drawn on ``_update_count``, not on the
    column widths (textual#3533, still so in 8.2.8). Rows that arrive from a
    worker are added outside the table's own message loop, so the screen can
    draw them once before that idle, at the width the column had: the heading's
    ("030" for 0305-009). The wider measure then kept those drawn cells, and
    the volunteer saw the cut column until a row changed. Here a width that
    changes while measuring drops what was drawn, as adding a row does.

    Its caches of drawn cells and lines hold what a screen shows, not
    Textual's 10,000 cells. Every change makes their keys new (each key holds
    the update count), so what was drawn before a change can never be used
    again: a new count empties them. Left to be pushed out, those dead
    entries were most of what the desk kept alive between two garbage
    collections (the gate log's alone ~13k objects at 10x), and so most of
    the quiet collection's pause; over an hour they were a slow rise of
    the session's memory (bench_soak)."""

    #: cells, and rows or lines, drawn and kept: a 120-row window of 8 columns
    CELLS, LINES = 1000, 200

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cell_render_cache = LRUCache(self.CELLS)
        self._row_render_cache = LRUCache(self.LINES)
        self._row_renderable_cache = LRUCache(self.LINES)
        self._line_cache = LRUCache(self.LINES)

    @property
    def _update_count(self) -> int:
        return self._updates

    @_update_count.setter
    def _update_count(self, count: int) -> None:
        """DataTable's count of changes, the part of every drawing cache's
        key that says 'drawn since the last change'."""
        if count != getattr(self, "_updates", count):
            for cache in (self._cell_render_cache, self._row_render_cache,
                          self._row_renderable_cache, self._line_cache):
                cache.clear()
        self._updates = count

    def _widths(self) -> list[int]:
        return [self._label_column.content_width, *(c.get_render_width(self) for c in self.columns.values())]

    def _update_column_widths(self, updated_cells) -> None:
        before = self._widths()
        super()._update_column_widths(updated_cells)
        self._redraw_if_resized(before)

    def _update_dimensions(self, new_rows) -> None:
        before = self._widths()
        super()._update_dimensions(new_rows)
        self._redraw_if_resized(before)

    def _redraw_if_resized(self, before: list[int]) -> None:
        if self._widths() != before:
            self._update_count += 1   # every drawn line, row and cell is keyed on it
            self.refresh()


class PagedTable(Table):
    """A DataTable showing a window of a long list fetched off the event loop."""

    #: rows held at once, and how far before the cursor a new window starts
    WINDOW = 120
    LEAD = 40

    class Loaded(Message):
        """A window arrived: rows ``start`` .. ``start + count`` of ``total``."""

        def __init__(self, table: PagedTable, start: int, count: int, total: int) -> None:
            super().__init__()
            self.table, self.start, self.count, self.total = table, start, count, total

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, fetch: Fetch | None = None, follow_top: bool = False, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)
        self.fetch = fetch
        self.follow_top = follow_top  #: a newest-first list: the first window's sync follows the top
        self.start = 0
        self.total = 0
        self._sized: tuple | None = None

    # -- keyed rows --
    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def sync(self, rows: Sequence[Row], follow_top: bool = False) -> None:
        """Show ``rows`` in this order: drop gone rows, add new ones, update
        only the cells that changed, reorder without rebuilding; the cursor
        stays on its row. With ``follow_top`` (a newest-first list) a cursor
        on the first row stays on the first row: on the newest entry."""
        keep = self.selected_key
        if follow_top and self.cursor_row == 0:
            keep = rows[0][0] if rows else None
        wanted = dict(rows)
        have = {k.value for k in self.rows}
        for key in have - wanted.keys():
            self.remove_row(key)
        columns = list(self.columns)
        for key, cells in rows:
            if key not in have:
                self.add_row(*cells, key=key)
                continue
            for column, before, after in zip(columns, self.get_row(key), cells):
                if not same(before, after):  # columns widen to fit: 134.50, never 134.
                    self.update_cell(key, column, after, update_width=True)
        order = [key for key, _ in rows]
        if [r.key.value for r in self.ordered_rows] != order:  # new rows landed out of place
            # what DataTable.sort does, with the order given: no row is rebuilt
            self._row_locations = TwoWayDict({RowKey(key): i for i, key in enumerate(order)})
            self._update_count += 1
            self.refresh()
        if keep in wanted:
            self.move_cursor(row=order.index(keep), scroll=False)

    # -- the window --
    def reload(self, start: int | None = None, cursor: int | None = None) -> None:
        """Fetch the window at ``start`` (default: the current one) in a worker;
        ``cursor`` is the list index to put the cursor on when it arrives."""
        if self.fetch is not None:
            self._load(self.start if start is None else start, cursor)

    @work(thread=True, exclusive=True, group="paged-table")
    def _load(self, start: int, cursor: int | None) -> None:
        total, rows = self.fetch(max(0, start), self.WINDOW)
        if total and start >= total:  # the list shrank under us: show its end
            start = max(0, total - self.WINDOW)
            total, rows = self.fetch(start, self.WINDOW)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, max(0, start), total, list(rows), cursor)

    def _show(self, start: int, total: int, rows: list[Row], cursor: int | None) -> None:
        if not self.is_attached:
            return
        self.start, self.total = start, total
        self.sync(rows, follow_top=self.follow_top and start == 0)
        if cursor is not None and rows:
            self.move_cursor(row=min(max(cursor - start, 0), len(rows) - 1))
        self.post_message(self.Loaded(self, start, len(rows), total))

    def _go(self, index: int) -> bool:
        """Move to list index ``index``; False when it is inside the window
        (the DataTable's own move does it)."""
        if self.fetch is None or not self.total:
            return False
        index = min(max(index, 0), self.total - 1)
        if self.start <= index < self.start + self.row_count:
            return False
        self.reload(start=max(0, index - self.LEAD), cursor=index)
        return True

    def _here(self) -> int:
        return self.start + self.cursor_row

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - (self.header_height if self.show_header else 0))

    def action_cursor_down(self) -> None:
        if not self._go(self._here() + 1):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._go(self._here() - 1):
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if not self._go(self._here() + self._page()):
            super().action_page_down()

    def action_page_up(self) -> None:
        if not self._go(self._here() - self._page()):
            super().action_page_up()

    def action_scroll_bottom(self) -> None:
        if not self._go(self.total - 1):
            super().action_scroll_bottom()

    def action_scroll_top(self) -> None:
        if not self._go(0):
            super().action_scroll_top()

    def action_scroll_end(self) -> None:
        """End (and Ctrl+End): the last row of the whole list."""
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            super().action_scroll_end()

    def action_scroll_home(self) -> None:
        """Home (and Ctrl+Home): the first row of the whole list."""
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            super().action_scroll_home()

    # -- redraw only what changed --
    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        """Textual re-runs the scrollbar update (and repaints both bars) on
        every layout pass of the screen; do it only when a size changed."""
        sized = (size, virtual_size, container_size, self.virtual_size)
        if sized == self._sized:
            return False
        self._sized = sized
        return super()._size_updated(size, virtual_size, container_size, layout)
