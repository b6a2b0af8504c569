"""Repeat visitors and recall: what the gate already knows about a person.

The entry form shows a notice when someone came earlier today or was
turned away in the last LOOKBACK_DAYS days (:func:`repeat_info`), and
offers recent visitors by name or phone (:func:`recall`). Both read a
per-day index of the live log (after corrections) kept with
:func:`console.core.cache.folded`: a new entry is folded in; a correction,
a change or a removal makes that day's index be built again.
"""

from __future__ import annotations

from functools import partial
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


#: an entry as an index keeps it: what the notices read (14 days of whole
#: entries held ~40 MB at 10x, after the store had evicted those days' tables)
SEEN = ("id", "at", "outcome")
#: of an earlier day the notices read only who was turned away: an index of
#: a past day keeps those entries alone (a third less memory at 10x)
TURNED = "turned_away"


class DayIndex:
    """One day's live entries by identity: ``index`` {person key: [(id, at,
    outcome)]} (of a past day only the turned-away ones), ``visitors``
    {(name, phone, door, org): (plate, purpose, at) of the latest entry} in
    order of first visit; ``corrected`` ids a correction replaces.
    Read-only once made."""

    __slots__ = ("index", "visitors", "corrected", "past")

    def __init__(self, index: dict, visitors: dict, corrected: set, past: bool):
        self.index, self.visitors, self.corrected, self.past = index, visitors, corrected, past

    def _add(self, e: dict, copied: set) -> None:
        if not self.past or e.get("outcome") == TURNED:
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


def _build(records: list[tuple[int, dict]], past: bool) -> DayIndex:
    rows = [{**r, "id": i} for i, r in sorted(records, key=lambda p: p[0])]
    day = DayIndex({}, {}, {r["corrects"] for r in rows if r.get("corrects")}, past)
    copied: set = set()
    for e in live(rows):
        day._add(e, copied)
    return day


def _fold(day: DayIndex, changes: list[dict]) -> DayIndex | None:
    """New plain entries folded in; anything else (None): built again."""
    new = DayIndex(dict(day.index), dict(day.visitors), day.corrected, day.past)
    copied: set = set()
    for c in changes:
        after = c.get("after")
        if c["op"] != "insert" or after.get("corrects") or after.get("correction"):
            return None
        if c["id"] not in new.corrected:
            new._add({**after, "id": c["id"]}, copied)
    return new


def day_index(store: Store, day: str, today: str) -> DayIndex:
    past = day != today
    return folded(store, "checkpoint", partial(_build, past=past), _fold, day=day,
                  tag="visitors-past" if past else "visitors")


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
        idx = day_index(store, day, today).index
        seen: dict[int, tuple] = {}
        for key in keys:
            for e in idx.get(key, []):
                seen[e[0]] = e
        found = [dict(zip(SEEN, e)) for e in sorted(seen.values())]
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
    for day in reversed(recent_days(store, today, LOOKBACK_DAYS)):
        visitors = day_index(store, day, today).visitors
        for who, (plate, purpose, at) in reversed(list(visitors.items())):
            if who in found:
                continue
            if (who[0].startswith(prefix) or (who[1] and who[1].startswith(prefix))
                    or names.matches(who[0], prefix)):
                found[who] = {"name": who[0], "phone": who[1], "door": who[2], "org": who[3],
                              "plate": plate, "purpose": purpose, "last": at}
                if len(found) >= limit:
                    return list(found.values())
    return list(found.values())
