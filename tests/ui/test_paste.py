"""A paste into any form loses hidden characters, and the desk says so."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from app import DeskApp

HOSTILE = "王\x00伟\x1b[2J\x1b]0;pwned\x07\u202e203\u202c"


async def test_a_paste_into_a_form_loses_hidden_characters(store, volunteer):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one("#name", Input)
        field.focus()
        await pilot.pause()
        app.post_message(events.Paste(HOSTILE))
        await pilot.pause()
        assert field.value == "王伟203"
        assert any("Hidden control characters" in n.message for n in app._notifications)
