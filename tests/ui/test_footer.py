"""The footer over a long session: rebuilt only when its keys change
(screens/widgets/footer.py), and the keys it no longer shows let go
(screens/textual_watch.py)."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from app import DeskApp, MainScreen
from screens import textual_watch
from screens.textual_watch import watchers


class _Field(Input):
    BINDINGS = [Binding("f5", "bell", "Ring")]


class _TwoFields(App):
    """Two fields with different keys: every focus move recomposes Textual's Footer."""

    def compose(self):
        yield Input(id="a")
        yield _Field(id="b")
        yield Footer()


async def test_a_recomposed_footer_holds_the_watchers_of_the_keys_it_shows():
    """Each new key watches the footer's ``compact``; the keys it showed
    before are dropped from that list, not kept until ``compact`` changes."""
    textual_watch.apply()
    app = _TwoFields()
    async with app.run_test() as pilot:
        footer = app.query_one(Footer)
        shown: set[int] = set()
        for _ in range(20):
            await pilot.press("tab")
            await pilot.pause()
            keys = footer.query(FooterKey)
            shown |= {id(key) for key in keys}
            assert len(watchers(footer, "compact")) <= 2   # the Ring key at most, shown or last shown
        assert len(shown) >= 10   # the footer was rebuilt on the focus moves


async def test_the_footer_keeps_its_keys_while_they_stay_the_same(store, volunteer, settle):
    """Tab through the gate form: the same keys, so the same key widgets;
    the log's own keys (fix, annul) rebuild it."""
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.focused.id == "name"
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        for _ in range(4):   # phone, door, direction, purpose
            await pilot.press("tab")
            await settle(pilot)
            assert list(footer.query(FooterKey)) == keys
        app.screen.query_one("#log").focus()
        await settle(pilot)
        assert "correct('annul')" in {key.action for key in footer.query(FooterKey)} - {key.action for key in keys}
