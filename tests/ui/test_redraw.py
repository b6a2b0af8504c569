"""Over SSH every redraw costs bytes: the header repaints only when its text changes."""

from __future__ import annotations

import datetime as dt

from app import DeskApp
from screens.header import DeskHeader


async def test_header_is_redrawn_only_when_its_text_changes(store, volunteer, freeze_clock):
    now = freeze_clock(dt.datetime(2026, 3, 5, 9, 30, 5, tzinfo=dt.timezone.utc))
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        header = app.screen.query_one(DeskHeader)
        updates = []
        original = header.update
        header.update = lambda *a, **kw: (updates.append(a), original(*a, **kw))
        now.advance(seconds=20)   # same minute: nothing to redraw
        header.refresh_text()
        header.refresh_text()
        assert updates == []
        now.advance(minutes=1)
        header.refresh_text()
        app.shift_label = "刘敏 09:00"
        header.refresh_text()
        assert len(updates) == 2
        assert "09:31" in str(header.render()) and "刘敏 09:00" in str(header.render())


async def test_text_boxes_have_a_steady_cursor_and_alerts_redraw_only_on_change(store, volunteer):
    from textual.widgets import Input

    from console.core.alerts import Alert
    from screens.header import AlertBar

    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.cursor_blink is False
        bar = app.screen.query_one(AlertBar)
        updates = []
        original = bar.update
        bar.update = lambda *a, **kw: (updates.append(a), original(*a, **kw))
        late = [Alert("e7", "errand 7 is overdue", "error")]
        app._show_alerts(late)
        app._show_alerts(list(late))  # the next check finds the same
        assert len(updates) == 1 and bar.display
        app._show_alerts([])
        assert len(updates) == 2 and not bar.display
