"""Shared by the index tests (test_stock_index.py, test_purchase_index.py): a
small data directory, and a hypothesis program of steps run against it with
the index checked as it goes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from console.core.operators import Actor
from console.core.store import Store
from console.demo import roster as demo

LEADER = Actor(demo.VOLUNTEERS[0], "leader")
DOORS = ("1-101", "1-102", "1-201", "2-101")


def small_directory(tmp: str | Path) -> Store:
    """The demo roster and four households; the store signed in as a leader."""
    store = Store(Path(tmp) / "data")
    demo.add_roster(store)
    store.table("households").insert_multiple(
        [{"door": d, "building": int(d[0]), "floor": d[2], "room": d[2:], "head": "户主",
          "phone": "", "members": 2, "at_home": True} for d in DOORS])
    store.actor = {"op": LEADER.name, "role": "leader"}
    return store


def run_program(program: list[tuple], apply: Callable, assert_agrees: Callable[[Store], None],
                setup: Callable[[Store], None] | None = None) -> None:
    """Each (kind, k, door) step ``apply(store, other desk, kind, k, door)`` on a
    fresh directory; the index is checked after odd ``k`` and at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        store = small_directory(tmp)
        other = Store(store.root)
        other.actor = store.actor
        try:
            if setup:
                setup(store)
            for n, (kind, k, door) in enumerate(program):
                apply(store, other, kind, k, door)
                if k % 2 or n == len(program) - 1:
                    assert_agrees(store)
        finally:  # each example's files: a long run must not run out of descriptors
            store.close()
            other.close()
