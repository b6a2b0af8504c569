"""Garbage collection out of the volunteer's way.

A full (generation 2) collection walks every tracked object: over a heap of
loaded tables that took 100-500 ms, a frozen screen. What is loaded once and
kept (modules, the store's tables, a tab's data) is moved out of the
collector's sight with :func:`freeze_loaded`; :func:`tune` makes the young
collections rarer. The store and the app both call these (one policy).

What the screen draws is short-lived garbage in reference cycles (Textual's
line strips keep caches that hold the strip itself): it outlives the young
collections while it is on screen and then waits for a full one. Left to
the automatic thresholds that full collection came every ~8 minutes over
~500k objects, 500-750 ms with the screen stuck (bench/bench_soak.py).
:class:`QuietCollector` runs it every :data:`COLLECT_EVERY` seconds in a
pause of typing instead, over a minute's garbage: tens of milliseconds,
while nobody is waiting for a key. After it, what was freed goes back to the
system (glibc's ``malloc_trim``): freed memory malloc keeps is RSS of a
shared machine's six desks.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time

#: generation 0 collects after this many new container objects (default 700),
#: the older generations after this many younger collections (defaults 10, 10)
THRESHOLDS = (10_000, 20, 20)


#: glibc's malloc arenas: 2, not 8 per core. Each worker thread that
#: allocates gets an arena of its own, and what is freed there stays RSS
#: (bench_soak: 7 MB less a desk over the first minutes, no slower)
ARENAS = 2
_M_ARENA_MAX = -8


def tune() -> None:
    """Set the thresholds for a long-running console process, and malloc's
    arenas (call it before threads start: an arena, once made, stays)."""
    gc.set_threshold(*THRESHOLDS)
    if _LIBC is not None:
        _LIBC.mallopt(_M_ARENA_MAX, ARENAS)


def freeze_loaded(collect: bool = False) -> None:
    """Treat every object alive now as permanent: later collections skip
    them. ``collect`` first frees what is already garbage (a full pass:
    only where a pause does not matter, e.g. before the UI starts)."""
    if collect:
        gc.collect()
    gc.freeze()


def thaw() -> None:
    """Give everything frozen back to the collector: before what was frozen
    with a screen is taken down (signing out ends the main screen, a widget
    tree full of reference cycles that, frozen, would never be freed: ~13 MB
    a sign-out on the demo). :func:`freeze_loaded` afterwards."""
    gc.unfreeze()


#: seconds between two full collections while the console runs
COLLECT_EVERY = 30.0
#: ... each run only once no key has come for this long
QUIET_FOR = 1.0


class QuietCollector:
    """Full collections at a pace and a moment of the console's choosing."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.last = clock()

    def due(self, last_input: float) -> bool:
        now = self.clock()
        return now - self.last >= COLLECT_EVERY and now - last_input >= QUIET_FOR

    def maybe_collect(self, last_input: float) -> bool:
        """Collect if one is due and the volunteer is not typing; say so."""
        if not self.due(last_input):
            return False
        gc.collect()
        give_back()
        self.last = self.clock()
        return True


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        libc.malloc_trim, libc.mallopt  # noqa: B018  (both, or neither is used)
        return libc
    except (OSError, AttributeError):  # not glibc: malloc is left as it is
        return None


_LIBC = _glibc()


def give_back() -> None:
    """Return the heap's free pages to the system, where malloc can."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
