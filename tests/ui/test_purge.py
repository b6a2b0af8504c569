"""End of the lockdown from the desk: a leader purges from the households tab
(F5, g, p), a volunteer cannot (the data: tests/purge_history.py)."""

from __future__ import annotations

from textual.widgets import Input, Static

from app import DeskApp
from screens.widgets.confirm import ConfirmScreen
from screens.purge import PurgeScreen
from tests.purge_history import BEFORE, GONE, found


async def test_a_leader_purges_from_the_households_tab(history, leader, volunteer, open_tab, settle):
    store = history
    async with DeskApp(store, actor=volunteer, gate="西门").run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "g")   # the tab's focus landed, then the grids view
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, PurgeScreen)          # not for a volunteer
    async with DeskApp(store, actor=leader, gate="西门").run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "g")
        await pilot.press("p")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PurgeScreen)
        field = screen.query_one("#purge-before", Input)
        field.value = BEFORE
        await pilot.press("enter")
        await settle(pilot)
        report = str(screen.query_one("#purge-report", Static).render())
        assert "checkpoint: 3 records" in report and found(store, GONE[0][0])
        await pilot.press("ctrl+s")
        await settle(pilot)   # the preview's worker, then the question
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)            # asked a second time
        await pilot.press("y")
        await settle(pilot)   # the purge's worker, then its report
        assert "Purged personal data" in str(screen.query_one("#purge-report", Static).render())
    assert found(store, GONE[0][0]) == []


async def test_a_leader_sets_the_retention_and_the_screen_shows_it_next_time(store, leader, open_tab, settle):
    """Ctrl+R saves the days in a worker; the screen reads the setting before it opens."""
    from console.core import settings
    async with DeskApp(store, actor=leader, gate="西门").run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "households", "g")
        await pilot.press("p")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#purge-retention", Input).value = "30"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "older than 30 days" in str(screen.query_one("#purge-report", Static).render())
        assert settings.get(store, "retention_days") == 30
        await pilot.press("escape", "p")
        await settle(pilot)
        assert pilot.app.screen.query_one("#purge-retention", Input).value == "30"
