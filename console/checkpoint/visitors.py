"""Repeat visitors and recall: what the gate already knows about a person.

The entry form shows a notice when someone came earlier today or was
turned away in the last LOOKBACK_DAYS days (:func:`repeat_info`), and
offers recent visitors by name or phone (:func:`recall`). Both read a
per-day index of the live log (after corrections) kept with
:func:`console.core.cache.folded`: today's by identity (:class:`DayIndex`;
a new entry is folded in; a correction, a change or a removal builds it
again), an earlier day's packed in one bytes value (:class:`PastDay`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.checkpoint.codes import clean as _clean, recent_days
from console.checkpoint.gate import label, normalise_phone
from console.checkpoint.rules import live
from console.core import clock, i18n, names, safe_text
from console.core.cache import folded
from console.core.i18n import DomainError
from console.core.store import Store
from console.households import registry as households

LOOKBACK_DAYS = 14


def person_keys(name: str, phone: str, door: str, org: str = "") -> list[tuple]:
    """Identities of a person: their phone, and name + household (or org)."""
    keys = []
    if phone:
        keys.append(("phone", phone))
    if name and (door or org):
        keys.append(("name", name, door or org))
    return keys


#: an entry as today's index keeps it: what the notices read (14 days of
#: whole entries held ~40 MB at 10x, after the store had evicted those days' tables)
SEEN = ("id", "at", "outcome")
#: of an earlier day the notices read only who was turned away
TURNED = "turned_away"


class DayIndex:
    """Today's live entries by identity: ``index`` {person key: [(id, at,
    outcome)]}, ``visitors`` {(name, phone, door, org): (plate, purpose, at)
    of the latest entry} in order of first visit; ``corrected`` ids a
    correction replaces. Read-only once made."""

    __slots__ = ("index", "visitors", "corrected")

    def __init__(self, index: dict, visitors: dict, corrected: set):
        self.index, self.visitors, self.corrected = index, visitors, corrected

    def _add(self, e: dict, copied: set) -> None:
        seen = (e["id"], e.get("at", ""), e.get("outcome", ""))
        for key in person_keys(e.get("name", ""), e.get("phone", ""), e.get("door", ""),
                               e.get("org", "")):
            if key not in copied:
                copied.add(key)
                self.index[key] = list(self.index.get(key, ()))
            self.index[key].append(seen)
        who = (e.get("name", ""), e.get("phone", ""), e.get("door", ""), e.get("org", ""))
        if who[0] or who[3]:
            self.visitors[who] = (e.get("plate", ""), e.get("purpose", ""), e.get("at", ""))  # later wins

    def seen(self, keys: list[tuple]) -> list[tuple]:
        """(id, at, outcome) of the entries of a person with any of ``keys``, oldest first."""
        return sorted({e[0]: e for key in keys for e in self.index.get(key, ())}.values())

    def newest(self, prefix: str, hit: Callable[[str, str], bool]):
        """((name, phone, door, org), (plate, purpose, at)) of each visitor
        ``hit(name, phone)`` keeps, newest first (``prefix`` is for
        :meth:`PastDay.newest`)."""
        return ((who, seen) for who, seen in reversed(list(self.visitors.items()))
                if hit(who[0], who[1]))


#: a past day's line: the fields recall and the notices read, UTF-8, US between
LINE = ("name", "phone", "door", "org", "plate", "purpose", "at", "id", "outcome")
SEP = "\x1f"
US, NL = SEP.encode(), b"\n"


class PastDay:
    """An earlier day's live entries as one bytes value, a line each (:data:`LINE`),
    oldest first, NL before and after every line. 13 days of them as dicts and
    tuples held ~23 MB at 10x (the strings kept alive after the store had
    evicted the days' tables); packed, ~3 MB. Found with ``bytes.find``.
    Read-only."""

    __slots__ = ("text",)

    def __init__(self, text: bytes):
        self.text = text

    def _lines(self, needle: bytes):
        text, at = self.text, 0
        while (at := text.find(needle, at)) >= 0:
            start = text.rfind(NL, 0, at + 1) + 1
            end = text.find(NL, at + 1)
            yield [f.decode() for f in text[start:end].split(US)]
            at = end

    def seen(self, keys: list[tuple]) -> list[tuple]:
        """(id, at, outcome) of the turned-away entries of a person with any of ``keys``, oldest first."""
        found: dict[int, tuple] = {}
        for key in keys:
            needle = US + key[1].encode() + US if key[0] == "phone" else NL + key[1].encode() + US
            for f in self._lines(needle):
                if f[8] == TURNED and key in person_keys(f[0], f[1], f[2], f[3]):
                    found[int(f[7])] = (int(f[7]), f[6], f[8])
        return [found[i] for i in sorted(found)]

    def newest(self, prefix: str, hit: Callable[[str, str], bool]):
        """As :meth:`DayIndex.newest`, of every entry (a visitor may come more
        than once). A ``prefix`` that has no letter case (Chinese, digits: no
        pinyin to try, nothing to lower) is looked for in the bytes first."""
        needle = prefix.encode() if prefix.lower() == prefix.upper() else b""
        if needle not in self.text:
            return
        for line in reversed(self.text.split(NL)):
            if line and needle in line:
                name, phone, rest = line.split(US, 2)
                name, phone = name.decode(), phone.decode()
                if hit(name, phone):
                    f = rest.decode().split(SEP)
                    yield (name, phone, f[0], f[1]), (f[2], f[3], f[4])


def _line(e: dict) -> str:
    fields = [v if type(v) is str else "" if v is None else str(v) for v in map(e.get, LINE)]
    line = SEP.join(fields)
    if line.count(SEP) != len(LINE) - 1 or "\n" in line:  # a field holding either
        line = SEP.join(f.replace(SEP, " ").replace("\n", " ") for f in fields)
    return line


def _rows(records: list[tuple[int, dict]]) -> list[dict]:
    return [{**r, "id": i} for i, r in sorted(records, key=lambda p: p[0])]


def _build(records: list[tuple[int, dict]]) -> DayIndex:
    rows = _rows(records)
    day = DayIndex({}, {}, {r["corrects"] for r in rows if r.get("corrects")})
    copied: set = set()
    for e in live(rows):
        day._add(e, copied)
    return day


def _build_past(records: list[tuple[int, dict]]) -> PastDay:
    lines = "".join(_line(e) + "\n" for e in live(_rows(records)))
    return PastDay(("\n" + lines).encode())


def _fold(day: DayIndex, changes: list[dict]) -> DayIndex | None:
    """New plain entries folded in; anything else (None): built again."""
    new = DayIndex(dict(day.index), dict(day.visitors), day.corrected)
    copied: set = set()
    for c in changes:
        after = c.get("after")
        if c["op"] != "insert" or after.get("corrects") or after.get("correction"):
            return None
        if c["id"] not in new.corrected:
            new._add({**after, "id": c["id"]}, copied)
    return new


def day_index(store: Store, day: str, today: str) -> DayIndex | PastDay:
    """Today's index (kept up to date entry by entry), or an earlier day's
    (built again on any change: a correction made later)."""
    if day == today:
        return folded(store, "checkpoint", _build, _fold, day=day, tag="visitors")
    return folded(store, "checkpoint", _build_past, lambda _day, _changes: None, day=day,
                  tag="visitors-past")


def repeat_info(store: Store, name: str = "", phone: str = "", door: str = "",
                org: str = "", today: str | None = None) -> dict:
    """What the gate already knows about this person.

    ``{"today": [entries today, oldest first], "turned": [earlier turned-away
    entries in the last LOOKBACK_DAYS days], "notice": one line or ""}``.
    Fields may be raw form text; unreadable ones are ignored.
    """
    try:
        phone = normalise_phone(phone)
    except DomainError:
        phone = ""
    try:
        door = households.normalise_door(door) if door else ""
    except DomainError:
        org, door = org or _clean(door, 200), ""
    name = safe_text.line(name, nfkc=True)
    keys = person_keys(name, phone, door, org)
    today = today or clock.today().isoformat()
    out: dict[str, Any] = {"today": [], "turned": [], "notice": ""}
    if not keys:
        return out
    for day in reversed(recent_days(store, today, LOOKBACK_DAYS)):
        found = [dict(zip(SEEN, e)) for e in day_index(store, day, today).seen(keys)]
        if day == today:
            out["today"] = found
        out["turned"] += [{**e, "day": day} for e in reversed(found)
                          if e.get("outcome") == TURNED]
    parts = []
    if out["today"]:
        last = out["today"][-1]
        parts.append(i18n.t("checkpoint.repeat_today", n=len(out["today"]),
                            time=str(last.get("at", ""))[11:16],
                            outcome=label("outcome", last.get("outcome", ""))))
    if out["turned"]:
        parts.append(i18n.t("checkpoint.repeat_turned", n=len(out["turned"]),
                            day=out["turned"][0]["day"][5:]))
    out["notice"] = " · ".join(parts)
    return out


def recall(store: Store, prefix: str, limit: int = 10, today: str | None = None) -> list[dict]:
    """Recent visitors whose name or phone starts with ``prefix``, newest
    first, one per person: {name, phone, door, org, plate, purpose, last}."""
    prefix = safe_text.line(prefix, nfkc=True)
    if not prefix:
        return []
    today = today or clock.today().isoformat()
    found: dict[tuple, dict] = {}
    by_name: dict[str, bool] = {}   # a name seen again is not matched again

    def hit(name: str, phone: str) -> bool:
        if name.startswith(prefix) or (phone and phone.startswith(prefix)):
            return True
        if name not in by_name:
            by_name[name] = names.matches(name, prefix)
        return by_name[name]

    for day in reversed(recent_days(store, today, LOOKBACK_DAYS)):
        for who, (plate, purpose, at) in day_index(store, day, today).newest(prefix, hit):
            if who not in found:
                found[who] = {"name": who[0], "phone": who[1], "door": who[2], "org": who[3],
                              "plate": plate, "purpose": purpose, "last": at}
                if len(found) >= limit:
                    return list(found.values())
    return list(found.values())
