"""A store kept busy by another desk, for the tests that prove a screen
answers meanwhile (issue 13: the event loop never waits for the store).

``with store_busy(store) as holder:`` holds what a commit holds (the store's
mutex: this desk's own write, or the wait for another desk's lock and its
fsync) until the block ends. Keys typed then that read the store wait in a
worker, and the keys after them wait for it (screens/key_order.py), so
Pilot's ``press`` and ``pause``, which wait for those keys, would wait for
the store: inside the block keys are posted with ``tests.keys.burst`` and
``await until(...)`` waits for what the screen shows (:func:`key_waits`:
the key was handled and its read waits in a worker).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from console.core.store import Store

#: how many looks until() takes before it says what never happened (a few
#: milliseconds apart: seconds in all, far more than a free loop needs)
UNTIL_ROUNDS = 3000


@contextmanager
def _store_busy(store: Store) -> Iterator[threading.Thread]:
    held, free = threading.Event(), threading.Event()

    def hold() -> None:
        with store._mutex:   # noqa: SLF001 (what a commit holds)
            held.set()
            free.wait(30)
    holder = threading.Thread(target=hold, name="another desk's commit", daemon=True)
    holder.start()
    assert held.wait(10), "the store was never held"
    try:
        yield holder
    finally:
        free.set()
        holder.join()


@pytest.fixture
def store_busy() -> Callable[[Store], AbstractContextManager[threading.Thread]]:
    """``with store_busy(store) as holder:`` the store is busy in the block
    (``holder.is_alive()`` says it still is)."""
    return _store_busy


async def _until(condition: Callable[[], object], what: str = "") -> None:
    for _ in range(UNTIL_ROUNDS):
        if condition():
            return
        await asyncio.sleep(0.002)   # the event loop runs the app meanwhile
    raise AssertionError(f"never happened: {what or condition}")


def key_waits(app) -> bool:
    """A key's read (or write) is running in a worker and the keys after it
    wait for it: the key was handled, not stuck in the event loop."""
    return any(not worker.is_finished for worker in app.keys.workers)


@pytest.fixture
def until():
    """``await until(lambda: ..., "what")``: wait for a condition while keys
    are held (no clock in the assertion: it waits until it holds)."""
    return _until
