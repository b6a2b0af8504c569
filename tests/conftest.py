"""The suite's one conftest: a small data directory (a leader, a volunteer, two
buildings), a frozen clock, a second desk on the same data directory, and the
Pilot helpers every UI test uses (open a tab, let the screen settle).
Fixtures for one kind of test live in helper modules it registers below
(pytest_plugins); the clock is frozen only through ``freeze_clock``.

tests/domain/ tests console/ without a UI; tests/ui/ drives the app with Pilot;
tests/e2e/ runs it in tmux and over sshd.
"""

from __future__ import annotations

import datetime as dt

import pytest

from console.core import clock, i18n, operators
from console.core.store import Store

PIN = "1234"
LEADER_PIN = "123456"

pytest_plugins = [
    "tests.errand_helpers",   # errand fixtures (clk, pass_) for every test
    "tests.gate_day",         # gate_day: the checkpoint tests' clock
    "tests.purge_history",    # history: records older than the purge date
    "tests.e2e.desk",         # tmux, demo_dir, desk: the end-to-end tests
    "tests.off_loop",         # every tests/ui test: no screen writes on the event loop
]


def _small_households(store: Store) -> None:
    rows, buildings = [], []
    for b in (1, 2):
        buildings.append({"number": b, "grid": str(b), "floors": 6, "leader": f"楼长{b}"})
        for floor in range(1, 7):
            for door in range(1, 5):
                room = f"{floor}{door:02d}"
                rows.append({"door": f"{b}-{room}", "building": b, "unit": 1 + (door > 2),
                             "floor": floor, "room": room, "head": f"户主{b}{room}",
                             "phone": f"1380000{b}{room}", "members": 3, "grid": str(b),
                             "at_home": not (floor == 6 and door == 4)})
    with store.transaction("households", "buildings") as tx:
        tx.table("buildings").insert_multiple(buildings)
        tx.table("households").insert_multiple(rows)


@pytest.fixture(autouse=True)
def _cheap_pins(monkeypatch):
    """Tests hash PINs with a tiny scrypt cost (production: operators.SCRYPT,
    about 350 ms a check); hashes keep their cost, so both verify."""
    monkeypatch.setattr(operators, "SCRYPT", {"n": 2**4, "r": 1, "p": 1})


@pytest.fixture(autouse=True)
def _unexpected_errors_fail_tests(monkeypatch):
    """The console shows a short message for an unexpected error and goes on;
    in tests such an error fails the test (tests/test_crash.py turns this off)."""
    from app import DeskApp

    monkeypatch.setattr(DeskApp, "RAISE_UNEXPECTED", True)


@pytest.fixture(autouse=True)
def _english():
    """Tests read messages in English unless they switch language themselves."""
    before = i18n.lang()
    i18n.set_lang("en")
    yield
    i18n.set_lang(before)


