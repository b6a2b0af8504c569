"""A store write (or a print, a PDF, a parse) off the event loop, the keys after it in order.

``write(node, work, done, refused)`` runs ``work()`` in a thread worker, so
the desk keeps drawing while the store takes its lock, fsyncs and applies
(or the printer renders); then, back on the event loop, ``done(result)``, or
``refused(exc)`` with the DomainError it raised (a toast when no ``refused``
is given). A result for a node that is gone meanwhile is dropped.

The keys typed after the one that started it wait until it has finished
(:meth:`screens.key_order.KeyOrder.wait_for`), as a save in a form does:
``a y p`` prints the errand just approved, and a key never lands in a window
that is closing.

``read_newest(node, group, read, show)`` is the same for a read a screen
repeats (the cursor moves, a filter is typed, another desk changed
something): the reads may finish out of order, and only the newest one
started in ``group`` is shown (an older read finishing last would bring back
what the newer one replaced, e.g. hide another desk's entry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.worker import Worker

from console.core.i18n import DomainError


def write(node: DOMNode, work: Callable[[], Any], done: Callable[[Any], None] | None = None,
          refused: Callable[[DomainError], None] | None = None, group: str = "write",
          hold: bool = True) -> Worker:
    app = node.app

    def back(callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is not None and node.is_attached:
            callback(value)

    def toast(exc: DomainError) -> None:
        app.notify(str(exc), severity="error", markup=False)

    def run() -> None:
        try:
            result = work()
        except DomainError as exc:
            app.call_from_thread(back, refused or toast, exc)
        else:
            app.call_from_thread(back, done, result)

    worker = node.run_worker(run, thread=True, group=group, name=getattr(work, "__name__", group))
    return hold_keys(worker) if hold else worker


_STARTED: WeakKeyDictionary[DOMNode, dict[str, int]] = WeakKeyDictionary()


def read_newest(node: DOMNode, group: str, read: Callable[[], Any], show: Callable[[Any], None],
                hold: bool = False) -> Worker:
    """``show(read())`` off the event loop, if no newer read in ``group`` of
    ``node`` was started meanwhile; ``hold``: the keys typed after wait for it."""
    started = _STARTED.setdefault(node, {})
    ticket = started[group] = started.get(group, 0) + 1

    def shown(result: Any) -> None:
        if started[group] == ticket:
            show(result)
    return write(node, read, shown, group=group, hold=hold)


def hold_keys(worker: Worker) -> Worker:
    """The keys typed from now on wait until ``worker`` has finished (also a
    read that follows a write: the next key sees what was written)."""
    keys = getattr(worker.node.app, "keys", None)   # a bare test app has no key gate
    if keys is not None:
        keys.wait_for(worker)
    return worker
