"""Every purchase request by id, kept up to date change by change.

The Purchases tab, the unpaid list and the gate's redirected requests read
all 15k requests of a 10x data directory; wrapping and sorting them on every
reload cost 100-200 ms. :func:`request_rows` keeps them, each with its ``id``,
in id order with :func:`console.core.cache.folded`: inserts, updates and
removals are folded in; an insert below the highest id builds it again.
Read-only once made (a fold makes a new dict; rows are shared).
"""

from __future__ import annotations

from console.core.cache import folded
from console.core.store import Store

REQUESTS = "purchase_requests"


def _build(records: list[tuple[int, dict]]) -> dict[int, dict]:
    return {i: {**r, "id": i} for i, r in sorted(records, key=lambda p: p[0])}


def _fold(rows: dict[int, dict], changes: list[dict]) -> dict[int, dict] | None:
    new = dict(rows)
    top = next(reversed(new), 0)
    for c in changes:
        if c["op"] == "remove":
            new.pop(c["id"], None)
        elif c["op"] == "update" and c["id"] in new:
            new[c["id"]] = {**c["after"], "id": c["id"]}
        elif c["id"] > top:
            top = c["id"]
            new[c["id"]] = {**c["after"], "id": c["id"]}
        else:
            return None  # out of id order: built again, in order
    return new


def request_rows(store: Store) -> dict[int, dict]:
    """{id: request with its id}, oldest first. Shared: copy before changing one."""
    return folded(store, REQUESTS, _build, _fold, tag="rows")
