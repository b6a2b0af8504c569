"""Every purchase request by id, kept up to date change by change.

The Purchases tab, the unpaid list and the gate's redirected requests read
all 15k requests of a 10x data directory; wrapping, sorting and filtering
them on every reload cost 100-200 ms. :func:`request_index` keeps them,
each with its ``id`` (a :class:`Request`, the stored record itself), in id order, with the ids of each status, of the
unpaid ones and of those made at a gate, with
:func:`console.core.cache.folded`: inserts, updates and removals are folded
in; an insert below the highest id builds it again. Read-only once made (a
fold makes a new value; rows are shared).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from console.core.cache import folded
from console.core.store import Store

REQUESTS = "purchase_requests"
#: a request in one of these, not settled, is owed
OWING = ("bought", "out", "delivered")


def groups(row: dict) -> list[tuple]:
    """The groups a request is listed in: its status; unpaid; made at a gate."""
    out = [("status", row.get("status"))]
    if row.get("status") in OWING and not row.get("settlement"):
        out.append(("unpaid",))
    if isinstance(row.get("source"), dict) and "checkpoint" in row["source"]:
        out.append(("gate",))
    return out


class Request(Mapping):
    """A stored request with its ``id``, read as a dict is (``row["id"]``,
    ``row.get``, ``{**row}``, ``dict(row)``) without copying the record: a
    copy of each held 9.6 MB at 10x. Read-only, as the record is."""

    __slots__ = ("id", "record")

    def __init__(self, doc_id: int, record: dict):
        self.id, self.record = doc_id, record

    def __getitem__(self, key: str) -> Any:
        return self.id if key == "id" else self.record[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.id if key == "id" else self.record.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key == "id" or key in self.record

    def __iter__(self) -> Iterator[str]:
        yield from self.record
        yield "id"

    def __len__(self) -> int:
        return len(self.record) + 1

    def __repr__(self) -> str:
        return repr(dict(self))


class RequestIndex:
    """``rows`` {id: :class:`Request`} in id order; ``groups`` {group:
    {id: None}} (see :func:`groups`), ids in no particular order."""

    __slots__ = ("rows", "groups")

    def __init__(self, rows: dict[int, dict], grouped: dict[tuple, dict[int, None]]):
        self.rows, self.groups = rows, grouped

    def ids(self, group: tuple) -> list[int]:
        """The ids in ``group``, newest first."""
        return sorted(self.groups.get(group, ()), reverse=True)


class _Change:
    def __init__(self, old: RequestIndex):
        self.new = RequestIndex(dict(old.rows), dict(old.groups))
        self.copied: set[tuple] = set()

    def _group(self, key: tuple) -> dict[int, None]:
        if key not in self.copied:
            self.copied.add(key)
            self.new.groups[key] = dict(self.new.groups.get(key, {}))
        return self.new.groups[key]

    def drop(self, doc_id: int, keep_place: bool = False) -> None:
        """Out of its groups, and out of ``rows`` unless its place is kept (an update)."""
        row = self.new.rows.get(doc_id) if keep_place else self.new.rows.pop(doc_id, None)
        if row is not None:
            for key in groups(row):
                self._group(key).pop(doc_id, None)

    def put(self, doc_id: int, record: dict) -> None:
        row = self.new.rows[doc_id] = Request(doc_id, record)
        for key in groups(row):
            self._group(key)[doc_id] = None


def _build(records: list[tuple[int, dict]]) -> RequestIndex:
    change = _Change(RequestIndex({}, {}))
    for doc_id, r in sorted(records, key=lambda p: p[0]):
        change.put(doc_id, r)
    return change.new


def _fold(index: RequestIndex, changes: list[dict]) -> RequestIndex | None:
    change = _Change(index)
    for c in changes:
        if c["op"] == "insert" and c["id"] <= next(reversed(change.new.rows), 0):
            return None  # out of id order: built again, in order
        change.drop(c["id"], keep_place=c["op"] == "update")
        if c["op"] != "remove":
            change.put(c["id"], c["after"])
    return change.new


def request_index(store: Store) -> RequestIndex:
    """The index as the store is now. Shared: never change a row of it."""
    return folded(store, REQUESTS, _build, _fold, tag="index")
