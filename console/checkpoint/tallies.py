"""One day's gate log in the two shapes the shift screen reads.

``shifts.shift_counts`` (arrivals at a gate between two times) and
``shifts.out_on_errand`` (who went out with a pass and is not back) used to
read every entry of the days they cover on every call. :func:`day_tally` keeps,
per day, the live entries (after corrections) as compact rows for counting
and the pass entries in full, with :func:`console.core.cache.folded`: a new
plain entry is folded in; a correction, a change or a removal makes the
day's value be built again.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from console.checkpoint.rules import live
from console.core.cache import folded
from console.core.store import Store
from console.core.temperature import is_fever

PASS = "allowed_with_pass"


class Row(NamedTuple):
    at: dt.datetime
    gate: str
    outcome: str
    fever: bool
    direction: str


class DayTally:
    """``rows``: a Row per live entry with a time, in entry order;
    ``passes``: the live pass entries (with ``id``), in entry order;
    ``corrected``: ids a correction replaces. Read-only once made."""

    __slots__ = ("rows", "passes", "corrected")

    def __init__(self, rows: list[Row], passes: list[dict], corrected: set[int]):
        self.rows, self.passes, self.corrected = rows, passes, corrected

    def _add(self, e: dict) -> None:
        if e.get("at"):
            self.rows.append(Row(dt.datetime.fromisoformat(e["at"]), e.get("gate"), e.get("outcome", ""),
                                 bool(e.get("fever") or is_fever(e.get("temp"))), e.get("direction")))
        if e.get("outcome") == PASS:
            self.passes.append(e)


def _build(records: list[tuple[int, dict]]) -> DayTally:
    rows = [{**r, "id": i} for i, r in sorted(records, key=lambda p: p[0])]
    day = DayTally([], [], {r["corrects"] for r in rows if r.get("corrects")})
    for e in live(rows):
        day._add(e)
    return day


def _fold(day: DayTally, changes: list[dict]) -> DayTally | None:
    new = DayTally(list(day.rows), list(day.passes), day.corrected)
    for c in changes:
        after = c.get("after")
        if c["op"] != "insert" or after.get("corrects") or after.get("correction"):
            return None
        if c["id"] not in new.corrected:
            new._add({**after, "id": c["id"]})
    return new


def day_tally(store: Store, day: str) -> DayTally:
    return folded(store, "checkpoint", _build, _fold, day=day, tag="tally")


# -- the log as the checkpoint tab pages it ----------------------------------------

class DayRows:
    """``rows``: every entry of the day with its ``id``, in entry order;
    ``fixes``: {entry id: the entry correcting it (with ``id``)}, the latest
    correction winning. Shared and read-only: copy a row before changing it."""

    __slots__ = ("rows", "fixes")

    def __init__(self, rows: list[dict], fixes: dict[int, dict]):
        self.rows, self.fixes = rows, fixes


def _build_rows(records: list[tuple[int, dict]]) -> DayRows:
    rows = [{**r, "id": i} for i, r in sorted(records, key=lambda p: p[0])]
    return DayRows(rows, {r["corrects"]: r for r in rows if r.get("corrects")})


def _fold_rows(day: DayRows, changes: list[dict]) -> DayRows | None:
    """New entries appended; a change or a removal (None): built again."""
    new = DayRows(list(day.rows), day.fixes)
    for c in changes:
        if c["op"] != "insert" or (new.rows and c["id"] <= new.rows[-1]["id"]):
            return None
        row = {**c["after"], "id": c["id"]}
        new.rows.append(row)
        if row.get("corrects"):
            if new.fixes is day.fixes:
                new.fixes = dict(day.fixes)
            new.fixes[row["corrects"]] = row
    return new


def day_rows(store: Store, day: str | bool | None = None) -> DayRows:
    """The day's log (default today) as :class:`DayRows`."""
    return folded(store, "checkpoint", _build_rows, _fold_rows, day=day or True, tag="rows")
