"""Garbage collection out of the volunteer's way.

A full (generation 2) collection walks every tracked object: over a heap of
loaded tables that took 100-500 ms, a frozen screen. What is loaded once and
kept (modules, the store's tables, a tab's data) is moved out of the
collector's sight with :func:`freeze_loaded`; :func:`tune` makes the young
collections rarer. The store and the app both call these (one policy).
"""

from __future__ import annotations

import gc

#: generation 0 collects after this many new container objects (default 700),
#: the older generations after this many younger collections (defaults 10, 10)
THRESHOLDS = (10_000, 20, 20)


def tune() -> None:
    """Set the thresholds for a long-running console process."""
    gc.set_threshold(*THRESHOLDS)


def freeze_loaded(collect: bool = False) -> None:
    """Treat every object alive now as permanent: later collections skip
    them. ``collect`` first frees what is already garbage (a full pass:
    only where a pause does not matter, e.g. before the UI starts)."""
    if collect:
        gc.collect()
    gc.freeze()
