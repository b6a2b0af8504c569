"""Keys reach the widget that has the focus when they are typed.

Textual hands every key at once to the queue of the widget focused at that
moment. A key that moves the focus (Tab, Enter to the next field, a key that
opens or closes a window, Ctrl+S that saves and clears a form) does so only
after it has bubbled up through the widgets' queues to the app's bindings, and
by then the keys typed after it (a fast typist, a paste, a scanner, a slow
moment of the machine) are already queued in the old field: "李四" Tab
"13900139001" came out as Name = "李四13900139001".

:class:`KeyOrder` sits in front of that. A key the focused widget takes as
text (a character into an input) goes straight through. Any other key is
delivered and the keys after it wait until everything it set off has been
handled: no message left in any widget's queue, no after-refresh callback
pending, no save it started still running (see :meth:`KeyOrder.wait_for`).
Then the waiting keys are delivered in order, each to whatever has the focus
then, and the next key that can move the focus holds the rest again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from textual import events
from textual.worker import Worker

log = logging.getLogger(__name__)

#: a key whose effects never settle (a stuck widget that keeps posting messages)
#: holds the others while the desk spends this much processor time at most. Not
#: wall-clock time: on a starved machine (four test suites on two cores, a busy
#: shared server) or behind a save waiting on the disk the desk is slow, not
#: stuck, and the 3 s wall-clock limit released the keys into the old field
#: (the next visitor's name typed into the form its save was about to clear)
MAX_HOLD = 3.0
#: ... and this long on the clock in any case (a save that never returns)
MAX_WAIT = 30.0
POLL = 0.002


class KeyOrder:
    """The app's key gate: ``app.on_event`` asks :meth:`take` about each new key."""

    def __init__(self, app, deliver: Callable[[events.Key], Awaitable[None]]):
        self.app = app
        self.deliver = deliver
        self.waiting: deque[events.Key] = deque()
        self.held = False
        self.workers: list[Worker] = []
        self._task: asyncio.Task | None = None

    async def take(self, event: events.Key) -> None:
        """A key from the terminal: deliver it now or queue it behind a held one."""
        if self.held or self.waiting:
            self.waiting.append(event)
        elif not await self._deliver(event):
            self.waiting.append(event)
            self._hold()

    async def delivered(self) -> None:
        """Return once every key typed so far has been delivered (for tests),
        or the app has stopped (a key that closed it is never released)."""
        while (self.held or self.waiting) and self.app.is_running:
            await asyncio.sleep(POLL)

    def wait_for(self, worker: Worker) -> None:
        """Hold keys until ``worker`` (a save that clears the form and moves the
        focus when done) has finished; call it from the key's action."""
        self.workers.append(worker)
        self._hold()

    async def _deliver(self, event: events.Key) -> bool:
        """Deliver ``event`` unless it must wait (False). Text goes straight
        in; any other key first waits for the keys before it to be handled
        (Ctrl+S must see the last characters typed) and then holds the rest."""
        focused = self.app.focused
        if not (focused is not None and focused.check_consume_key(event.key, event.character)):
            if not self._quiet():
                return False
            self._hold()
        await self.deliver(event)
        return True

    def _hold(self) -> None:
        self.held = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._settle())

    async def _settle(self) -> None:
        loop = asyncio.get_running_loop()
        worked, waited = time.process_time() + MAX_HOLD, loop.time() + MAX_WAIT
        quiet = 0
        while quiet < 2:  # quiet on two looks in a row: nothing left in flight
            await asyncio.sleep(POLL)
            quiet = quiet + 1 if self._quiet() else 0
            if time.process_time() > worked or loop.time() > waited:
                log.warning("keys held (%.1fs of work or %.0fs): delivering them anyway",
                            MAX_HOLD, MAX_WAIT)
                self.workers.clear()
                break
        self.app.call_later(self._release)

    def _quiet(self) -> bool:
        self.workers = [w for w in self.workers if not w.is_finished]
        if self.workers:
            return False
        if any(screen._callbacks for screen in self.app.screen_stack):
            return False
        # a handler that awaits waits for other messages (a mount, a push): they are queued
        return not any(node.message_queue_size or node._next_callbacks
                       for node in [self.app, *self.app._registry])

    async def _release(self) -> None:
        """Deliver the waiting keys until one of them holds the rest again."""
        self.held = False
        while self.waiting and not self.held:
            if not await self._deliver(self.waiting[0]):
                self._hold()
                break
            self.waiting.popleft()
