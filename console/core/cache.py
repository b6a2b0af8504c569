"""Values derived from a table, kept per data directory while the table is
unchanged (``store.version``), so a lookup on every keystroke does not
re-read or re-index anything.

:func:`cached` builds the value again whenever the table changed;
:func:`folded` keeps it up to date instead, folding in only the journal
changes made since the version it was built at (``store.changes``), and
builds it again only when it cannot (after a checkpoint by any desk, a
journal rewrite by check or redact, or a change the value's ``fold``
declines).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from console.core.store import Store

_lock = threading.Lock()
_cache: dict[tuple, tuple[Any, Any]] = {}
_folded: dict[tuple, tuple[Any, Any]] = {}
LIMIT = 256
#: False: :func:`folded` builds again on every change (what benchmarks compare it with)
FOLD = True


def _keep(cache: dict, key: tuple, version, value) -> None:
    with _lock:
        cache[key] = (version, value)
        if len(cache) > LIMIT:
            cache.pop(next(iter(cache)))


def cached(store: Store, name: str, build: Callable[[], Any], day: str | None = None,
           tag: str = "") -> Any:
    """``build()`` for table ``name`` (``day`` for a daily table), rebuilt only
    when the table's file changed; ``tag`` tells apart several values derived
    from one table."""
    version = store.version(name, day)
    key = (str(store.root), name, day, tag)
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = build()
    _keep(_cache, key, version, value)
    return value


def folded(store: Store, name: str, build: Callable[[list[tuple[int, dict]]], Any],
           fold: Callable[[Any, list[dict]], Any], day: str | bool | None = None,
           tag: str = "") -> Any:
    """A value derived from table ``name`` (of ``day``: a daily table's
    default is today), kept up to date change by change.

    ``build(records)`` makes it from every record, as (id, record) pairs;
    ``fold(value, changes)`` returns it with journal changes applied
    (oldest first: op insert / update / remove, id, after, before), or None
    when it cannot tell, and then it is built again. Values are shared by
    every thread of the process: ``fold`` returns a new value and leaves the
    one it is given as it was. ``tag`` tells apart values of one table."""
    day = store.table(name, day).day  # today's value never folds tomorrow's changes
    key = (str(store.root), name, day, tag)
    with _lock:
        hit = _folded.get(key)
    delta = store.changes(name, day, since=hit[0] if hit else None)
    if delta.changes == [] and hit is not None:
        return hit[1]
    value = None
    if delta.changes is not None and hit is not None and FOLD:
        value = fold(hit[1], delta.changes)
    if value is None:
        if delta.records is None:  # it could have folded but did not: the records, as of now
            delta = store.changes(name, day)
        value = build(delta.records)
    _keep(_folded, key, delta.version, value)
    return value
