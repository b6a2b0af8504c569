"""The long-list table: a window of rows, the rest fetched as the cursor moves."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.widgets.paged_table import PagedTable

ORDERS = [(str(i), (f"#{i}", f"{i % 22 + 1}-{i % 9 + 1}01")) for i in range(15_000)]


class ListApp(App):
    def __init__(self, rows: list) -> None:
        super().__init__()
        self.rows = rows
        self.asked: list[tuple[int, int]] = []

    def fetch(self, start: int, count: int):
        self.asked.append((start, count))
        return len(self.rows), self.rows[start:start + count]

    def compose(self) -> ComposeResult:
        yield PagedTable(self.fetch, id="orders")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_columns("No.", "Door")
        table.reload()
        table.focus()


def _calls(obj, method: str) -> list[tuple]:
    """Record the arguments of every call of ``obj.method`` (which still runs)."""
    seen: list[tuple] = []
    original = getattr(obj, method)

    def record(*args, **kwargs):
        seen.append((args, kwargs))
        return original(*args, **kwargs)
    setattr(obj, method, record)
    return seen


async def _settled(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_only_a_window_of_a_long_list_is_in_the_table():
    app = ListApp(ORDERS)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        assert table.total == 15_000
        assert table.row_count == PagedTable.WINDOW
        assert app.asked == [(0, PagedTable.WINDOW)]
        assert table.selected_key == "0"


async def test_moving_past_the_window_fetches_the_next_rows_and_keeps_the_cursor_going():
    app = ListApp(ORDERS)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("down")
        await _settled(app, pilot)
        assert table.selected_key == str(PagedTable.WINDOW)  # the row after the old window
        assert len(app.asked) == 2 and table.start > 0
        await pilot.press("end")
        await _settled(app, pilot)
        assert table.selected_key == "14999" and table.row_count <= PagedTable.WINDOW
        await pilot.press("pageup")
        await _settled(app, pilot)
        assert int(table.selected_key) < 14999
        await pilot.press("home")
        await _settled(app, pilot)
        assert table.selected_key == "0" and table.start == 0


async def test_sync_redraws_only_the_rows_that_changed():
    rows = [(str(i), (f"#{i}", "new")) for i in range(50)]
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        table.move_cursor(row=10)
        changed = _calls(table, "update_cell")
        added = _calls(table, "add_row")
        app.rows = [(k, (no, "bought" if k == "7" else st)) for k, (no, st) in rows if k != "3"]
        table.reload()  # another desk changed order 7 and cancelled order 3
        await _settled(app, pilot)
        assert [args[:2] for args, _ in changed] == [("7", table.ordered_columns[1].key)]
        assert added == [] and table.row_count == 49
        assert table.selected_key == "10"  # the cursor stayed on its row


async def test_a_layout_pass_elsewhere_does_not_repaint_the_scrollbars():
    from textual.widgets import Static

    class Beside(ListApp):
        def compose(self) -> ComposeResult:
            yield Static("", id="info")
            yield from super().compose()

    app = Beside(ORDERS)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        repaints = _calls(table.vertical_scrollbar, "refresh")
        for text in ("a", "ab", "abc"):  # e.g. the hint line under a form, as a volunteer types
            app.query_one("#info", Static).update(text)
            await pilot.pause()
        assert repaints == []
        table.move_cursor(row=60)  # scrolling still moves the bar
        await pilot.pause()
        assert table.scroll_y > 0


async def test_a_new_row_is_placed_in_order_without_rebuilding_the_others():
    rows = [(str(i), (f"#{i}", "new")) for i in range(40, 0, -1)]  # newest first
    app = ListApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        added = _calls(table, "add_row")
        app.rows = [("41", ("#41", "new"))] + rows
        table.reload()
        await _settled(app, pilot)
        assert [kw["key"] for _, kw in added] == ["41"]
        assert [r.key.value for r in table.ordered_rows][:3] == ["41", "40", "39"]


async def test_sync_redraws_a_cell_whose_style_alone_changed_and_can_follow_the_newest():
    """A temperature turning into a fever keeps its text and gains bold red:
    rich's Text equality ignores style, the table must not."""
    from rich.text import Text

    app = ListApp([])
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        table.sync([("1", (Text("37.0"), "1-101")), ("0", (Text("36.5"), "2-201"))])
        await pilot.pause()
        table.sync([("1", (Text("37.0", style="bold red"), "1-101")), ("0", (Text("36.5"), "2-201"))])
        assert str(table.get_cell("1", table.ordered_columns[0].key).style) == "bold red"
        table.sync([("2", (Text("36.6"), "3-301")), ("1", (Text("37.0"), "1-101"))], follow_top=True)
        assert table.selected_key == "2"           # the cursor was on the newest: it stays on the newest
        table.move_cursor(row=1)
        table.sync([("3", (Text("36.7"), "4-401")), ("2", (Text("36.6"), "3-301")),
                    ("1", (Text("37.0"), "1-101"))], follow_top=True)
        assert table.selected_key == "1"           # elsewhere it stays on its row


async def test_rows_drawn_before_their_column_is_measured_are_drawn_again_at_its_width():
    """Rows from a worker can be painted before the table is idle, when Textual
    measures them: the column is still as wide as its heading (030 for
    0305-009), and the measure must not keep those cut cells."""
    class InATab(ListApp):
        CSS = "PagedTable { height: 1fr; }"   # its size does not change with its rows

    app = InATab([])
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(PagedTable)
        table.sync([("9", ("0305-009", "15-505")), ("10", ("0305-010", "9-202"))])
        assert table.render_line(1).text.split()[:2] == ["030", "15-5"]   # the screen paints first
        await pilot.pause()                                              # the table's idle: measured
        assert table.render_line(1).text.split() == ["0305-009", "15-505"]
        assert table.render_line(0).text.index("Door") == table.render_line(1).text.index("15-505")
        table.sync([("9", ("0305-009", "15-505 (wait)")), ("10", ("0305-010", "9-202"))])
        table.render_line(1)
        await pilot.pause()
        assert table.render_line(1).text.split() == ["0305-009", "15-505", "(wait)"]


async def test_what_was_drawn_before_a_change_is_not_kept():
    """Every drawing cache's key holds the table's change count: entries from
    before a change can never be drawn again, and kept they were most of what
    a quiet desk's garbage collection had to walk."""
    app = ListApp(ORDERS)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        table = app.query_one(PagedTable)
        for _ in range(3):                       # a volunteer pages through the list
            await pilot.press("pagedown")
            await pilot.pause()
        caches = (table._cell_render_cache, table._row_render_cache,
                  table._row_renderable_cache, table._line_cache)
        assert all(len(cache) for cache in caches)
        table.update_cell(table.selected_key, table.ordered_columns[1].key, "bought")
        await pilot.pause()                      # another desk's change, drawn
        count = table._update_count
        for cache in caches:
            assert cache.keys() and all(count in key for key in cache.keys())
        assert table.get_cell(table.selected_key, table.ordered_columns[1].key) == "bought"
