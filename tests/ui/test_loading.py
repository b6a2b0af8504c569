"""Big data stays responsive: tabs are built when first shown, hidden views load when shown,
an alert check racing the new main screen neither crashes nor gets lost."""

from __future__ import annotations

from textual.widgets import TabbedContent

from app import TABS, DeskApp, MainScreen, tab_class
from console import features
from console.core.alerts import Alert
from screens.checkpoint.tab import CheckpointTab
from screens.header import AlertBar
from screens.purchases.tab import PurchasesTab
from screens.stock.tab import StockTab


async def test_only_the_first_tab_is_built_at_sign_in_the_others_when_shown(store, volunteer):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query(CheckpointTab)
        assert not app.screen.query(PurchasesTab) and not app.screen.query(StockTab)
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen.query_one(TabbedContent).active == "tab-purchases"
        assert app.screen.query_one(PurchasesTab).is_mounted
        assert not app.screen.query(StockTab)
        await pilot.press("f1", "f3")  # shown again: the same widget, not a second one
        await pilot.pause()
        assert len(app.screen.query(PurchasesTab)) == 1
        for i in range(1, len(TABS) + 1):
            await pilot.press(f"f{i}")
            await pilot.pause()
        assert all(len(app.screen.query(tab_class(name))) == 1 for name, _ in TABS)


async def test_alerts_arriving_while_the_main_screen_composes_are_shown(store, volunteer,
                                                                       monkeypatch):
    overdue = [Alert("late", "errand 7 is overdue", "error")]
    monkeypatch.setattr(features, "alerts", lambda store, now: overdue)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.action_sign_out()
        await pilot.pause()
        app.signed_in(volunteer, "西门")  # a new main screen, not composed yet
        app._show_alerts(overdue)  # the alerts worker's callback, before the screen mounted
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        bar = app.screen.query_one(AlertBar)
        assert bar.display and "errand 7 is overdue" in str(bar.render())


async def _purchases(app, pilot) -> PurchasesTab:
    await pilot.press("f3")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one(PurchasesTab)


async def test_a_store_change_reaching_a_view_still_composing_does_not_crash(store, leader):
    """The 1 s poll may land between a Purchases view's mount and its compose."""
    from screens.purchases.requests import RequestsView

    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await _purchases(app, pilot)
        tab.mount(RequestsView(id="late-view"))  # its table does not exist yet
        tab.reload()                              # what a poll does on another desk's write
        await pilot.pause()
        assert app.screen.query_one("#late-view").query_one("#req-table")


async def test_another_desks_order_reloads_only_the_purchases_view_on_screen(store, leader, settle):
    from console.core.store import Store
    from console.purchases import orders as P
    from screens.purchases.catalogue import CatalogueView
    from screens.purchases.requests import RequestsView
    from screens.purchases.view import View

    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        tab = await _purchases(app, pilot)
        loads: list[str] = []
        for view in tab.query(View):
            original = view.load
            view.load = lambda *a, _v=view, _o=original: (loads.append(type(_v).__name__), _o(*a))[1]
        other = Store(store.root)  # a second desk
        other.actor = {"op": leader.name, "role": leader.role}
        P.create_request(other, leader, "1-101", "王", "土豆2斤")
        app._poll()
        await settle(pilot)   # the poll's worker, StoreChanged, the reload
        assert loads == ["RequestsView"]  # in a worker; the four hidden views wait
        assert app.screen.query_one(RequestsView).table.row_count == 1
        await pilot.press("f7")           # the catalogue, stale since that write, reads when shown
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert loads == ["RequestsView", "CatalogueView"]
        assert app.screen.query_one(CatalogueView).is_on_screen


async def test_a_worker_result_for_a_tab_being_removed_is_dropped(store, volunteer):
    import asyncio

    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        tab = app.screen.query_one(CheckpointTab)
        await tab.remove()  # e.g. sign-out rebuilds the main screen while a lookup is in flight
        # the lookup worker's result arrives: it would query the removed form's hint line
        await asyncio.to_thread(app.call_from_thread, tab._show_info, "", "came before", "")
        await pilot.pause()
        assert not tab.is_attached and app.is_running


def test_the_sign_in_screen_comes_up_without_the_signed_in_console_code():
    """Start-up imports what the sign-in screen needs; the tabs, the feature
    list and the admin screens load beside the PIN check (app.preload)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = "import sys, app; print(' '.join(m for m in app.AFTER_SIGN_IN if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


async def test_typing_the_pin_loads_the_tabs_beside_the_hash(store, monkeypatch):
    """Enter on the PIN starts the preload; the console opens on the gate tab."""
    import app as app_module  # noqa: PLC0415

    started = []
    monkeypatch.setattr(app_module, "preload", lambda: started.append(True))
    desk = DeskApp(store)
    async with desk.run_test(size=(80, 24)) as pilot:
        screen = desk.screen
        screen.query_one("#name").value = "志愿者乙"
        screen.query_one("#pin").value = "1234"
        screen.query_one("#pin").focus()
        await pilot.press("enter")
        await desk.workers.wait_for_complete()
        await pilot.pause()
        assert started == [True]
        assert isinstance(desk.screen, MainScreen)
        assert desk.screen.query(CheckpointTab)


def test_a_fresh_english_desk_signs_in_at_the_configured_gate(store):
    """The sign-in screen comes up before the gate log's code is loaded; its
    gate list is still the community's own (西门), in every language."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = f"""
import asyncio, sys
sys.argv = ["app.py", "--lang", "en"]
import app
from console.core.store import Store

async def main():
    desk = app.DeskApp(Store({str(store.root)!r}))
    async with desk.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(desk.screen.query_one("#gate").value)

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["西门"], out.stderr
