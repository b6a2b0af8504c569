"""The console's full garbage collections wait for a pause in typing."""

import gc
import weakref

from console.core import heap


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_waits_while_someone_types_and_between_collections():
    clock = Clock()
    collector = heap.QuietCollector(clock)
    was = gc.isenabled()
    gc.disable()  # only the collector may free it here
    try:
        cycle = weakref.ref(Cycle())
        clock.now += heap.COLLECT_EVERY - 1
        assert not collector.maybe_collect(last_input=0.0)  # not yet due
        clock.now += 1
        assert not collector.maybe_collect(last_input=clock.now - 0.2)  # a key just came
        assert cycle() is not None
        clock.now += heap.QUIET_FOR
        assert collector.maybe_collect(last_input=clock.now - heap.QUIET_FOR)
        assert cycle() is None
        assert not collector.maybe_collect(last_input=0.0)  # the next one a period later
    finally:
        if was:
            gc.enable()
