"""Every UI test checks that no screen writes to the store on the event loop;
``busy_store`` holds the store as another desk does, to show that a screen
keeps answering meanwhile.

A store write takes the directory's lock and fsyncs; on a busy machine that
is a frozen desk for everyone at it. So a screen writes only from a worker
(screens/widgets/writes.py). This autouse fixture fails a tests/ui test in
which ``Store.transaction`` ran on the main thread with a frame of
``screens/`` or ``app.py`` on the stack (what the test body itself writes to
set up its data is fine: no screen frame is under it).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = (str(ROOT / "screens") + "/", str(ROOT / "app.py"))


def _screen_frame() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(UI):
            return f"{Path(name).relative_to(ROOT)}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return None


@pytest.fixture(autouse=True)
def _no_store_write_on_the_event_loop(request, monkeypatch):
    if "ui" not in request.node.path.relative_to(ROOT).parts[:2]:
        yield
        return
    from console.core.store import Store  # noqa: PLC0415

    real, found = Store.transaction, []

    def transaction(self, *tables):
        if threading.current_thread() is threading.main_thread() and (where := _screen_frame()):
            found.append(where)
        return real(self, *tables)

    monkeypatch.setattr(Store, "transaction", transaction)
    yield
    assert not found, f"store written on the event loop from {found}"


class OtherDesk:
    """Stands in for the store's mutex while another desk holds it: who waits
    for the store meanwhile, and where the event loop did (a frozen screen)."""

    def __init__(self, lock) -> None:
        self.lock = lock
        self.held = False
        self.free = threading.Event()
        self.waiting: list[threading.Thread] = []   # threads waiting for the store now
        self.loop_waited: list[str] = []            # where the event loop waited for it

    def __enter__(self):
        me = threading.current_thread()
        if self.held and not self.lock._is_owned():   # noqa: SLF001 (RLock: this thread holds it)
            if me is threading.main_thread():
                self.loop_waited.append(_screen_frame() or "the event loop")
                self.free.set()   # let go now: the test fails on where, not on a long wait
            self.waiting.append(me)
            try:
                self.lock.acquire()
            finally:
                self.waiting.remove(me)
        else:
            self.lock.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()

    async def until(self, condition, what: str) -> None:
        """Let the app run until ``condition()`` holds. Not Pilot's pause: that
        waits for the keys a key holds, and those wait for the held store."""
        for _ in range(UNTIL_ROUNDS):
            if self.loop_waited:
                raise AssertionError(f"the event loop waited for the store at {self.loop_waited}")
            if condition():
                return
            await asyncio.sleep(0.005)
        raise AssertionError(f"never came: {what}")


#: how many looks :meth:`OtherDesk.until` takes before it says what never came
UNTIL_ROUNDS = 5000


@pytest.fixture
def busy_store(store):
    """``with busy_store() as other_desk:`` the store is held as another desk's
    commit holds it (this desk's worker waiting for the directory's lock, the
    fsync: all of it under the store's mutex) until the block ends. Only a
    worker may wait for it meanwhile (``other_desk.waiting``); the block fails
    where the event loop waited for it instead."""
    @contextlib.contextmanager
    def hold():
        other = OtherDesk(store._mutex)   # noqa: SLF001 (what a commit holds)
        ready = threading.Event()

        def busy() -> None:
            with other.lock:
                other.held = True
                ready.set()
                other.free.wait(60)
                other.held = False
        store._mutex = other   # noqa: SLF001
        holder = threading.Thread(target=busy, name="other-desk", daemon=True)
        holder.start()
        try:
            assert ready.wait(10)
            yield other
        finally:
            other.free.set()
            holder.join()
            store._mutex = other.lock   # noqa: SLF001
        assert not other.loop_waited, f"the event loop waited for the store at {other.loop_waited}"
    return hold


def waiting_keys(app) -> str:
    """The characters of the keys the app's key gate holds, named keys as <name>."""
    return "".join(k.character if k.is_printable else f"<{k.key}>" for k in app.keys.waiting)
