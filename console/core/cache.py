"""Values derived from a table, kept per data directory while the table's
file is unchanged (``store.version``), so a lookup on every keystroke does
not re-read or re-index anything."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from console.core.store import Store

_lock = threading.Lock()
_cache: dict[tuple, tuple[Any, Any]] = {}
LIMIT = 256


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
    with _lock:
        _cache[key] = (version, value)
        if len(_cache) > LIMIT:
            _cache.pop(next(iter(_cache)))
    return value
