"""Keys typed in one burst (a fast typist, a paste, tmux send-keys) land in
the field that has the focus when each is handled: Tab, Enter to the next
field, a key that opens or closes a window all take effect before the next key."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from app import DeskApp
from screens.errands.request import RequestScreen
from tests.keys import burst

GATE = "西门"


async def settle(pilot):
    await pilot.pause()
    await pilot.app.keys.delivered()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def values(root, *ids: str) -> list[str]:
    return [root.query_one(f"#{i}", Input).value for i in ids]


async def checkpoint(pilot):
    await pilot.press("f1")
    await settle(pilot)
    return pilot.app.screen.query_one("#checkpoint")


@pytest.mark.parametrize("next_key", ["tab", "enter"])  # Tab, or Enter to the next field
async def test_burst_fills_the_checkpoint_fields_in_order(store, volunteer, next_key):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await checkpoint(pilot)
        # name, door, the purpose's number (a list: a digit picks), the temperature
        burst(pilot.app, "李四", next_key, "5-302", next_key, "1", "tab", "36.5")
        await settle(pilot)
        assert values(tab, "name", "door", "temp") == ["李四", "5-302", "36.5"]
        assert tab.query_one("#purpose").value == "buy" and pilot.app.focused.id == "temp"


async def test_burst_opens_the_errand_form_and_fills_it(store, volunteer, clk):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settle(pilot)
        # "n" opens the form; what follows goes into it, field by field
        burst(pilot.app, "n", "5-302", "tab", "tab", "李四", "tab", "13900139001", "tab", "买药")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RequestScreen)
        assert values(form, "f-door", "f-org", "f-person", "f-phone", "f-purpose") == [
            "5-302", "", "李四", "13900139001", "买药"]


async def test_keys_after_a_window_closes_go_to_the_field_focused_then(store, volunteer):
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await checkpoint(pilot)
        # the shift window opens with the cursor in its note; Esc closes it and
        # the name box behind has the focus again: the name goes there
        burst(pilot.app, "ctrl+y", "交接", "escape", "王五", "tab", "5-302")
        await settle(pilot)
        assert pilot.app.screen.query_one("#checkpoint") is tab
        assert values(tab, "name", "door") == ["王五", "5-302"]


async def test_next_visitor_typed_right_after_save_is_not_wiped(store, volunteer):
    from console.checkpoint import gate as cp
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await checkpoint(pilot)
        burst(pilot.app, "李四", "tab", "1-302", "tab", "1", "f6", "ctrl+s", "王五")
        await settle(pilot)
        assert [(e["name"], e["door"], e["purpose"]) for e in cp.entries(store)] == [
            ("李四", "1-302", "buy")]
        assert values(tab, "name", "phone", "door") == ["王五", "", ""]


async def test_next_door_typed_right_after_a_handout_is_kept(store, volunteer):
    from console.stock import balances
    from console.stock import ledger as stock
    stock.receive(store, volunteer, "mercury", "10", "卫生服务中心", "0", None)
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        burst(pilot.app, "1-302", "enter", "1-303")
        await settle(pilot)
        assert [m["door"] for m in balances.movements(store) if m["kind"] == "issue"] == ["1-302"]
        assert pilot.app.screen.query_one("#door", Input).value == "1-303"



async def test_next_visitor_waits_for_a_save_slowed_by_the_disk(store, volunteer, monkeypatch):
    """The save's write waits on the disk (an fsync behind other desks' writes,
    a busy shared server) for longer than a stuck widget may hold the keys:
    waiting is not working, so the next visitor's name still waits for the
    cleared form instead of being typed into the old one and wiped with it."""
    import time

    from console.checkpoint import gate as cp
    from screens import key_order

    monkeypatch.setattr(key_order, "MAX_HOLD", 0.1)
    log_entry = cp.log_entry

    def slow_disk(*args, **kwargs):
        time.sleep(0.5)   # the clock goes on; the desk does (almost) no work meanwhile
        return log_entry(*args, **kwargs)

    monkeypatch.setattr(cp, "log_entry", slow_disk)
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        tab = await checkpoint(pilot)
        burst(pilot.app, "李四", "tab", "1-302", "tab", "1", "f6", "ctrl+s", "王五")
        await settle(pilot)
        assert [e["name"] for e in cp.entries(store)] == ["李四"]
        assert values(tab, "name", "phone", "door") == ["王五", "", ""]


async def test_keys_after_a_slow_form_save_open_the_next_form(store, volunteer, monkeypatch):
    """Ctrl+S in a form dialog (here a price seen at a shop) saves in a worker
    that waits on the disk; what is typed after it (the next price's key and
    name) waits for the form to close, and opens and fills the next form
    instead of going into the one being saved and closed."""
    import time

    from console.purchases import catalogue as C
    from screens import key_order
    from screens.widgets.form import FormDialog

    monkeypatch.setattr(key_order, "MAX_HOLD", 0.1)
    price_seen = C.price_seen

    def slow_disk(*args, **kwargs):
        time.sleep(0.5)
        return price_seen(*args, **kwargs)

    monkeypatch.setattr(C, "price_seen", slow_disk)
    async with DeskApp(store, actor=volunteer, gate=GATE).run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        burst(pilot.app, "p", "土豆", "tab", "tab", "惠民超市", "tab", "3", "ctrl+s", "p", "白菜")
        await settle(pilot)
        assert [(r["name"], r["prices"]["惠民超市"]["price_fen"]) for r in C.catalogue(store)] == [
            ("土豆", 300)]
        assert isinstance(pilot.app.screen, FormDialog)
        assert values(pilot.app.screen, "f-name", "f-price") == ["白菜", ""]