@pytest.fixture
def empty_store(tmp_path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def store(empty_store: Store) -> Store:
    leader = operators.create_first_leader(empty_store, "组长甲", LEADER_PIN)
    operators.add_member(empty_store, leader, "志愿者乙", "volunteer", PIN)
    _small_households(empty_store)
    empty_store.actor = {"op": "", "role": ""}
    return empty_store


@pytest.fixture
def leader() -> operators.Actor:
    return operators.Actor("组长甲", "leader")


@pytest.fixture
def volunteer() -> operators.Actor:
    return operators.Actor("志愿者乙", "volunteer")


class FrozenClock:
    """console.core.clock stopped at ``t``; tests move it with ``set`` or ``advance``."""

    def __init__(self, monkeypatch, start: dt.datetime):
        self.t = start
        monkeypatch.setattr(clock, "now", lambda: self.t)

    def set(self, t: dt.datetime) -> dt.datetime:
        self.t = t
        return t

    def advance(self, **delta) -> dt.datetime:
        self.t += dt.timedelta(**delta)
        return self.t


@pytest.fixture
def freeze_clock(monkeypatch):
    """freeze_clock(start) stops console.clock at ``start`` and returns the FrozenClock."""
    return lambda start: FrozenClock(monkeypatch, start)


@pytest.fixture
def second_desk(store) -> Store:
    """Another desk on the same data directory: its own Store (own cache), as
    another volunteer's SSH session has."""
    other = Store(store.root)
    other.actor = {"op": "志愿者乙", "role": "volunteer"}
    return other


# -- Pilot helpers (tests/ui) ---------------------------------------------------------

#: how many pauses settle() takes at most before it says what never settled
SETTLE_ROUNDS = 200


def _busy(app) -> list:
    """What is still in flight: workers not done, messages queued in any widget
    (on every screen, not only the top one), callbacks waiting for the top
    screen's refresh. (Textual queues every call_after_refresh on the screen
    shown at the time; one queued on a screen that a window then covered runs
    when that screen shows again, so it is not waited for.)"""
    return ([w for w in app.workers if not w.is_finished]
            + ([app.screen] if app.screen._callbacks else [])  # noqa: SLF001 (call_after_refresh)
            + [n for n in [app, *app._registry]                # noqa: SLF001 (every node)
               if n.message_queue_size or n._next_callbacks])  # noqa: SLF001


async def _settle(pilot) -> None:
    """Let the app settle: no worker running, no message or refresh callback
    pending, on two looks in a row, as its name says. It used to take a fixed
    two rounds of waiting, but a save's worker starts a reload, the reload a
    worker (a purchases view: its read, then its table's window, then a read
    again for a resize that came meanwhile), and how many rounds that takes
    depends on how the threads were scheduled on a busy machine."""
    app, quiet = pilot.app, 0
    for _ in range(SETTLE_ROUNDS):
        await pilot.pause()
        if _busy(app):
            quiet = 0
            await app.workers.wait_for_complete()
        else:
            quiet += 1
            if quiet == 2:
                return
    raise AssertionError(f"the app never settled; still in flight: {_busy(app)}")


@pytest.fixture
def settle():
    """await settle(pilot): every worker done and every message handled."""
    return _settle


async def _poll_now(pilot) -> None:
    """The app's store poll (what other desks wrote), run now and settled. A
    poll the app's timer started before another desk's write may have read the
    store before it, and a poll is not stacked on a running one, so a test's
    own ``app._poll()`` did nothing then: it waits for that poll to end first."""
    app = pilot.app
    while app._polling:   # noqa: SLF001 (the app's poll in flight)
        await app.workers.wait_for_complete()
    app._poll()           # noqa: SLF001 (no await since the check: no timer poll in between)
    await _settle(pilot)


@pytest.fixture
def poll_now():
    """await poll_now(pilot): the desk has seen every write made before the call."""
    return _poll_now


@pytest.fixture
def open_tab():
    """tab = await open_tab(pilot, "stock", view="f7"): the tab's F-key, its focus
    landed (a busy machine takes a few frames), then the view key if given."""
    from app import TABS, tab_class  # noqa: PLC0415  (domain tests never load the UI)

    async def open_(pilot, name: str, view: str | None = None):
        names = [n for n, _ in TABS]
        await pilot.press(f"f{names.index(name) + 1}")
        await _settle(pilot)
        tab = pilot.app.screen.query_one(tab_class(name))
        for _ in range(50):
            if pilot.app.focused is not None and tab in pilot.app.focused.ancestors_with_self:
                break
            await pilot.pause()
        if view:
            await pilot.press(view)
            await _settle(pilot)
        return tab

    return open_


@pytest.fixture(autouse=True)
def _pilot_waits_for_held_keys(monkeypatch):
    """Pilot's press and pause return only once the app's key gate
    (screens/key_order.py) has delivered every key pressed so far."""
    from textual.pilot import Pilot

    press, pause = Pilot.press, Pilot.pause

    async def delivered(pilot) -> None:
        keys = getattr(pilot.app, "keys", None)
        if keys is not None and hasattr(keys, "delivered"):
            await keys.delivered()

    async def press_then_wait(self, *keys: str) -> None:
        await press(self, *keys)
        await delivered(self)
        await self._wait_for_screen()

    async def wait_then_pause(self, delay: float | None = None) -> None:
        await delivered(self)
        await pause(self, delay)

    monkeypatch.setattr(Pilot, "press", press_then_wait)
    monkeypatch.setattr(Pilot, "pause", wait_then_pause)


@pytest.fixture(autouse=True)
def _superseded_workers_are_done(monkeypatch):
    """``app.workers.wait_for_complete()`` waits for every worker, and one that
    was cancelled meanwhile is done, not an error. The desk's exclusive workers
    cancel the one before them by design (each key typed into the name box
    starts a lookup and cancels the last): Textual's own wait then raised
    WorkerCancelled out of its gather and failed the test whenever a newer
    worker happened to start while it waited, as on a busy machine. A worker
    that failed still raises WorkerFailed."""
    from textual.worker import WorkerCancelled
    from textual.worker_manager import WorkerManager

    async def wait_for_complete(self, workers=None) -> None:
        for worker in list(workers or self):
            try:
                await worker.wait()
            except WorkerCancelled:
                pass

    monkeypatch.setattr(WorkerManager, "wait_for_complete", wait_for_complete)
