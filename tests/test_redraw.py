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
        now["t"] += dt.timedelta(seconds=20)   # same minute: nothing to redraw
        header.refresh_text()
        header.refresh_text()
        assert updates == []
        now["t"] += dt.timedelta(minutes=1)
        header.refresh_text()
        app.shift_label = "刘敏 09:00"
        header.refresh_text()
        assert len(updates) == 2
        assert "09:31" in str(header.render()) and "刘敏 09:00" in str(header.render())
