"""End of the lockdown from the desk: a leader purges from the households tab
(F5, g, p), a volunteer cannot (the data: tests/purge_history.py)."""

from __future__ import annotations

from textual.widgets import Input, Static

from app import DeskApp
from screens.widgets.confirm import ConfirmScreen
from screens.purge import PurgeScreen
from tests.purge_history import BEFORE, GONE, found


async def test_a_leader_purges_from_the_households_tab(history, leader, volunteer):
    store = history
    async with DeskApp(store, actor=volunteer, gate="西门").run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "g")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, PurgeScreen)          # not for a volunteer
    async with DeskApp(store, actor=leader, gate="西门").run_test(size=(80, 24)) as pilot:
        await pilot.press("f5", "g")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PurgeScreen)
        field = screen.query_one("#purge-before", Input)
        field.value = BEFORE
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        report = str(screen.query_one("#purge-report", Static).render())
        assert "checkpoint: 3 records" in report and found(store, GONE[0][0])
        await pilot.press("ctrl+s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)            # asked a second time
        await pilot.press("y")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert "Purged personal data" in str(screen.query_one("#purge-report", Static).render())
    assert found(store, GONE[0][0]) == []
